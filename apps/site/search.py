"""Site search: PostgreSQL full-text search with weighted fields and highlighted snippets.

On SQLite (the zero-setup default for `make run`) it falls back to a plain substring match.
"""

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from apps.cases.models import Case
from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory
from apps.quizzes.models import Attempt, Question
from apps.site.models import SearchDocument, SearchWord

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 30
# Control characters cannot occur in page text, so they mark highlights safely before escaping.
START, STOP = "\x02", "\x03"
# Results come grouped by kind in this order: what a learner reads first (lessons, cases,
# the glossary, the sources) above the theory pages, and quiz material last.
GROUP_LABELS = {"lesson": "Lessons", "case": "Cases", "term": "Glossary", "source": "Sources",
                "theory": "Theories", "question": "Quiz explanations"}  # fmt: skip
KIND_ORDER = list(GROUP_LABELS)
# A query word this similar (pg_trgm, 0 to 1) to an indexed word is read as a misspelling.
SIMILAR_ENOUGH = 0.4
WORD_RE = re.compile(r"[^\W\d_]{4,}")


@dataclass
class Result:
    kind: str
    title: str
    url: str
    snippet: SafeString


@dataclass
class Group:
    label: str
    results: list[Result]


def grouped(results: list[Result]) -> list[Group]:
    """The results in groups by kind, in KIND_ORDER, each keeping its own ranking."""
    groups: dict[str, Group] = {}
    for result in results:
        groups.setdefault(result.kind, Group(GROUP_LABELS[result.kind], [])).results.append(result)
    return [groups[kind] for kind in KIND_ORDER if kind in groups]


def plain_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(strip_tags(html))).strip()


def _documents() -> list[SearchDocument]:
    docs = [
        SearchDocument(kind="lesson", key=o.slug, title=o.title, url=o.get_absolute_url(),
                       text=plain_text(f"<p>{escape(o.summary)}</p>{o.body_html}"))
        for o in Lesson.objects.published()
    ]  # fmt: skip
    docs += [
        SearchDocument(kind="case", key=o.slug, title=o.title, url=o.get_absolute_url(),
                       text=plain_text(f"<p>{escape(o.summary)}</p>{o.body_html}"))
        for o in Case.objects.published()
    ]  # fmt: skip
    docs += [
        SearchDocument(kind="term", key=o.slug, title=o.term, url=o.get_absolute_url(),
                       text=plain_text(o.definition_html))
        for o in GlossaryTerm.objects.published()
    ]  # fmt: skip
    docs += [
        SearchDocument(kind="source", key=o.key, title=f"{o.authors} ({o.year}), {o.title}",
                       url=o.get_absolute_url(), text=f"{o.publication} {o.note}".strip())
        for o in Source.objects.all()
    ]  # fmt: skip
    docs += [
        SearchDocument(kind="theory", key=o.slug, title=o.title, url=o.get_absolute_url(),
                       text=plain_text(f"<p>{escape(o.thesis)}</p>{o.body_html}"))
        for o in Theory.objects.published()
    ]  # fmt: skip
    docs += _question_documents()
    return docs


def _question_documents() -> list[SearchDocument]:
    """Quiz explanations are searchable; they link to the section each question tests."""
    questions = Question.objects.filter(
        current=True, quiz__status="published", quiz__owner__isnull=True
    ).select_related("quiz")
    return [
        SearchDocument(kind="question", key=str(q.pk), title=q.quiz.title, quiz=q.quiz,
                       url=q.quiz.get_absolute_url(), text=plain_text(q.general_feedback_html))
        for q in questions
        if q.general_feedback_html
    ]  # fmt: skip


@transaction.atomic
def rebuild_index() -> int:
    """Replace the whole index with the published content (a few hundred rows: cheap)."""
    SearchDocument.objects.all().delete()
    docs = SearchDocument.objects.bulk_create(_documents())
    SearchWord.objects.all().delete()
    words = {w.casefold() for doc in docs for w in WORD_RE.findall(f"{doc.title} {doc.text}")}
    SearchWord.objects.bulk_create(SearchWord(word=w) for w in sorted(words) if len(w) <= 100)
    if connection.vendor == "postgresql":
        SearchDocument.objects.update(
            vector=SearchVector("title", weight="A", config="english")
            + SearchVector("text", weight="B", config="english")
        )
    return len(docs)


def _visible_documents(user):
    """Course pages for everyone; a quiz's explanations and marking guides only for a
    student who has completed that quiz, so search never gives away an answer."""
    visible = Q(quiz__isnull=True)
    if user.is_authenticated:
        completed = Attempt.objects.filter(user=user, state=Attempt.State.SUBMITTED)
        visible |= Q(quiz__in=completed.values("quiz"))
    # Grouped by kind: lessons first, quiz material last.
    return SearchDocument.objects.filter(visible).annotate(
        group=models.Case(
            *(models.When(kind=kind, then=index) for index, kind in enumerate(KIND_ORDER)),
            default=len(KIND_ORDER),
            output_field=models.IntegerField(),
        )
    )


def search(user, query: str) -> list[Result]:
    documents = _visible_documents(user)
    if connection.vendor == "postgresql":
        return _search_postgres(documents, query)
    return _search_substring(documents, query)


def _search_postgres(documents, query: str) -> list[Result]:
    search_query = SearchQuery(query, config="english", search_type="websearch")
    rows = (
        documents.filter(vector=search_query)
        .annotate(
            rank=SearchRank(F("vector"), search_query),
            headline=SearchHeadline(
                "text",
                search_query,
                config="english",
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        # Equal ranks are common (one quiz's explanations share a title): kind and key
        # settle them the same way whatever order the documents were written in.
        .order_by("group", "-rank", "title", "kind", "key")[:MAX_RESULTS]
    )
    return [Result(r.kind, r.title, r.url, _highlight(r.headline)) for r in rows]


def suggestion(user, query: str) -> str | None:
    """A spelling of `query` with each unknown word replaced by the most similar indexed
    word ("colective security" → "collective security"), offered only when it finds
    something; None when nothing is misspelled. PostgreSQL only (pg_trgm): elsewhere None.
    """
    if connection.vendor != "postgresql":
        return None
    typed = WORD_RE.findall(query.casefold())
    known = set(SearchWord.objects.filter(word__in=typed).values_list("word", flat=True))
    corrected = query.casefold()
    for word in dict.fromkeys(typed):
        if word in known:
            continue
        closest = (
            # `trigram_similar` (pg_trgm's %, from its index) narrows; the similarity decides.
            SearchWord.objects.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .filter(similarity__gte=SIMILAR_ENOUGH)
            .order_by("-similarity", "word")
            .values_list("word", flat=True)
            .first()
        )
        if closest:
            corrected = re.sub(rf"\b{re.escape(word)}\b", closest, corrected)
    if corrected == query.casefold() or not search(user, corrected):
        return None
    return corrected


def _highlight(text: str) -> SafeString:
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _search_substring(documents, query: str) -> list[Result]:
    rows = documents.filter(Q(title__icontains=query) | Q(text__icontains=query)).order_by(
        "group", "title", "kind", "key"
    )
    return [
        Result(row.kind, row.title, row.url, _highlight(_excerpt(row.text, query)))
        for row in rows[:MAX_RESULTS]
    ]


def _excerpt(text: str, query: str, before: int = 80, after: int = 140) -> str:
    """About 220 characters around the first match, cut at word boundaries, match marked."""
    at = text.lower().find(query.lower())
    if at == -1:
        end = text.find(" ", before + after)
        return text if end == -1 else text[:end] + " …"
    start = text.rfind(" ", 0, max(at - before, 0)) + 1
    end = text.find(" ", at + len(query) + after)
    end = len(text) if end == -1 else end
    stop = at + len(query)
    return (
        ("… " if start else "")
        + f"{text[start:at]}{START}{text[at:stop]}{STOP}{text[stop:end]}"
        + (" …" if end < len(text) else "")
    )


_state = threading.local()


@contextmanager
def rebuild_once_after():
    """Within this block saves do not rebuild the index; it is rebuilt once at the end."""
    _state.deferred = True
    try:
        yield
    finally:
        _state.deferred = False
    rebuild_index()


def content_changed() -> None:
    """Rebuild the index once the current transaction commits: once, however many saves."""
    if getattr(_state, "deferred", False):
        return
    if any(entry[1] is rebuild_index for entry in connection.run_on_commit):
        return
    transaction.on_commit(rebuild_index)
