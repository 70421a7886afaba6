"""Load and export the guided scenarios' words (content/lab/<slug>.md).

The file holds everything a scenario says; its mechanics (setup, lever range, judge) stay
in scenarios.py under the same slug, and a file must match them: a known slug, and one
answer for each outcome the judge can give.
"""

from pathlib import Path

from apps.core.content_files import ContentError, Document, read_document, write_document
from apps.lab.models import LabScenario
from apps.lab.scenarios import BY_SLUG

REQUIRED = ("slug", "title", "summary", "scene", "question", "choices", "lever", "try_next")


def load(content_dir: Path, documents: list) -> None:
    for path in sorted((content_dir / "lab").glob("*.md")):
        _load_scenario(read_document(path))
        documents.append((path, path.read_text(encoding="utf-8"), 1))


def _load_scenario(doc: Document) -> None:
    doc.require(*REQUIRED)
    meta = doc.meta
    mechanics = BY_SLUG.get(meta["slug"])
    if mechanics is None:
        raise ContentError(
            doc.path,
            doc.line_of("slug"),
            f"no scenario '{meta['slug']}' in apps/lab/scenarios.py; known: " + ", ".join(BY_SLUG),
        )
    choices = meta["choices"]
    values = [choice.value for choice in mechanics.choices]
    if not isinstance(choices, dict) or set(choices) != set(values):
        raise ContentError(
            doc.path,
            doc.line_of("choices"),
            "choices must give one answer for each outcome: " + ", ".join(values),
        )
    lever = meta["lever"]
    if not isinstance(lever, dict) or not lever.get("label") or not lever.get("help"):
        raise ContentError(doc.path, doc.line_of("lever"), "lever needs a label and a help text")
    scenario = LabScenario.objects.filter(slug=meta["slug"]).first() or LabScenario(
        slug=meta["slug"]
    )
    scenario.order = meta.get("order", 0)
    scenario.title = meta["title"]
    scenario.summary = meta["summary"]
    scenario.scene = meta["scene"]
    scenario.question = meta["question"]
    scenario.choices = [[value, choices[value]] for value in values]
    scenario.lever_label = lever["label"]
    scenario.lever_help = lever["help"]
    scenario.try_next = meta["try_next"]
    scenario.baseline_label = meta.get("baseline_label", "")
    scenario.body = doc.body
    scenario.save()


def export(content_dir: Path) -> None:
    for scenario in LabScenario.objects.all():
        meta = {
            "slug": scenario.slug,
            "order": scenario.order,
            "title": scenario.title,
            "summary": scenario.summary,
            "scene": scenario.scene,
            "question": scenario.question,
            "choices": dict(scenario.choices),
            "lever": {"label": scenario.lever_label, "help": scenario.lever_help},
            "try_next": scenario.try_next,
        }
        if scenario.baseline_label:
            meta["baseline_label"] = scenario.baseline_label
        write_document(content_dir / "lab" / f"{scenario.slug}.md", meta, scenario.body)
