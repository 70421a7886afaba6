import pytest

from apps.review import scheduling


@pytest.fixture(autouse=True)
def no_fuzzing(monkeypatch):
    """Due dates follow the library exactly, so tests can compare them with `fsrs`."""
    monkeypatch.setattr(scheduling, "ENABLE_FUZZING", False)
