from django.urls import path

from apps.teaching import views

app_name = "teach"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("quizzes/new/", views.quiz_create, name="quiz_create"),
    path("quizzes/<int:quiz_id>/", views.quiz_edit, name="quiz_edit"),
    path("quizzes/<int:quiz_id>/settings/", views.quiz_settings, name="quiz_settings"),
    path("quizzes/<int:quiz_id>/copy/", views.quiz_copy, name="quiz_copy"),
    path("quizzes/<int:quiz_id>/preview/", views.quiz_preview, name="quiz_preview"),
    path("quizzes/<int:quiz_id>/import/", views.quiz_import, name="quiz_import"),
    path("quizzes/<int:quiz_id>/export/", views.quiz_export, name="quiz_export"),
    path("quizzes/<int:quiz_id>/statistics/", views.quiz_statistics, name="quiz_statistics"),
    path("quizzes/<int:quiz_id>/questions/new/", views.question_create, name="question_create"),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/duplicate/",
        views.question_duplicate,
        name="question_duplicate",
    ),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/move/",
        views.question_move,
        name="question_move",
    ),
    path(
        "quizzes/<int:quiz_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("classes/new/", views.class_create, name="class_create"),
    path("classes/<int:class_id>/", views.class_detail, name="class_detail"),
    path("classes/<int:class_id>/code/", views.class_code, name="class_code"),
    path(
        "classes/<int:class_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "classes/<int:class_id>/assignments/new/",
        views.assignment_create,
        name="assignment_create",
    ),
    path(
        "classes/<int:class_id>/assignments/<int:assignment_id>/",
        views.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "classes/<int:class_id>/assignments/<int:assignment_id>/delete/",
        views.assignment_delete,
        name="assignment_delete",
    ),
    path("classes/<int:class_id>/gradebook/", views.class_gradebook, name="gradebook"),
    path("classes/<int:class_id>/gradebook.csv", views.class_gradebook_csv, name="gradebook_csv"),
    path("grading/", views.grading_queue, name="grading"),
    path("grading/<int:response_id>/", views.grade_essay, name="grade_essay"),
]
