"""What an instructor can place in a course: published lessons, cases and course quizzes,
the comparison, and the lab's guided scenarios. Each item has a reference ("quiz:slug")
that a deep link carries in its custom parameters and a launch resolves again."""

from dataclasses import dataclass

from django.urls import reverse

from apps.cases.models import Case
from apps.lessons.models import Lesson
from apps.quizzes.models import Quiz


@dataclass(frozen=True)
class Item:
    kind: str
    key: str
    title: str
    url: str
    score_maximum: float | None = None  # set for quizzes: they pass a grade back

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.key}"


def _quiz_points(quiz: Quiz) -> float:
    return float(sum(q.max_points for q in quiz.questions.current()))


def _quiz_item(quiz: Quiz) -> Item:
    return Item("quiz", quiz.slug, quiz.title, quiz.get_absolute_url(), _quiz_points(quiz))


# Pages with no database row: the lti app may not import the lab, so its guided scenarios
# are placed as their list page.
PAGES = {
    "comparison": ("The three theories compared", "site:compare"),
    "lab": ("The regime lab: guided scenarios", "lab:scenarios"),
}


def _page_item(key: str) -> Item:
    title, url_name = PAGES[key]
    return Item("page", key, title, reverse(url_name))


def items() -> list[Item]:
    """Every item, in the order the picking page lists them."""
    lessons = [
        Item("lesson", lesson.slug, lesson.title, lesson.get_absolute_url())
        for lesson in Lesson.objects.published().order_by("title")
    ]
    cases = [
        Item("case", case.slug, case.title, case.get_absolute_url())
        for case in Case.objects.published().order_by("title")
    ]
    quizzes = [
        _quiz_item(quiz)
        for quiz in Quiz.objects.published()
        .for_course()
        .order_by("title")
        .prefetch_related("questions")
    ]
    return lessons + cases + [_page_item(key) for key in PAGES] + quizzes


def resolve(ref: str) -> Item | None:
    """The published item a reference names, or None."""
    kind, _, key = ref.partition(":")
    if kind == "lesson":
        lesson = Lesson.objects.published().filter(slug=key).first()
        return lesson and Item(kind, key, lesson.title, lesson.get_absolute_url())
    if kind == "case":
        case = Case.objects.published().filter(slug=key).first()
        return case and Item(kind, key, case.title, case.get_absolute_url())
    if kind == "quiz":
        quiz = Quiz.objects.published().for_course().filter(slug=key).first()
        return quiz and _quiz_item(quiz)
    if kind == "page" and key in PAGES:
        return _page_item(key)
    return None


def quiz_for(item: Item) -> Quiz | None:
    if item.kind != "quiz":
        return None
    return Quiz.objects.published().for_course().filter(slug=item.key).first()
