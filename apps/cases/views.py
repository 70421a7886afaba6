"""Case studies: the list, one page per case, and the prediction a student commits before
a theory's reading is revealed. Every choice on a case page lives in its URL."""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from apps.cases.forms import PredictionForm
from apps.cases.models import Case, CaseReading, TimelineEvent
from apps.core.page_cache import content_version
from apps.core.roles import Action, may
from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory

# Predictions live in the session so anonymous visitors can commit them too:
# {case slug: {theory slug: text}}.
PREDICTIONS = "case_predictions"
# Each htmx partial and the query parameters it owns.
PARTIALS = {"readings": ("lens", "with", "reveal"), "timeline": ("kinds",)}


def case_list(request: HttpRequest) -> HttpResponse:
    lessons = Lesson.objects.visible_to(request.user).only("slug", "title", "order")
    cases = (
        Case.objects.visible_to(request.user)
        .annotate(
            event_count=Count("events", distinct=True),
            actor_count=Count("actors", distinct=True),
        )
        .prefetch_related(Prefetch("lessons", queryset=lessons))
        .order_by("order", "title")  # an aggregate drops Meta.ordering
    )
    return render(request, "cases/case_list.html", {"cases": cases})


def _get_case_for_user(request: HttpRequest, slug: str) -> Case:
    """The case and everything its page shows, in a fixed number of queries; 404 if hidden."""
    user = request.user
    readings = CaseReading.objects.filter(
        theory__in=Theory.objects.visible_to(user)
    ).select_related("theory")
    return get_object_or_404(
        Case.objects.visible_to(user).prefetch_related(
            "actors", "events", Prefetch("readings", queryset=readings)
        ),
        slug=slug,
    )


@dataclass(frozen=True)
class CaseLinks:
    """Where a case fits: the lessons it draws on, its key terms and its sources."""

    lessons: list[Lesson]
    key_terms: list[GlossaryTerm]
    sources: list[Source]
    quiz_url: str  # the published course quiz on this case, or ""


def _case_links(case: Case, user) -> CaseLinks:
    """The same for every reader who sees the same content, so it is cached under the
    content version (which any curated save bumps) and whether drafts show."""

    def load() -> CaseLinks:
        return CaseLinks(
            lessons=list(
                case.lessons.visible_to(user)
                .select_related("theory")
                .only("slug", "title", "theory__slug", "theory__title")
            ),
            key_terms=list(case.key_terms.visible_to(user).only("slug", "term")),
            sources=list(case.sources.only("key", "authors", "year", "title")),
            quiz_url=next(
                (q.get_absolute_url() for q in case.quizzes.published().for_course()[:1]), ""
            ),
        )

    drafts = may(user, Action.CURATE)
    return cache.get_or_set(f"case-links:{content_version()}:{case.pk}:{drafts}", load, 3600)


@dataclass(frozen=True)
class PageState:
    """What the URL asks a case page to show. Lenses and kinds the case lacks are ignored."""

    front: str = ""  # theory slug of the reading in front ("" when the case has none)
    lens_chosen: bool = False  # whether the URL named the front lens
    beside: str = ""  # a second reading shown side by side
    reveal: bool = False  # reveal without committing a prediction
    kinds: tuple[str, ...] = ()  # timeline filter; empty shows every event

    @classmethod
    def from_query(cls, query: QueryDict, case: Case) -> "PageState":
        lenses = [reading.theory.slug for reading in case.readings.all()]
        present = {event.kind for event in case.events.all()}
        lens = query.get("lens", "")
        chosen = lens in lenses
        front = lens if chosen else (lenses[0] if lenses else "")
        beside = query.get("with", "")
        wanted = set(query.getlist("kinds"))
        return cls(
            front=front,
            lens_chosen=chosen,
            beside=beside if beside in lenses and beside != front else "",
            reveal=query.get("reveal") == "1",
            kinds=tuple(k for k in TimelineEvent.Kind.values if k in wanted and k in present),
        )

    def reading_params(self) -> list[tuple[str, str]]:
        """The readings part of the state, for forms that must carry it along."""
        params = [("lens", self.front)] if self.lens_chosen else []
        if self.beside:
            params.append(("with", self.beside))
        if self.reveal:
            params.append(("reveal", "1"))
        return params

    @property
    def query(self) -> QueryDict:
        query = QueryDict(mutable=True)
        for name, value in self.reading_params():
            query[name] = value
        if self.kinds:
            query.setlist("kinds", list(self.kinds))
        return query


@dataclass
class ReadingPanel:
    reading: CaseReading
    prediction: str
    revealed: bool
    form: PredictionForm | None = None


def _case_predictions(request: HttpRequest, case: Case) -> dict[str, str]:
    return request.session.get(PREDICTIONS, {}).get(case.slug, {})


def _reading_panels(
    case: Case, state: PageState, predictions: dict[str, str], form: PredictionForm | None
) -> list[ReadingPanel]:
    """One panel, or two side by side. Side by side compares readings, so both are revealed."""
    by_lens = {reading.theory.slug: reading for reading in case.readings.all()}
    lenses = [state.front, state.beside] if state.beside else [state.front]
    panels = []
    for lens in lenses:
        if lens not in by_lens:
            continue
        prediction = predictions.get(lens, "")
        panels.append(
            ReadingPanel(
                reading=by_lens[lens],
                prediction=prediction,
                revealed=state.reveal or bool(state.beside) or bool(prediction),
                form=form if form is not None and form.data.get("lens") == lens else None,
            )
        )
    return panels


def _timeline(case: Case, state: PageState) -> dict:
    events = list(case.events.all())
    counts = Counter(event.kind for event in events)
    return {
        "events": [e for e in events if not state.kinds or e.kind in state.kinds],
        "total": len(events),
        "kinds": [
            {
                "value": value,
                "label": label,
                "count": counts[value],
                "checked": value in state.kinds,
            }
            for value, label in TimelineEvent.Kind.choices
            if counts[value]
        ],
    }


def _interpretations(case: Case) -> dict | None:
    """The rival answers laid out as rows of a table: one per point, one answer per view."""
    points = case.interpretations.get("points") or []
    views = case.interpretations.get("views") or []
    if not points or not views:
        return None
    rows = []
    for index, point in enumerate(points):
        answers = [(view.get("answers") or [])[index : index + 1] for view in views]
        rows.append({"point": point, "answers": [a[0] if a else "" for a in answers]})
    return {"views": views, "rows": rows}


def _partial(request: HttpRequest) -> str:
    """The partial an htmx request swaps ("" for the whole page)."""
    target = request.htmx.target if request.htmx else None
    return target if target in PARTIALS else ""


def _page_query(request: HttpRequest, submitted: QueryDict) -> QueryDict:
    """The page's whole state. An htmx request swaps one partial and so brings only that
    partial's parameters up to date; the rest come from the URL the page shows now, as the
    other partial's links and hidden fields may have been rendered before the last swap."""
    partial = _partial(request)
    if not partial or not request.htmx.current_url:
        return submitted
    query = QueryDict(urlsplit(request.htmx.current_url).query, mutable=True)
    for name in PARTIALS[partial]:
        query.setlist(name, submitted.getlist(name))
    return query


def _page_url(case: Case, state: PageState, anchor: str) -> str:
    query = state.query.urlencode()
    return case.get_absolute_url() + (f"?{query}" if query else "") + f"#{anchor}"


def _render_case_page(
    request: HttpRequest, case: Case, state: PageState, form: PredictionForm | None = None
) -> HttpResponse:
    partial = _partial(request)
    context = {
        "case": case,
        "state": state,
        "readings": case.readings.all(),
        "panels": _reading_panels(case, state, _case_predictions(request, case), form),
        "timeline": _timeline(case, state),
        "interpretations": _interpretations(case),
        "links": _case_links(case, request.user),
    }
    if not partial:
        return render(request, "cases/case.html", context)
    response = render(request, f"cases/case.html#{partial}", context)
    return push_url(response, _page_url(case, state, partial))


def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = _get_case_for_user(request, slug)
    state = PageState.from_query(_page_query(request, request.GET), case)
    return _render_case_page(request, case, state)


@require_POST
def predict(request: HttpRequest, slug: str) -> HttpResponse:
    """Keep the student's prediction for one lens, then reveal that lens's reading."""
    case = _get_case_for_user(request, slug)
    state = PageState.from_query(_page_query(request, request.POST), case)
    lenses = [reading.theory.slug for reading in case.readings.all()]
    form = PredictionForm(request.POST, lenses=lenses)
    if not form.is_valid():
        return _render_case_page(request, case, state, form)

    predictions = request.session.get(PREDICTIONS, {})
    predictions.setdefault(case.slug, {})[form.cleaned_data["lens"]] = form.cleaned_data["text"]
    request.session[PREDICTIONS] = predictions

    if request.htmx:
        return _render_case_page(request, case, state)
    return redirect(_page_url(case, state, "readings"))
