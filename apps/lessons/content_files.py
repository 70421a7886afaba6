"""Load and export theories, sources, glossary, lessons and the comparison."""

from pathlib import Path

from apps.core.content_files import (
    ContentError,
    find_each,
    in_key_order,
    read_document,
    read_yaml,
    write_document,
    write_yaml,
)
from apps.lessons.models import (
    ComparisonCell,
    ComparisonDimension,
    GlossaryTerm,
    Lesson,
    Source,
    Theory,
)

SOURCE_FIELDS = ["key", "authors", "year", "title", "publication", "kind", "note"]
THEORY_FIELDS = [
    "slug", "title", "order", "status", "thesis", "assumptions", "how_security",
    "thinkers", "exemplar", "weakness",
]  # fmt: skip

THEORY_TYPES = {
    "slug": "text", "title": "text", "order": "number", "status": "text", "thesis": "text",
    "assumptions": "texts", "how_security": "text", "thinkers": "mappings",
    "exemplar": "text", "weakness": "text",
}  # fmt: skip
LESSON_TYPES = {
    "slug": "text", "title": "text", "order": "number", "status": "text", "theory": "text",
    "summary": "text", "objectives": "texts", "takeaways": "texts",
    "misconception": "text", "key_terms": "texts", "sources": "texts",
}  # fmt: skip

# What a theory's front matter may leave out (text fields default to "").
THEORY_DEFAULTS = {"order": 0, "status": "published", "assumptions": [], "thinkers": []}


def _entries(path: Path, key: str) -> list[tuple[dict, int]]:
    """A YAML list of mappings, each with the line where its `key` is written."""
    data = read_yaml(path) or []
    if not isinstance(data, list):
        raise ContentError(path, 1, "expected a list of entries")
    text = path.read_text(encoding="utf-8")
    entries = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or not entry.get(key):
            raise ContentError(path, 1, f"entry {index + 1} has no '{key}'")
        marker = f"{key}: {entry[key]}"
        line = text.count("\n", 0, max(text.find(marker), 0)) + 1
        entries.append((entry, line))
    return entries


def load(content_dir: Path, documents: list) -> None:
    """Upsert everything; append (path, markdown, first line) to `documents` for link checks."""
    _load_sources(content_dir / "sources.yaml")
    _load_theories(content_dir / "theories", documents)
    _load_glossary(content_dir / "glossary.yaml", documents)
    _load_lessons(content_dir / "lessons", documents)
    _load_comparison(content_dir / "comparison.yaml", documents)


def _load_sources(path: Path) -> None:
    for entry, line in _entries(path, "key"):
        missing = [f for f in ("authors", "year", "title") if not entry.get(f)]
        if missing:
            raise ContentError(path, line, f"source is missing {', '.join(missing)}")
        if entry.get("kind", "book") not in Source.Kind.values:
            raise ContentError(path, line, f"kind must be one of {', '.join(Source.Kind.values)}")
        Source.objects.update_or_create(
            key=entry["key"], defaults={f: entry.get(f, "") for f in SOURCE_FIELDS[1:]}
        )


def _load_theories(folder: Path, documents: list) -> None:
    for path in sorted(folder.glob("*.md")):
        doc = read_document(path)
        doc.check_types(THEORY_TYPES)
        doc.require("slug", "title", "thesis")
        meta = doc.meta
        Theory.objects.update_or_create(
            slug=meta["slug"],
            defaults={
                **{f: meta.get(f) or THEORY_DEFAULTS.get(f, "") for f in THEORY_FIELDS[1:]},
                "body": doc.body,
            },
        )
        documents.append((path, doc.text, 1))


def _load_glossary(path: Path, documents: list) -> None:
    entries = _entries(path, "slug")
    terms = {}
    for entry, line in entries:
        if not entry.get("term") or not entry.get("definition"):
            raise ContentError(path, line, "a glossary entry needs a term and a definition")
        terms[entry["slug"]], _ = GlossaryTerm.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "term": entry["term"],
                "definition": entry["definition"],
                "status": entry.get("status", "published"),
            },
        )
        documents.append((path, entry["definition"], line))
    for entry, line in entries:
        terms[entry["slug"]].related.set(
            find_each(GlossaryTerm, path, line, "slug", entry.get("related") or [])
        )


def _load_lessons(folder: Path, documents: list) -> None:
    for path in sorted(folder.glob("*.md")):
        doc = read_document(path)
        doc.check_types(LESSON_TYPES)
        doc.require("slug", "title", "theory", "summary")
        meta = doc.meta
        theory = find_each(Theory, path, doc.line_of("theory"), "slug", [meta["theory"]])[0]
        lesson, _ = Lesson.objects.update_or_create(
            slug=meta["slug"],
            defaults={
                "title": meta["title"],
                "order": meta.get("order", 0),
                "theory": theory,
                "status": meta.get("status", "published"),
                "summary": meta["summary"],
                "objectives": meta.get("objectives") or [],
                "takeaways": meta.get("takeaways") or [],
                "misconception": meta.get("misconception", ""),
                "body": doc.body,
            },
        )
        lesson.key_terms.set(
            find_each(
                GlossaryTerm, path, doc.line_of("key_terms"), "slug", meta.get("key_terms") or []
            )
        )
        lesson.sources.set(
            find_each(Source, path, doc.line_of("sources"), "key", meta.get("sources") or [])
        )
        documents.append((path, doc.text, 1))


def _load_comparison(path: Path, documents: list) -> None:
    theories = {t.slug: t for t in Theory.objects.all()}
    for order, (entry, line) in enumerate(_entries(path, "slug"), start=1):
        dimension, _ = ComparisonDimension.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "title": entry.get("title", ""),
                "order": entry.get("order", order),
                "status": entry.get("status", "published"),
            },
        )
        for theory_slug, cell in (entry.get("cells") or {}).items():
            if theory_slug not in theories:
                raise ContentError(path, line, f"unknown theory '{theory_slug}' in cells")
            ComparisonCell.objects.update_or_create(
                dimension=dimension,
                theory=theories[theory_slug],
                defaults={"summary": cell.get("summary", ""), "detail": cell.get("detail", "")},
            )
            documents.append((path, cell.get("detail", ""), line))


def export(content_dir: Path) -> None:
    write_yaml(
        content_dir / "sources.yaml",
        [{f: getattr(s, f) for f in SOURCE_FIELDS} for s in Source.objects.order_by("key")],
    )
    for theory in Theory.objects.all():
        meta = {f: getattr(theory, f) for f in THEORY_FIELDS}
        meta["thinkers"] = [in_key_order(t, ["name", "contribution"]) for t in theory.thinkers]
        write_document(content_dir / "theories" / f"{theory.slug}.md", meta, theory.body)
    write_yaml(
        content_dir / "glossary.yaml",
        [
            {
                "slug": t.slug,
                "term": t.term,
                "definition": t.definition,
                "related": [r.slug for r in t.related.order_by("slug")],
                **({"status": t.status} if t.is_draft else {}),
            }
            for t in GlossaryTerm.objects.prefetch_related("related").order_by("slug")
        ],
    )
    for lesson in Lesson.objects.select_related("theory").prefetch_related("key_terms", "sources"):
        meta = {
            "slug": lesson.slug,
            "title": lesson.title,
            "order": lesson.order,
            "theory": lesson.theory.slug,
            "status": lesson.status,
            "summary": lesson.summary,
            "objectives": lesson.objectives,
            "key_terms": sorted(t.slug for t in lesson.key_terms.all()),
            "sources": sorted(s.key for s in lesson.sources.all()),
            "takeaways": lesson.takeaways,
            "misconception": lesson.misconception,
        }
        write_document(
            content_dir / "lessons" / f"{lesson.order:02d}-{lesson.slug}.md", meta, lesson.body
        )
    write_yaml(
        content_dir / "comparison.yaml",
        [
            {
                "slug": d.slug,
                "title": d.title,
                "order": d.order,
                "cells": {
                    c.theory.slug: {"summary": c.summary, "detail": c.detail} for c in d.cells.all()
                },
            }
            for d in ComparisonDimension.objects.prefetch_related("cells__theory")
        ],
    )
