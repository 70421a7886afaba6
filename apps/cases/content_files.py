"""Load and export the case studies (content/cases/<slug>.md)."""

import datetime
from pathlib import Path

from apps.cases.models import Actor, Case, CaseReading, TimelineEvent
from apps.core.content_files import (
    ContentError,
    Document,
    anchors_in,
    find_each,
    in_key_order,
    read_document,
    write_document,
)
from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory

READING_FIELDS = ["prediction", "explains", "misses", "verdict"]
VIEW_KEYS = ["slug", "title", "holders", "summary", "answers"]


def load(content_dir: Path, documents: list) -> None:
    for path in sorted((content_dir / "cases").glob("*.md")):
        _load_case(read_document(path))
        documents.append((path, path.read_text(encoding="utf-8"), 1))


def _event_date(doc: Document, event: dict) -> datetime.date:
    value = event.get("date")
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(
            doc.path,
            doc.line_of("date"),
            f"event '{event.get('title')}' has date {value!r}; expected YYYY-MM-DD",
        ) from None


CASE_TYPES = {
    "slug": "text", "title": "text", "order": "number", "status": "text", "period": "text",
    "summary": "text", "lessons": "texts", "key_terms": "texts", "sources": "texts",
    "actors": "mappings", "events": "mappings", "readings": "mapping", "discussion": "texts",
    "interpretations": "mapping",
}  # fmt: skip


def _load_case(doc: Document) -> None:
    doc.check_types(CASE_TYPES)
    doc.require("slug", "title", "summary")
    meta = doc.meta
    case, _ = Case.objects.update_or_create(
        slug=meta["slug"],
        defaults={
            "title": meta["title"],
            "order": meta.get("order", 0),
            "status": meta.get("status", "published"),
            "period": meta.get("period", ""),
            "summary": meta["summary"],
            "discussion": meta.get("discussion") or [],
            "interpretations": meta.get("interpretations") or {},
            "body": doc.body,
        },
    )
    case.lessons.set(
        find_each(Lesson, doc.path, doc.line_of("lessons"), "slug", meta.get("lessons") or [])
    )
    case.key_terms.set(
        find_each(
            GlossaryTerm, doc.path, doc.line_of("key_terms"), "slug", meta.get("key_terms") or []
        )
    )
    case.sources.set(
        find_each(Source, doc.path, doc.line_of("sources"), "key", meta.get("sources") or [])
    )

    anchors = {item["id"] for item in case.toc} | anchors_in(case.body_html)
    case.actors.all().delete()
    Actor.objects.bulk_create(
        Actor(
            case=case, order=i, name=a["name"], kind=a.get("kind", "person"), role=a.get("role", "")
        )
        for i, a in enumerate(meta.get("actors") or [])
    )
    case.events.all().delete()
    events = []
    for event in meta.get("events") or []:
        if event.get("kind") not in TimelineEvent.Kind.values:
            raise ContentError(
                doc.path,
                doc.line_of("events"),
                f"event '{event.get('title')}' has kind {event.get('kind')!r}; expected one of "
                + ", ".join(TimelineEvent.Kind.values),
            )
        if event.get("section") not in anchors:
            raise ContentError(
                doc.path,
                doc.line_of("events"),
                f"event '{event.get('title')}' points at section '#{event.get('section')}', "
                "which the narrative does not have",
            )
        events.append(
            TimelineEvent(
                case=case,
                date=_event_date(doc, event),
                precision=event.get("precision", "day"),
                title=event["title"],
                kind=event["kind"],
                section=event["section"],
                description=event.get("description", ""),
            )
        )
    TimelineEvent.objects.bulk_create(events)

    theories = {t.slug: t for t in Theory.objects.all()}
    for theory_slug, reading in (meta.get("readings") or {}).items():
        if theory_slug not in theories:
            raise ContentError(doc.path, doc.line_of("readings"), f"unknown theory '{theory_slug}'")
        CaseReading.objects.update_or_create(
            case=case,
            theory=theories[theory_slug],
            defaults={f: reading.get(f, "") for f in READING_FIELDS},
        )


def export(content_dir: Path) -> None:
    cases = Case.objects.prefetch_related(
        "lessons", "key_terms", "sources", "actors", "events", "readings__theory"
    )
    for case in cases:
        meta = {
            "slug": case.slug,
            "title": case.title,
            "order": case.order,
            "status": case.status,
            "period": case.period,
            "summary": case.summary,
            "lessons": sorted(lesson.slug for lesson in case.lessons.all()),
            "key_terms": sorted(t.slug for t in case.key_terms.all()),
            "sources": sorted(s.key for s in case.sources.all()),
            "actors": [{"name": a.name, "kind": a.kind, "role": a.role} for a in case.actors.all()],
            "events": [
                {
                    "date": e.date.isoformat(),
                    "precision": e.precision,
                    "title": e.title,
                    "kind": e.kind,
                    "section": e.section,
                    "description": e.description,
                }
                for e in case.events.all()
            ],
            "readings": {
                r.theory.slug: {f: getattr(r, f) for f in READING_FIELDS}
                for r in case.readings.all()
            },
            "discussion": case.discussion,
        }
        if case.interpretations:
            meta["interpretations"] = {
                "points": case.interpretations.get("points", []),
                "views": [
                    in_key_order(v, VIEW_KEYS) for v in case.interpretations.get("views", [])
                ],
            }
        write_document(content_dir / "cases" / f"{case.slug}.md", meta, case.body)
