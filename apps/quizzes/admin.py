from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.db import models

from apps.core.admin import IdsInRange, LabelledTabularInline
from apps.core.roles import Action, may
from apps.quizzes import services
from apps.quizzes.models import Attempt, Choice, Question, Quiz, Response


class CuratorsOnly:
    """Curators manage quizzes here (instructors get their own teaching area). The role
    grants this, not per-model permissions."""

    def has_module_permission(self, request):
        return may(request.user, Action.CURATE)

    def has_view_permission(self, request, obj=None):
        return may(request.user, Action.CURATE)

    def has_add_permission(self, request, obj=None):
        return may(request.user, Action.CURATE)

    def has_change_permission(self, request, obj=None):
        return may(request.user, Action.CURATE)

    def has_delete_permission(self, request, obj=None):
        return may(request.user, Action.CURATE)


class QuestionInline(CuratorsOnly, LabelledTabularInline):
    model = Question
    fields = ("position", "kind", "title", "text", "points", "version")
    readonly_fields = ("version",)
    formfield_overrides = {
        **IdsInRange.formfield_overrides,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})},
    }
    show_change_link = True
    # Removing a question retires it when attempts have it; that happens on its own page.
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).filter(current=True)


@admin.register(Quiz)
class QuizAdmin(IdsInRange, CuratorsOnly, admin.ModelAdmin):
    list_display = ("title", "slug", "status", "archived_at", "lesson", "case", "feedback_mode")
    list_filter = ("status", ("archived_at", admin.EmptyFieldListFilter), "feedback_mode")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuestionInline]
    # Archiving goes through the actions (the service the teaching area uses too).
    readonly_fields = ("archived_at",)
    actions = ["archive", "bring_back"]
    fieldsets = [
        (
            None,
            {"fields": ("title", "slug", "status", "archived_at", "order", "description", "owner")},
        ),
        ("What it tests", {"fields": ("lesson", "case")}),
        ("Timing", {"fields": ("opens_at", "closes_at", "time_limit")}),
        (
            "Attempts and grading",
            {"fields": ("attempts_allowed", "grade_method", "pass_mark", "feedback_mode")},
        ),
        ("Order", {"fields": ("shuffle_questions", "shuffle_choices")}),
        (
            "Review",
            {"fields": ("review_after", "review_score", "review_answers", "review_feedback")},
        ),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        services.save_quiz_settings(obj, form.changed_data)

    @admin.action(description="Archive: students no longer see them; attempts and grades stay")
    def archive(self, request, queryset):
        # Those already archived keep the date they were archived.
        quizzes = list(queryset.active())
        for quiz in quizzes:
            services.archive_quiz(quiz, True)
        self.message_user(
            request, f"Archived {len(quizzes)} {model_ngettext(self.opts, len(quizzes))}."
        )

    @admin.action(description="Bring back from the archive: students see them as before")
    def bring_back(self, request, queryset):
        quizzes = list(queryset.archived())
        for quiz in quizzes:
            services.archive_quiz(quiz, False)
        self.message_user(
            request, f"Brought back {len(quizzes)} {model_ngettext(self.opts, len(quizzes))}."
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Question:
            return super().save_formset(request, form, formset, change)
        # Questions already in attempts are versioned, not edited in place; an edit reaches
        # every quiz that uses the question.
        for question in formset.save(commit=False):
            if question.pk is None:
                services.save_question(question)
            else:
                services.edit_question(question)


class ChoiceInline(CuratorsOnly, LabelledTabularInline):
    model = Choice
    fields = (
        "position", "text", "fraction", "feedback", "match_text", "value", "tolerance", "low",
        "high",
    )  # fmt: skip
    formfield_overrides = {
        **IdsInRange.formfield_overrides,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})},
    }
    extra = 1


@admin.register(Question)
class QuestionAdmin(IdsInRange, CuratorsOnly, admin.ModelAdmin):
    list_display = ("__str__", "quiz", "kind", "position", "version", "current")
    list_filter = ("current", "kind", "quiz")
    search_fields = ("title", "text")
    readonly_fields = ("version", "current", "previous")
    inlines = [ChoiceInline]

    def has_change_permission(self, request, obj=None):
        # Old versions are the record of what students answered.
        return super().has_change_permission(request, obj) and (obj is None or obj.current)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
        # An edit is saved with its choices in save_related, as one version.

    def save_related(self, request, form, formsets, change):
        if not change:
            return super().save_related(request, form, formsets, change)
        (choice_formset,) = formsets
        choice_formset.save(commit=False)  # records what changed, for the admin's history
        choices = [
            choice_form.instance
            for choice_form in choice_formset.forms
            if choice_form not in choice_formset.deleted_forms
            and (choice_form.instance.pk or choice_form.has_changed())
        ]
        version = form.instance.version
        question = services.edit_question(form.instance, choices)
        if question.version != version:
            messages.info(
                request,
                f"Attempts already use version {version}, so this was saved as version "
                f"{question.version}; those attempts keep the version they answered.",
            )

    def get_deleted_objects(self, objs, request):
        deleted, _, perms_needed, _ = super().get_deleted_objects(objs, request)
        # A question in attempts is retired, not deleted: its responses neither block that
        # nor go with it, so the confirmation lists only the questions.
        questions = [item for item in deleted if not isinstance(item, list)]
        return questions, {Question._meta.verbose_name_plural: len(questions)}, perms_needed, []

    def delete_model(self, request, obj):
        services.retire_question(obj)

    def delete_queryset(self, request, queryset):
        for question in queryset:
            services.retire_question(question)


class ResponseInline(CuratorsOnly, LabelledTabularInline):
    model = Response
    fields = ("question", "answer", "saved_at", "checked_at", "fraction", "score", "comment")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(IdsInRange, CuratorsOnly, admin.ModelAdmin):
    list_display = ("quiz", "user", "number", "state", "score", "max_score", "submitted_at")
    list_filter = ("state", "quiz")
    search_fields = ("user__username", "quiz__title")
    readonly_fields = (
        "quiz", "user", "number", "state", "started_at", "deadline", "submitted_at",
        "timed_out", "score", "max_score", "question_order", "choice_order",
    )  # fmt: skip
    inlines = [ResponseInline]
    actions = ["void"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Void: the attempt stops counting and the student may retake")
    def void(self, request, queryset):
        voided = queryset.update(state=Attempt.State.ABANDONED)
        self.message_user(request, f"Voided {voided} attempt(s).")
