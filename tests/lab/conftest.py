from pathlib import Path

import pytest
from django.conf import settings

from apps.lab import content_files


@pytest.fixture
def scenario_words(db):
    """The guided scenarios' words, loaded from content/lab as load_content does."""
    content_files.load(Path(settings.BASE_DIR) / "content", [])
