"""Small cases built in the test, so view tests do not depend on the content files."""

import datetime

import pytest
from django.db import transaction

from apps.cases.models import Actor, Case, CaseReading, TimelineEvent
from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory

THEORIES = [
    ("realism", "Realism"),
    ("collective-security", "Collective security"),
    ("regimes", "Security regimes"),
]
KINDS = ["treaty", "crisis", "war", "conference", "revolt"]
SECTIONS = ["covenant", "manchuria", "abyssinia"]
INTERPRETATIONS = {
    "points": ["Were there shared rules?", "Did restraint outlast its interest?"],
    "views": [
        {
            "slug": "adversaries-only",
            "title": "Deterrence without a regime",
            "holders": "Sceptics",
            "summary": "Restraint came from fear alone.",
            "answers": ["No, only tacit limits.", "No."],
        },
        {
            "slug": "partial-regime",
            "title": "A partial regime",
            "holders": "Nye, George",
            "summary": "Some issue areas had rules.",
            "answers": ["In arms control, yes.", "Sometimes."],
        },
    ],
}


def theories() -> list[Theory]:
    return [
        Theory.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "order": i,
                "thesis": f"{title} thesis.",
                "status": "published",
            },
        )[0]
        for i, (slug, title) in enumerate(THEORIES)
    ]


def body_text() -> str:
    sections = []
    for anchor in SECTIONS:
        paragraphs = "\n\n".join(
            f"Paragraph {n} about {anchor}, long enough to push the next heading down the page. "
            * 3
            for n in range(6)
        )
        sections.append(f"## The {anchor} section {{#{anchor}}}\n\n{paragraphs}")
    return "\n\n".join(sections)


@transaction.atomic  # one commit, so one search index rebuild (not one per save)
def make_case(
    slug: str = "league-and-abyssinia",
    *,
    events: int = 5,
    status: str = "published",
    order: int = 1,
    interpretations: dict | None = None,
) -> Case:
    """A case with two actors, `events` events (kinds in turn), three readings and links."""
    realism, collective, regimes = theories()
    lesson = Lesson.objects.get_or_create(
        slug="why-collective-security-failed",
        defaults={
            "title": "Why collective security failed",
            "theory": collective,
            "summary": "It failed.",
            "body": "## Why this matters {#why-this-matters}\n\nBecause.",
            "status": "published",
        },
    )[0]
    term = GlossaryTerm.objects.get_or_create(
        slug="sanctions",
        defaults={"term": "Sanctions", "definition": "Penalties.", "status": "published"},
    )[0]
    source = Source.objects.get_or_create(
        key="lipson-1995",
        defaults={
            "authors": "Charles Lipson",
            "year": 1995,
            "title": "Are Security Regimes Possible?",
        },
    )[0]
    case = Case.objects.create(
        slug=slug,
        title=f"Case {slug}",
        order=order,
        period="1919–1939",
        status=status,
        summary=f"The summary of {slug}.",
        discussion=["Why did sanctions fail?", "Could the League have worked?"],
        interpretations=interpretations or {},
        body=body_text(),
    )
    case.lessons.add(lesson)
    case.key_terms.add(term)
    case.sources.add(source)
    Actor.objects.bulk_create(
        [
            Actor(case=case, order=0, name="Haile Selassie", kind="person", role="Emperor."),
            Actor(case=case, order=1, name="Italy", kind="state", role="The aggressor."),
        ]
    )
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            case=case,
            date=datetime.date(1920, 1, 10) + datetime.timedelta(days=60 * i),
            precision=["day", "month", "year"][i % 3],
            title=f"Event {i} ({KINDS[i % len(KINDS)]})",
            kind=KINDS[i % len(KINDS)],
            section=SECTIONS[i % len(SECTIONS)],
            description=f"What happened in event {i}.",
        )
        for i in range(events)
    )
    for theory in (realism, collective, regimes):
        CaseReading.objects.create(
            case=case,
            theory=theory,
            prediction=f"What would {theory.title} expect here?",
            explains=f"{theory.title} **explains** the outcome.",
            misses=f"{theory.title} misses the details.",
            verdict=f"{theory.title} verdict.",
        )
    return case


@pytest.fixture
def case(db):
    return make_case()
