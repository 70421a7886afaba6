"""A small world with one of everything, owned by the personas, for the security tests.

alice and bob study (alice is in ingrid's class), ingrid and ivan teach (ingrid owns a
quiz and two classes), tara is a student who assists ingrid's first class as a teaching
assistant, carol curates, root is the superuser. Besides the public content
there is something private of every kind: draft content, ingrid's draft quiz, alice's
open and submitted attempts, alice's essay waiting for ingrid's grade, alice's review
card, a question of ingrid's quiz corrected since alice answered it (to regrade), and
an attempt by olga (no persona), a student of ingrid's second class only.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import reversion
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import transaction
from django.utils import timezone

from apps.cases.models import Case, CasePrediction
from apps.classes.models import Assignment, Class, Membership, Teacher
from apps.core.roles import Role
from apps.lessons.models import (
    ComparisonCell,
    ComparisonDimension,
    GlossaryTerm,
    Lesson,
    LessonProgress,
    Source,
    Theory,
)
from apps.quizzes import services
from apps.quizzes.models import Attempt, Choice, LessonCheck, Question, Quiz, Response
from apps.review.models import Card
from apps.teaching import invitations
from tests.cases.conftest import make_case
from tests.conftest import PASSWORD, make_user
from tests.quizzes.conftest import quiz_from_gift

# Every persona, as the tests name them. "anonymous" is nobody signed in.
PERSONAS = ["anonymous", "alice", "bob", "ingrid", "ivan", "tara", "carol", "root"]

GIFT = """\
::single:: Which view says that states must rely on themselves? {
=Realism#Yes.
~Collective security#No.
}

::short:: Whose chapter asks whether security regimes are possible? {=Lipson}

::essay:: Explain why a regime is not an international organization. {####A good answer says that a regime is a set of shared expectations. It adds that an organization is a body with staff and a budget.}
"""


@dataclass
class World:
    users: dict[str, User | AnonymousUser]
    theory: Theory
    lesson: Lesson
    draft_lesson: Lesson
    term: GlossaryTerm
    draft_term: GlossaryTerm
    source: Source
    dimension: ComparisonDimension
    case: Case
    draft_case: Case
    course_quiz: Quiz  # published, in content/ (no owner)
    draft_quiz: Quiz  # a course quiz still in draft
    own_quiz: Quiz  # ingrid's, published and assigned to her class
    own_draft: Quiz  # ingrid's, in draft
    klass: Class  # ingrid's class; alice is a member
    membership: Membership
    assignment: Assignment
    open_attempt: Attempt  # alice's, in progress, on the course quiz
    submitted_attempt: Attempt  # alice's, submitted, on ingrid's quiz
    essay: Response  # alice's essay in it, waiting for a grade
    review_card: Card  # alice's review card for a course quiz question she got wrong
    extra: dict = field(default_factory=dict)

    def user(self, persona: str):
        return self.users[persona]

    def question_of(self, quiz: Quiz) -> Question:
        return quiz.questions.current().order_by("position").first()


@transaction.atomic  # one commit, so one search index rebuild (not one per save)
def build_world() -> World:
    users: dict = {"anonymous": AnonymousUser()}
    users["alice"] = make_user("alice")
    users["bob"] = make_user("bob")
    users["ingrid"] = make_user("ingrid", Role.INSTRUCTOR)
    users["ivan"] = make_user("ivan", Role.INSTRUCTOR)
    users["tara"] = make_user("tara")
    users["carol"] = make_user("carol", Role.CURATOR)
    users["root"] = User.objects.create_superuser("root", "root@example.com", PASSWORD)

    case = make_case("public-case")
    draft_case = make_case("draft-case", status="draft", order=2)
    theory = Theory.objects.get(slug="realism")
    lesson = Lesson.objects.get(slug="why-collective-security-failed")
    draft_lesson = Lesson.objects.create(
        slug="draft-lesson",
        title="A lesson in draft",
        theory=theory,
        summary="Not yet.",
        body="## Soon {#soon}\n\nDraft text.",
        status="draft",
    )
    checks = [
        _true_false_check(draft_lesson, "soon"),
        _true_false_check(lesson, lesson.toc[0]["id"]),
    ]
    term = GlossaryTerm.objects.get(slug="sanctions")
    draft_term = GlossaryTerm.objects.create(
        slug="draft-term", term="Draft term", definition="Not yet.", status="draft"
    )
    source = Source.objects.get(key="lipson-1995")
    dimension = ComparisonDimension.objects.create(
        slug="core-idea", title="Core idea", order=1, status="published"
    )
    ComparisonCell.objects.create(
        dimension=dimension, theory=theory, summary="Self-help.", detail="States help themselves."
    )
    LessonProgress.objects.create(user=users["alice"], lesson=lesson, section=lesson.toc[0]["id"])
    CasePrediction.objects.create(
        user=users["alice"],
        case=case,
        theory=theory,
        text="Italy gets its way.",
        judgement="partly",
    )
    with reversion.create_revision():
        for obj in (theory, lesson, term, source, dimension, case):
            obj.save()

    course_quiz = quiz_from_gift(GIFT, slug="course-quiz")
    draft_quiz = quiz_from_gift(GIFT, slug="draft-course-quiz", status="draft")
    own_quiz = quiz_from_gift(GIFT, slug="ingrids-quiz", owner=users["ingrid"])
    own_draft = quiz_from_gift(GIFT, slug="ingrids-draft", owner=users["ingrid"], status="draft")

    now = timezone.now()
    klass = Class.objects.create(name="Ingrid's seminar", owner=users["ingrid"])
    membership = Membership.objects.create(klass=klass, student=users["alice"])
    assignment = Assignment.objects.create(
        klass=klass, quiz=own_quiz, opens_at=now - timedelta(days=1), due_at=now + timedelta(7)
    )
    tara_teacher = Teacher.objects.create(
        klass=klass, user=users["tara"], role=Teacher.Role.ASSISTANT
    )
    other_class = Class.objects.create(name="Ingrid's lecture", owner=users["ingrid"])
    Assignment.objects.create(
        klass=other_class,
        quiz=own_quiz,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(7),
    )
    _, invitation_token = invitations.invite(users["carol"], "new.teacher@example.com")
    class_invitation, _ = invitations.invite(
        users["ingrid"], "helper@example.com", klass, Teacher.Role.ASSISTANT
    )

    open_attempt = services.start_attempt(course_quiz, users["alice"])
    submitted = services.start_attempt(own_quiz, users["alice"])
    essay_question = own_quiz.questions.get(kind=Question.Kind.ESSAY)
    services.save_response(submitted, essay_question.pk, "My essay.")
    submitted = services.submit_attempt(submitted)
    essay = submitted.responses.get(question=essay_question)
    # A student of the other class (no persona: the personas' own rows stay as they are),
    # with an attempt ingrid grades and tara, who assists the first class only, does not.
    olga = make_user("olga")
    Membership.objects.create(klass=other_class, student=olga)
    other_class_attempt = services.submit_attempt(services.start_attempt(own_quiz, olga))
    review_card = Card.objects.create(
        user=users["alice"],
        kind=Card.Kind.QUESTION,
        question=course_quiz.questions.current().first(),
        due=now,
        introduced_at=now,
    )
    # A key corrected after alice answered: her attempt has an earlier version to regrade.
    single = own_quiz.questions.current().prefetch_related("choices").get(title="single")
    choices = list(single.choice_list)
    choices[0].feedback = "Yes: self-help."
    services.edit_question(single, choices)

    return World(
        users=users,
        theory=theory,
        lesson=lesson,
        draft_lesson=draft_lesson,
        term=term,
        draft_term=draft_term,
        source=source,
        dimension=dimension,
        case=case,
        draft_case=draft_case,
        course_quiz=course_quiz,
        draft_quiz=draft_quiz,
        own_quiz=own_quiz,
        own_draft=own_draft,
        klass=klass,
        membership=membership,
        assignment=assignment,
        open_attempt=open_attempt,
        submitted_attempt=submitted,
        essay=essay,
        review_card=review_card,
        extra={
            "groups": list(Group.objects.all()),
            "checks": checks,
            "tara_teacher": tara_teacher,
            "other_class": other_class,
            "other_class_attempt": other_class_attempt,
            "invitation_token": invitation_token,
            "class_invitation": class_invitation,
        },
    )


def _true_false_check(lesson: Lesson, section: str) -> LessonCheck:
    """A check at the end of the lesson's checks, whatever the content gave it."""
    question = Question.objects.create(
        kind=Question.Kind.TRUEFALSE,
        text="A check inside the lesson.",
        general_feedback=f"See [the section]({lesson.get_absolute_url()}#{section}).",
    )
    Choice.objects.create(question=question, text="true", fraction=1)
    Choice.objects.create(question=question, text="false", fraction=0, position=1)
    return LessonCheck.objects.create(
        lesson=lesson, position=lesson.checks.count() + 1, section=section, question=question
    )
