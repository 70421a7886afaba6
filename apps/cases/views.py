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

from apps.cases import services
from apps.cases.forms import JudgementForm, PredictionForm
from apps.cases.models import Case, CasePrediction, CaseReading, TimelineEvent
from apps.core.page_cache import content_version
from apps.core.roles import Action, may
from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory

# A signed-in student's predictions are CasePrediction rows; an anonymous visitor's live
# in the session: {case slug: {theory slug: text}}, and their judgements beside them.
PREDICTIONS = "case_predictions"
JUDGEMENTS = "case_judgements"
# Each htmx partial and the query parameters it owns.
PARTIALS = {"readings": ("lens", "with"), "timeline": ("kinds",)}


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
            kinds=tuple(k for k in TimelineEvent.Kind.values if k in wanted and k in present),
        )

    def reading_params(self) -> list[tuple[str, str]]:
        """The readings part of the state, for forms that must carry it along."""
        params = [("lens", self.front)] if self.lens_chosen else []
        if self.beside:
            params.append(("with", self.beside))
        return params

    @property
    def query(self) -> QueryDict:
        query = QueryDict(mutable=True)
        for name, value in self.reading_params():
            query[name] = value
        if self.kinds:
            query.setlist("kinds", list(self.kinds))
        return query


@dataclass(frozen=True)
class Prediction:
    text: str
    judgement: str = ""  # a CasePrediction.Judgement value, "" until judged

    @property
    def judgement_label(self) -> str:
        return CasePrediction.Judgement(self.judgement).label if self.judgement else ""


@dataclass
class ReadingPanel:
    reading: CaseReading
    prediction: Prediction | None
    other: str  # the lens of the panel beside this one, which its forms carry along
    form: PredictionForm | None = None
    judgement_form: JudgementForm | None = None

    @property
    def revealed(self) -> bool:
        """A reading is revealed only to a student who has committed a prediction for it."""
        return self.prediction is not None


def _case_predictions(request: HttpRequest, case: Case) -> dict[str, Prediction]:
    """{theory slug: Prediction} of this student (or visitor) for the case."""
    if request.user.is_authenticated:
        rows = CasePrediction.objects.filter(user=request.user, case=case)
        rows = rows.select_related("theory").only("text", "judgement", "theory__slug")
        return {row.theory.slug: Prediction(row.text, row.judgement) for row in rows}
    texts = request.session.get(PREDICTIONS, {}).get(case.slug, {})
    judged = request.session.get(JUDGEMENTS, {}).get(case.slug, {})
    return {lens: Prediction(text, judged.get(lens, "")) for lens, text in texts.items()}


def _reading_panels(
    case: Case, state: PageState, predictions: dict[str, Prediction], form=None
) -> list[ReadingPanel]:
    """One panel, or two side by side; each reading stays hidden until it is predicted.
    `form` (a prediction or a judgement, with its errors) goes to the panel it was for."""
    by_lens = {reading.theory.slug: reading for reading in case.readings.all()}
    lenses = [state.front, state.beside] if state.beside else [state.front]
    panels = []
    for lens in lenses:
        if lens not in by_lens:
            continue
        mine = form if form is not None and form.data.get("lens") == lens else None
        panels.append(
            ReadingPanel(
                reading=by_lens[lens],
                prediction=predictions.get(lens),
                other=next((other for other in lenses if other != lens), ""),
                form=mine if isinstance(mine, PredictionForm) else None,
                judgement_form=mine if isinstance(mine, JudgementForm) else None,
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


def _render_case_page(request: HttpRequest, case: Case, state: PageState, form=None):
    partial = _partial(request)
    context = {
        "case": case,
        "state": state,
        "readings": case.readings.all(),
        "panels": _reading_panels(case, state, _case_predictions(request, case), form),
        "judgements": CasePrediction.Judgement.choices,
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


def _case_lens(request: HttpRequest, slug: str):
    """The case, the state its page is in after a post, and its lenses."""
    case = _get_case_for_user(request, slug)
    state = PageState.from_query(_page_query(request, request.POST), case)
    return case, state, {reading.theory.slug: reading.theory for reading in case.readings.all()}


def _after_post(request: HttpRequest, case: Case, state: PageState) -> HttpResponse:
    if request.htmx:
        return _render_case_page(request, case, state)
    return redirect(_page_url(case, state, "readings"))


@require_POST
def predict(request: HttpRequest, slug: str) -> HttpResponse:
    """Keep the student's prediction for one lens, then reveal that lens's reading."""
    case, state, theories = _case_lens(request, slug)
    form = PredictionForm(request.POST, lenses=list(theories))
    if not form.is_valid():
        return _render_case_page(request, case, state, form)
    lens, text = form.cleaned_data["lens"], form.cleaned_data["text"]
    if request.user.is_authenticated:
        services.save_prediction(request.user, case, theories[lens], text)
    else:
        predictions = request.session.get(PREDICTIONS, {})
        predictions.setdefault(case.slug, {}).setdefault(lens, text)
        request.session[PREDICTIONS] = predictions
    return _after_post(request, case, state)


@require_POST
def judge(request: HttpRequest, slug: str) -> HttpResponse:
    """Keep how the student judges their prediction against the reading it revealed."""
    case, state, theories = _case_lens(request, slug)
    predictions = _case_predictions(request, case)
    form = JudgementForm(request.POST, lenses=list(theories), predicted=set(predictions))
    if not form.is_valid():
        return _render_case_page(request, case, state, form)
    lens, judgement = form.cleaned_data["lens"], form.cleaned_data["judgement"]
    if request.user.is_authenticated:
        services.judge_prediction(request.user, case, theories[lens], judgement)
    else:
        judgements = request.session.get(JUDGEMENTS, {})
        judgements.setdefault(case.slug, {})[lens] = judgement
        request.session[JUDGEMENTS] = judgements
    return _after_post(request, case, state)
