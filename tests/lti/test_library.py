"""Which LTI library is installed, and the way the apps may import each other."""

import ast
import importlib.metadata
from pathlib import Path

import pylti1p3
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_pylti1p3_in_use_is_the_one_django_lti_depends_on():
    # docs/lti.md: django-lti requires the distribution "pylti1p3"; the maintained fork
    # "pylti1p3next" installs the same import name, so having both would let whichever
    # installed last win silently.
    assert pylti1p3.__version__ == "2.0.0"
    assert "pylti1p3/__init__.py" in [
        str(f) for f in importlib.metadata.distribution("pylti1p3").files
    ]
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution("pylti1p3next")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_lti_imports_only_the_apps_below_it_and_none_imports_lti():
    allowed = {
        "apps.core",
        "apps.lessons",
        "apps.cases",
        "apps.quizzes",
        "apps.classes",
        "apps.lti",
    }
    for path in (ROOT / "apps" / "lti").rglob("*.py"):
        for module in _imports(path):
            if module.startswith("apps."):
                assert ".".join(module.split(".")[:2]) in allowed, (path, module)
    for path in (ROOT / "apps").rglob("*.py"):
        if "lti" not in path.relative_to(ROOT / "apps").parts[:1]:
            assert not any(m.startswith("apps.lti") for m in _imports(path)), path
