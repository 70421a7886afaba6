"""A signed-in student's home: where they left off, what comes next, how far each lesson
has got, and what their classes expect. Every part is read with a fixed number of
queries, however much progress the student has made."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from apps.cases.models import CasePrediction
from apps.classes.models import Class
from apps.classes.progress import AssignedQuiz, assigned_quizzes
from apps.lab.models import SoloGame
from apps.lab.play import BY_SLUG as LAB_LEVELS
from apps.lessons.models import Lesson, LessonProgress
from apps.quizzes.grades import kept_grades
from apps.quizzes.models import Attempt, Quiz, scores_shown
from apps.quizzes.services import close_overdue_attempts
from apps.review.services import due_count

State = LessonProgress.State


@dataclass(frozen=True)
class Place:
    """Somewhere the student can pick up or go to next."""

    kind: str  # what it is, in a word: "Lesson", "Quiz", "Lab level"
    title: str
    url: str
    detail: str = ""
    at: datetime | None = None  # when the student was last there


@dataclass
class LessonRow:
    lesson: Lesson
    progress: LessonProgress | None
    quiz: Quiz | None
    grade: float | None  # the quiz's kept grade, when its scores may be shown

    @property
    def state(self) -> str:
        return self.progress.state if self.progress else "not-started"

    @property
    def state_label(self) -> str:
        return self.progress.get_state_display() if self.progress else "Not started"

    @property
    def url(self) -> str:
        """Back where the student was, or the lesson's start."""
        return self.progress.resume_url() if self.progress else self.lesson.get_absolute_url()

    @property
    def has_read(self) -> bool:
        return self.progress is not None and self.progress.has_read

    @property
    def quiz_passed(self) -> bool:
        return self.progress is not None and self.progress.state == State.QUIZ_PASSED


@dataclass
class StudentHome:
    lessons: list[LessonRow]
    places: list[Place]  # where the student left off, most recent first
    next_step: Place | None
    assignments: list[AssignedQuiz]
    classes: list[Class]
    predictions: list[CasePrediction]  # on the cases, newest first
    reviews_due: int | None = None

    @property
    def resume(self) -> Place | None:
        return self.places[0] if self.places else None

    @property
    def done(self) -> int:
        return sum(row.has_read for row in self.lessons)


def _section_title(lesson: Lesson, anchor: str) -> str:
    return next((item["title"] for item in lesson.toc if item["id"] == anchor), "")


def lesson_rows(user, now) -> list[LessonRow]:
    """Every lesson the student may read, in course order, with their progress, its
    course quiz and the quiz's kept grade."""
    lessons = list(Lesson.objects.visible_to(user).select_related("theory"))
    progress = {p.lesson_id: p for p in LessonProgress.objects.filter(user=user)}
    quizzes: dict[int, Quiz] = {}
    for quiz in Quiz.objects.published().for_course().filter(lesson__in=lessons):
        quizzes.setdefault(quiz.lesson_id, quiz)
    grades = kept_grades(user, list(quizzes.values()))
    shown = scores_shown(quizzes.values(), user, now)
    rows = []
    for lesson in lessons:
        quiz = quizzes.get(lesson.pk)
        if lesson.pk in progress:
            progress[lesson.pk].lesson = lesson
        rows.append(
            LessonRow(
                lesson=lesson,
                progress=progress.get(lesson.pk),
                quiz=quiz,
                grade=grades.get(quiz.pk) if quiz is not None and quiz.pk in shown else None,
            )
        )
    return rows


def _lesson_places(rows: list[LessonRow]) -> list[Place]:
    places = []
    for row in rows:
        if row.progress is None or row.has_read:
            continue
        section = _section_title(row.lesson, row.progress.section)
        places.append(
            Place(
                kind=f"Lesson {row.lesson.order}",
                title=row.lesson.title,
                url=row.url,
                detail=f"at “{section}”" if section else "",
                at=row.progress.updated_at,
            )
        )
    return places


def _quiz_places(user) -> list[Place]:
    attempts = Attempt.objects.filter(user=user, state=Attempt.State.IN_PROGRESS)
    close_overdue_attempts(attempts)
    return [
        Place(
            kind="Quiz",
            title=attempt.quiz.title,
            url=reverse("quizzes:take", args=[attempt.pk]),
            detail=f"attempt {attempt.number}, open",
            at=attempt.started_at,
        )
        for attempt in attempts.select_related("quiz")
    ]


def _lab_places(user) -> list[Place]:
    games = SoloGame.objects.filter(student=user, finished=False).only("level", "updated")
    return [
        Place(
            kind="Lab level",
            title=LAB_LEVELS[game.level].title,
            url=reverse("lab:play_level", args=[game.level]),
            detail="a game under way",
            at=game.updated,
        )
        for game in games
        if game.level in LAB_LEVELS
    ]


def case_predictions(user) -> list[CasePrediction]:
    return list(
        CasePrediction.objects.filter(user=user)
        .select_related("case", "theory")
        .only("judgement", "predicted_at", "case__slug", "case__title", "theory__slug",
              "theory__title")
    )  # fmt: skip


def _case_places(predictions: list[CasePrediction]) -> list[Place]:
    """A reading revealed but not yet judged is left half done."""
    return [
        Place(
            kind="Case",
            title=prediction.case.title,
            url=prediction.get_absolute_url(),
            detail=f"judge your prediction for {prediction.theory.title}",
            at=prediction.predicted_at,
        )
        for prediction in predictions
        if not prediction.judgement
    ]


def next_step(rows: list[LessonRow]) -> Place | None:
    """The first thing in course order the student has not done: read a lesson, then
    pass its quiz. None once every lesson is read and every quiz passed."""
    for row in rows:
        if not row.has_read:
            started = row.progress is not None
            return Place(
                kind=f"Lesson {row.lesson.order}",
                title=row.lesson.title,
                url=row.url,
                detail="carry on reading" if started else f"{row.lesson.reading_minutes} min read",
            )
        if row.quiz is not None and not row.quiz_passed:
            return Place(
                kind="Quiz",
                title=row.quiz.title,
                url=row.quiz.get_absolute_url(),
                detail=f"pass mark {row.quiz.pass_mark}%",
            )
    return None


def reviews_due(user) -> int | None:
    """Cards due for spaced review today (None would hide the slot)."""
    return due_count(user)


def _places(user, rows: list[LessonRow], predictions: list[CasePrediction]) -> list[Place]:
    places = _lesson_places(rows) + _quiz_places(user) + _lab_places(user)
    places += _case_places(predictions)
    return sorted(places, key=lambda place: place.at, reverse=True)


def resume_and_next(user, now) -> tuple[Place | None, Place | None]:
    """The home page's short version: where the student left off, and what comes next."""
    rows = lesson_rows(user, now)
    places = _places(user, rows, case_predictions(user))
    return (places[0] if places else None), next_step(rows)


def student_home(user, now) -> StudentHome:
    rows = lesson_rows(user, now)
    predictions = case_predictions(user)
    places = _places(user, rows, predictions)
    assignments = assigned_quizzes(user, now)
    assignments.sort(key=lambda item: not item.is_overdue)  # stable: by due date within
    return StudentHome(
        lessons=rows,
        places=places,
        next_step=next_step(rows),
        assignments=assignments,
        classes=list(Class.objects.for_student(user).select_related("owner")),
        predictions=predictions,
        reviews_due=reviews_due(user),
    )
