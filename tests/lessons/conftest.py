import pytest

from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory


@pytest.fixture
def theory(db):
    return Theory.objects.create(
        slug="realism", title="Realism", thesis="Power decides.", status="published"
    )


def make_lessons(theory, count: int, status: str = "published") -> list[Lesson]:
    term = GlossaryTerm.objects.get_or_create(
        slug="anarchy",
        defaults={"term": "Anarchy", "definition": "No world government.", "status": "published"},
    )[0]
    source = Source.objects.get_or_create(
        key="carr-1939",
        defaults={"authors": "E. H. Carr", "year": 1939, "title": "The Twenty Years' Crisis"},
    )[0]
    lessons = []
    for i in range(count):
        lesson = Lesson.objects.create(
            slug=f"lesson-{i}", title=f"Lesson {i}", order=i, theory=theory, status=status,
            summary="A summary.", objectives=["Explain X"], takeaways=["X"],
            body=f"## Why this matters {{#why-this-matters}}\n\n[anarchy](/glossary/anarchy/) {i}",
        )  # fmt: skip
        lesson.key_terms.add(term)
        lesson.sources.add(source)
        lessons.append(lesson)
    return lessons
