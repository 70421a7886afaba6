from django.urls import path

from apps.teaching.views import (
    accounts,
    attempts,
    bank,
    classes,
    gift,
    gradebook,
    grading,
    overrides,
    preview,
    questions,
    quizzes,
    regrade,
    release,
    rubrics,
    statistics,
)

app_name = "teach"
urlpatterns = [
    path("", quizzes.dashboard, name="dashboard"),
    path("quizzes/new/", quizzes.quiz_create, name="quiz_create"),
    path("quizzes/<int:quiz_id>/", questions.quiz_edit, name="quiz_edit"),
    path("quizzes/<int:quiz_id>/settings/", quizzes.quiz_settings, name="quiz_settings"),
    path("quizzes/<int:quiz_id>/copy/", quizzes.quiz_copy, name="quiz_copy"),
    path("quizzes/<int:quiz_id>/delete/", quizzes.quiz_delete, name="quiz_delete"),
    path("quizzes/<int:quiz_id>/archive/", quizzes.quiz_archive, name="quiz_archive"),
    path("quizzes/<int:quiz_id>/preview/", preview.quiz_preview, name="quiz_preview"),
    path("quizzes/<int:quiz_id>/import/", gift.quiz_import, name="quiz_import"),
    path("quizzes/<int:quiz_id>/export/", gift.quiz_export, name="quiz_export"),
    path("quizzes/<int:quiz_id>/statistics/", statistics.quiz_statistics, name="quiz_statistics"),
    path(
        "quizzes/<int:quiz_id>/statistics.csv",
        statistics.quiz_statistics_csv,
        name="quiz_statistics_csv",
    ),
    path("quizzes/<int:quiz_id>/regrade/", regrade.quiz_regrade, name="quiz_regrade"),
    path("quizzes/<int:quiz_id>/release/", release.quiz_release, name="quiz_release"),
    path("quizzes/<int:quiz_id>/questions/new/", questions.question_create, name="question_create"),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/",
        questions.question_edit,
        name="question_edit",
    ),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/duplicate/",
        questions.question_duplicate,
        name="question_duplicate",
    ),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/rubric/",
        rubrics.rubric_edit,
        name="rubric_edit",
    ),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/move/",
        questions.question_move,
        name="question_move",
    ),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/delete/",
        questions.question_delete,
        name="question_delete",
    ),
    path("classes/new/", classes.class_create, name="class_create"),
    path("classes/<int:class_id>/", classes.class_detail, name="class_detail"),
    path("classes/<int:class_id>/code/", classes.class_code, name="class_code"),
    path("classes/<int:class_id>/rename/", classes.class_rename, name="class_rename"),
    path("classes/<int:class_id>/archive/", classes.class_archive, name="class_archive"),
    path(
        "classes/<int:class_id>/members/<int:membership_id>/remove/",
        classes.member_remove,
        name="member_remove",
    ),
    path(
        "classes/<int:class_id>/assignments/new/",
        classes.assignment_create,
        name="assignment_create",
    ),
    path(
        "classes/<int:class_id>/assignments/<int:assignment_id>/",
        classes.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "classes/<int:class_id>/assignments/<int:assignment_id>/exceptions/",
        overrides.assignment_overrides,
        name="assignment_overrides",
    ),
    path(
        "classes/<int:class_id>/assignments/<int:assignment_id>/delete/",
        classes.assignment_delete,
        name="assignment_delete",
    ),
    path(
        "classes/<int:class_id>/assignments/<int:assignment_id>/gradebook/",
        gradebook.assignment_gradebook,
        name="assignment_gradebook",
    ),
    path(
        "classes/<int:class_id>/assignments/<int:assignment_id>/gradebook.csv",
        gradebook.assignment_gradebook_csv,
        name="assignment_gradebook_csv",
    ),
    path("classes/<int:class_id>/gradebook/", gradebook.class_gradebook, name="gradebook"),
    path(
        "classes/<int:class_id>/gradebook.csv", gradebook.class_gradebook_csv, name="gradebook_csv"
    ),
    path("attempts/<int:attempt_id>/", attempts.attempt_detail, name="attempt_detail"),
    path("classes/<int:class_id>/teachers/new/", classes.teacher_add, name="teacher_add"),
    path(
        "classes/<int:class_id>/teachers/<int:teacher_id>/remove/",
        classes.teacher_remove,
        name="teacher_remove",
    ),
    path("invitations/", accounts.invitation_list, name="invitations"),
    path(
        "invitations/<int:invitation_id>/withdraw/",
        accounts.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/accept/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("grading/", grading.grading_queue, name="grading"),
    path("bank/", bank.question_bank, name="bank"),
    path("bank/<int:question_id>/add/", bank.bank_add, name="bank_add"),
    path("grading/<int:response_id>/", grading.grade_essay, name="grade_essay"),
]
