"""The import graph of apps/ (read with ast, not by importing): dependencies point one way,
core ← lessons ← cases ← quizzes ← classes ← feature apps ← site, at module level and
inside functions alike, and no app reaches another through the app registry."""

import ast
import sys
from pathlib import Path

APPS = Path(__file__).resolve().parent.parent / "apps"
LAYERS = [["core"], ["lessons"], ["cases"], ["quizzes"], ["classes"],
          ["teaching", "lab", "lti", "review"], ["site"]]  # fmt: skip
RANK = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}


def _apps() -> list[str]:
    return sorted(p.name for p in APPS.iterdir() if (p / "__init__.py").exists())


def _imports(app: str):
    """(file, line, imported app) for every `apps.X` import anywhere in `app`'s code."""
    for path in (APPS / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "apps" and len(parts) > 1 and parts[1] != app:
                    yield path.relative_to(APPS.parent), node.lineno, parts[1]


def test_every_app_has_a_layer():
    assert set(_apps()) <= set(RANK), f"give these apps a layer: {set(_apps()) - set(RANK)}"


def test_imports_point_down_only():
    wrong = [
        f"{path}:{line} imports apps.{target}"
        for app in _apps()
        for path, line, target in _imports(app)
        if RANK.get(target, 99) >= RANK[app]
    ]
    assert wrong == []


def test_core_imports_no_other_app():
    assert [f"{p}:{n} imports apps.{t}" for p, n, t in _imports("core")] == []


def test_no_app_reaches_another_through_the_registry():
    found = []
    for path in APPS.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "get_model":
                found.append(f"{path.relative_to(APPS.parent)}:{node.lineno}")
    # AppConfig.get_model on its own app is fine; nothing in apps/ needs even that.
    assert found == []


def test_the_checker_sees_function_level_imports(tmp_path, monkeypatch):
    app = tmp_path / "apps" / "lessons"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "views.py").write_text("def f():\n    from apps.cases.models import Case\n")
    monkeypatch.setattr(sys.modules[__name__], "APPS", tmp_path / "apps")
    assert [t for _, _, t in _imports("lessons")] == ["cases", "cases"]
