"""Which LTI library is installed (the import graph is tests/test_architecture.py's)."""

import importlib.metadata

import pylti1p3
import pytest


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
