"""content/lab: the scenarios' words load into LabScenario, export byte for byte, and a
file that does not fit its scenario's mechanics is refused with its path and line."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.core.content_files import ContentError
from apps.lab import content_files
from apps.lab.models import LabScenario
from apps.lab.scenarios import SCENARIOS

pytestmark = pytest.mark.django_db
CONTENT = Path(settings.BASE_DIR) / "content"


def lab_copy(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT / "lab", tmp_path / "lab")
    return tmp_path


def test_every_scenario_has_its_words_and_they_export_byte_for_byte(tmp_path):
    content_files.load(CONTENT, [])
    assert set(LabScenario.objects.values_list("slug", flat=True)) == {s.slug for s in SCENARIOS}
    content_files.export(tmp_path)
    for path in (CONTENT / "lab").glob("*.md"):
        assert (tmp_path / "lab" / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_words_render_once_on_save_with_their_reading_links():
    content_files.load(CONTENT, [])
    words = LabScenario.objects.get(slug="shadow-of-the-future")
    assert 'href="/lessons/how-regimes-work/#shadow-of-the-future"' in words.body_html


def test_an_unknown_slug_is_named(tmp_path):
    root = lab_copy(tmp_path)
    path = root / "lab" / "sanctions.md"
    path.write_text(path.read_text().replace("slug: sanctions", "slug: fines"))
    with pytest.raises(ContentError, match="no scenario 'fines'") as error:
        content_files.load(root, [])
    assert error.value.line == 2


def test_a_missing_answer_is_named(tmp_path):
    root = lab_copy(tmp_path)
    path = root / "lab" / "sanctions.md"
    path.write_text(path.read_text().replace("  mix: 'Neither: both survive'\n", ""))
    with pytest.raises(
        ContentError, match="one answer for each outcome: defectors, cooperators, mix"
    ):
        content_files.load(root, [])


def test_load_content_refuses_a_broken_link_in_a_scenario(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    path = tmp_path / "content" / "lab" / "sanctions.md"
    path.write_text(path.read_text().replace("#changing-the-game", "#no-such-section"))
    with pytest.raises(CommandError, match=r"lab/sanctions\.md:\d+: broken link"):
        call_command("load_content", dir=str(tmp_path / "content"), verbosity=0)
