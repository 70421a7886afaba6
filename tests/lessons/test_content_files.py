import filecmp
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.cases.models import Case
from apps.lessons.models import ComparisonCell, GlossaryTerm, Lesson, Source, Theory

CONTENT = Path(settings.BASE_DIR) / "content"


def snapshot():
    return {
        "lessons": list(
            Lesson.objects.values_list("slug", "title", "body", "theory__slug", "status")
        ),
        "terms": list(GlossaryTerm.objects.values_list("slug", "definition_html")),
        "cells": ComparisonCell.objects.count(),
        "cases": list(Case.objects.values_list("slug", "body_html")),
    }


@pytest.mark.django_db
def test_the_course_content_loads_completely(content):
    assert Theory.objects.count() == 3
    assert Lesson.objects.count() >= 8
    assert GlossaryTerm.objects.count() >= 30
    assert Source.objects.count() >= 20
    assert Case.objects.count() == 3
    assert ComparisonCell.objects.count() >= 7 * 3
    assert all(
        lesson.toc and lesson.toc[0]["id"] == "why-this-matters" for lesson in Lesson.objects.all()
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing(content):
    before = snapshot()
    call_command("load_content", verbosity=0)
    assert snapshot() == before


@pytest.mark.django_db
def test_export_writes_back_the_same_files(content, tmp_path):
    call_command("export_content", dir=str(tmp_path), verbosity=0)
    exported = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for relative in exported:
        original = CONTENT / relative
        assert original.exists(), f"export invented {relative}"
        assert filecmp.cmp(original, tmp_path / relative, shallow=False), f"{relative} differs"


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.mark.django_db
def test_malformed_yaml_names_the_file_and_line_and_loads_nothing(tmp_path):
    content = copy_content(tmp_path)
    glossary = content / "glossary.yaml"
    lines = glossary.read_text().splitlines()
    lines[4] = "  definition: [unclosed"
    glossary.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as error:
        call_command("load_content", dir=str(content), verbosity=0)
    assert "glossary.yaml:" in str(error.value)
    assert "Nothing was loaded" in str(error.value)
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_a_broken_link_is_reported_with_its_line(tmp_path):
    content = copy_content(tmp_path)
    lesson = sorted((content / "lessons").glob("*.md"))[0]
    text = lesson.read_text()
    line = text[: text.index("## Why this matters")].count("\n") + 3
    lesson.write_text(
        text.replace(
            "## Why this matters {#why-this-matters}\n",
            "## Why this matters {#why-this-matters}\n\nSee [nothing](/glossary/no-such-term/).\n",
            1,
        )
    )
    with pytest.raises(CommandError) as error:
        call_command("load_content", dir=str(content), verbosity=0)
    assert f"{lesson.name}:{line}: broken link /glossary/no-such-term/" in str(error.value)
    assert Lesson.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_key_term_is_reported_with_its_line(tmp_path):
    content = copy_content(tmp_path)
    lesson = sorted((content / "lessons").glob("*.md"))[0]
    text = lesson.read_text()
    lesson.write_text(text.replace("key_terms:\n", "key_terms:\n  - not-a-term\n", 1))
    line = text[: text.index("key_terms:")].count("\n") + 1
    with pytest.raises(CommandError) as error:
        call_command("load_content", dir=str(content), verbosity=0)
    assert f"{lesson.name}:{line}: unknown glossary term 'not-a-term'" in str(error.value)


@pytest.mark.django_db
def test_missing_front_matter_is_reported(tmp_path):
    content = copy_content(tmp_path)
    (content / "theories" / "broken.md").write_text("no front matter here\n")
    with pytest.raises(CommandError, match=r"broken.md:1: expected front matter"):
        call_command("load_content", dir=str(content), verbosity=0)


def test_loading_again_renders_the_changed_text(db, tmp_path):
    """A second load over existing rows writes the new HTML, contents and reading time,
    not only the Markdown (update_or_create saves just the fields it is given)."""
    content = tmp_path / "content"
    shutil.copytree(settings.BASE_DIR / "content", content)
    call_command("load_content", dir=str(content), verbosity=0)
    path = content / "lessons" / "01-two-views-of-security.md"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n## A section added later {#added-later}\n\n"
        + "word " * 3000
        + "\n",
        encoding="utf-8",
    )
    call_command("load_content", dir=str(content), verbosity=0)
    lesson = Lesson.objects.get(slug="two-views-of-security")
    assert 'id="added-later"' in lesson.body_html
    assert any(entry["id"] == "added-later" for entry in lesson.toc)
    assert lesson.reading_minutes >= 15


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("folder", "old", "new", "message"),
    [
        # An unquoted list item with ": " that YAML reads as a mapping.
        ("lessons", "takeaways:\n", "takeaways:\n  - Words: more words\n",
         "'takeaways' item 1 is a dict, not a str (quote an item that contains ': ')"),
        ("lessons", "title:", "colour: blue\ntitle:", "unknown key 'colour'"),
        # A lesson's cases are linked from the case files (their `lessons:`).
        ("lessons", "title:", "cases: [concert-of-europe]\ntitle:", "unknown key 'cases'"),
        ("theories", "title:", "order: first\ntitle:", "'order' should be a number, not str"),
        ("cases", "\nperiod:", "\nperiod: 1815\nold_period:", "'period' should be text, not int"),
    ],
)  # fmt: skip
def test_front_matter_of_the_wrong_type_is_an_error_naming_file_and_line(
    tmp_path, folder, old, new, message
):
    content = copy_content(tmp_path)
    path = sorted((content / folder).glob("*.md"))[0]
    text = path.read_text()
    if folder == "theories":
        text = text.replace("\norder:", "\nsort:", 1)  # one 'order' key, the wrong one
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(CommandError) as error:
        call_command("load_content", dir=str(content), verbosity=0)
    assert path.name in str(error.value) and message in str(error.value)
    assert re.search(rf"{re.escape(path.name)}:\d+:", str(error.value))
    assert Lesson.objects.count() == 0


@pytest.mark.django_db
def test_an_admin_edit_with_crlf_line_endings_exports_with_lf(tmp_path, content):
    lesson = Lesson.objects.get(slug="two-views-of-security")
    lesson.body = lesson.body.replace("\n", "\r\n") + "\r\n\r\nOne more line."
    lesson.save()
    call_command("export_content", dir=str(tmp_path), verbosity=0)
    written = (tmp_path / "lessons" / "01-two-views-of-security.md").read_bytes()
    assert b"\r" not in written and written.endswith(b"One more line.\n")


@pytest.mark.django_db
def test_an_image_in_a_content_file_is_refused_with_its_line(tmp_path):
    content = copy_content(tmp_path)
    lesson = sorted((content / "lessons").glob("*.md"))[0]
    text = lesson.read_text()
    marker = "## Why this matters {#why-this-matters}\n"
    line = text[: text.index(marker)].count("\n") + 3
    lesson.write_text(text.replace(marker, marker + "\n![A map](/static/map.png)\n", 1))
    with pytest.raises(CommandError) as error:
        call_command("load_content", dir=str(content), verbosity=0)
    assert f"{lesson.name}:{line}: images are not supported" in str(error.value)
