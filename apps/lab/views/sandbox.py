"""The regime lab's pages: the sandbox and the guided scenarios.

Everything a page shows follows from its URL, so every view is a GET; htmx only asks
for the #results partial instead of the whole page.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from apps.lab.charts import result_charts
from apps.lab.engine import LabError
from apps.lab.experiments import Outcome, Setup, percent, run
from apps.lab.forms import LabForm, ScenarioForm
from apps.lab.scenarios import Scenario, published


def _template(request: HttpRequest, name: str) -> str:
    return name + ("#results" if request.htmx else "")


def _sandbox_url(setup: Setup) -> str:
    return f"{reverse('lab:sandbox')}?{setup.querystring()}"


def _play(setup: Setup, form) -> dict:
    """The results context for a setup, or none (with the engine's reason on the form)."""
    try:
        outcome = run(setup)
    except LabError as error:
        form.add_error(None, str(error))
        return {}
    return {
        "outcome": outcome,
        "charts": result_charts(outcome),
        "sandbox_url": _sandbox_url(setup),
    }


def sandbox(request: HttpRequest) -> HttpResponse:
    form = LabForm.from_query(request.GET)
    context = {"form": form}
    if form.is_valid():
        context.update(_play(form.setup(), form))
    return render(request, _template(request, "lab/sandbox.html"), context)


def scenario_list(request: HttpRequest) -> HttpResponse:
    return render(request, "lab/scenario_list.html", {"scenarios": published()})


def _get_scenario(slug: str) -> tuple[list[Scenario], int]:
    """All scenarios in order, and where `slug` is among them (404 if it is not)."""
    scenarios = published()
    for index, scenario in enumerate(scenarios):
        if scenario.slug == slug:
            return scenarios, index
    raise Http404("No such scenario")


def scenario_detail(request: HttpRequest, slug: str) -> HttpResponse:
    scenarios, index = _get_scenario(slug)
    scenario = scenarios[index]
    form = ScenarioForm(scenario, request.GET)
    valid = form.is_bound and form.is_valid()
    revealed = form.is_bound and form.revealed
    context = {
        "scenario": scenario,
        "form": form,
        "number": index + 1,
        "total": len(scenarios),
        "next_scenario": scenarios[index + 1] if index + 1 < len(scenarios) else None,
        "revealed": revealed,
    }
    if revealed:
        predicted = form.cleaned_data.get("predicted")
        context["predicted"] = scenario.choice(predicted) if predicted else None
        context["predicted_at"] = form.predicted_at()
        context["predicted_at_text"] = scenario.lever.describe(form.predicted_at())
    if revealed and valid:
        value = form.lever_value()
        context.update(
            _play(scenario.setup(value), form),
            lever_text=scenario.lever.describe(value),
            judged=value == form.predicted_at(),
        )
        if "outcome" in context:
            outcome = context["outcome"]
            context.update(
                happened=scenario.choice(scenario.judge(outcome)),
                evidence=scenario.evidence(outcome),
                comparison=_comparison(scenario, value, outcome),
            )
    return render(request, _template(request, "lab/scenario.html"), context)


def _comparison(scenario: Scenario, value: float, outcome: Outcome) -> list[dict] | None:
    """This run beside the scenario's baseline (no sanctions, or before 1848), if it has one."""
    if scenario.baseline is None:
        return None
    baseline = run(scenario.setup(scenario.baseline))
    return [
        {
            "label": label,
            "setting": scenario.lever.describe(setting),
            "verdict": scenario.choice(scenario.judge(result)).label,
            "cooperators": percent(result.nice_share),
            "payoff": f"{result.final_payoff:.2f}",
        }
        for label, setting, result in (
            (scenario.baseline_label, scenario.baseline, baseline),
            ("This run", value, outcome),
        )
    ]
