"""Every page type of the site, for each role: the crawl that the CSP, axe and markup
tests walk.

The list is derived from the access matrix (tests/security/access.py), so a page added
anywhere is crawled as every role that may open it. Public pages are crawled as an
anonymous visitor and as a student; instructors, curators and the superuser are crawled on
the pages only they reach, plus the home page (their own header and menu). The admin is
represented by one page of each kind. Some pages are also opened in an interesting state
(search results, a revealed case reading, an expanded comparison cell, lab results).
"""

from dataclasses import dataclass, field

from django.test import Client

from apps.lab.scenarios import SCENARIOS
from apps.quizzes import services as quiz_services
from tests.course_content import load_course_content
from tests.security.access import checks_for
from tests.security.routes import all_routes
from tests.security.world import World, build_world

ROLES = {
    "anonymous": "anonymous",
    "student": "alice",
    "instructor": "ingrid",
    "teaching assistant": "tara",
    "curator": "carol",
    "superuser": "root",
}
PUBLIC_ROLES = {"anonymous", "student"}
ADMIN_PAGE_TYPES = {
    "admin:index", "admin:app_list", "admin:password_change",
    "admin:lessons_lesson_changelist", "admin:lessons_lesson_add", "admin:lessons_lesson_change",
    "admin:lessons_lesson_history", "admin:lessons_lesson_delete",
    "admin:lessons_lesson_recoverlist", "admin:lessons_lesson_revision",
    "admin:lessons_comparisondimension_change", "admin:lessons_glossaryterm_change",
    "admin:cases_case_change", "admin:quizzes_quiz_change", "admin:quizzes_question_change",
    "admin:quizzes_attempt_change", "admin:auth_user_changelist", "admin:auth_user_change",
    "admin:auth_group_change",
}  # fmt: skip


def _states(world: World) -> dict[str, str]:
    """Query strings that open a page in a state worth checking too."""
    scenario = SCENARIOS[0]
    return {
        "lessons:list": "?by=theory",
        "site:search": "?q=regime",
        "cases:case": "?lens=realism&with=regimes",
        "site:compare": "?expand=drivers:realism",
        "lab:scenario": f"?predicted={scenario.choices[0].value}",
        "lab:sandbox": "?s=tit-for-tat&s=always-defect",
        "quizzes:take": "?q=2",
    }


@dataclass(frozen=True)
class Page:
    label: str
    url: str
    # The page as the plan's own GET found it, where the plan opened it (the markup checks
    # read it instead of asking for the same page again).
    html: str = field(default="", repr=False, compare=False)


def browser_world() -> World:
    """The course content as `make run` loads it, and the security tests' personas and
    private objects on top."""
    load_course_content()
    world = build_world()
    # The student's lesson page has a check answered: its verdict, feedback and explanation.
    check = world.extra["checks"][1]
    wrong = check.question.choices.get(fraction=0)
    quiz_services.answer_check(check, world.user("alice"), wrong.pk)
    # The open attempt has its first question answered: the question list marks it.
    attempt = world.open_attempt
    first = attempt.responses.get(question_id=attempt.question_order[0]).question
    answer = first.choices.first().pk if first.lists_choices else "Lipson"
    quiz_services.save_response(attempt, first.pk, answer)
    return world


def _html_page(client: Client, url: str) -> str | None:
    """The page at `url`, if it opens as an HTML page."""
    response = client.get(url)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        return response.content.decode()
    return None


def _may_open(expect) -> bool:
    return expect == 200 or (isinstance(expect, frozenset) and 200 in expect)


def crawl_plan(world: World, roles=tuple(ROLES)) -> dict[str, list[Page]]:
    """{role: pages}: one page per page type the role may open (for each of `roles`)."""
    states = _states(world)
    plan: dict[str, list[Page]] = {}
    for role in roles:
        persona = ROLES[role]
        client = Client()
        if world.user(persona).is_authenticated:
            client.force_login(world.user(persona))
        pages = []
        for route in all_routes():
            if route.pattern.startswith("admin/") and route.key not in ADMIN_PAGE_TYPES:
                continue
            for variant, check in checks_for(route).items():
                if not _may_open(check.get[persona]):
                    continue
                public = check.get["anonymous"] == 200
                if public and role not in PUBLIC_ROLES and route.key != "site:home":
                    continue
                url = route.url(check.kwargs(world))
                html = _html_page(client, url)
                if html is None:
                    continue
                pages.append(Page(f"{route.key} [{variant}]".replace(" []", ""), url, html))
                if route.key in states:
                    pages.append(Page(f"{route.key} in a state", url + states[route.key]))
                break  # one variant: the same page type
        if role in PUBLIC_ROLES:
            pages.append(Page("a case from the course", "/cases/concert-of-europe/"))
            pages.append(Page("404 page", "/no-such-page/"))
        if role == "student":
            pages.append(Page("403 page", "/teach/"))
        if role == "teaching assistant":
            # Told they teach the class, so cannot join it (a 403 with its own page).
            pages.append(Page("the join link of a class they assist", world.klass.join_path()))
        plan[role] = pages
    return plan


def session_cookie(world: World, persona: str) -> str | None:
    """A signed-in session for `persona`, for a browser to carry."""
    user = world.user(persona)
    if not user.is_authenticated:
        return None
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value
