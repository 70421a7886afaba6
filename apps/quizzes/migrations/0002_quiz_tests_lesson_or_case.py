import django.db.models.deletion
from django.db import migrations, models


def link_topics(apps, schema_editor):
    """A quiz named its lesson or case by slug; it now points at the row."""
    Quiz = apps.get_model("quizzes", "Quiz")
    Lesson = apps.get_model("lessons", "Lesson")
    Case = apps.get_model("cases", "Case")
    lessons = dict(Lesson.objects.values_list("slug", "pk"))
    cases = dict(Case.objects.values_list("slug", "pk"))
    for quiz in Quiz.objects.all():
        quiz.lesson_id = lessons.get(quiz.lesson_slug)
        quiz.case_id = cases.get(quiz.case_slug)
        quiz.save(update_fields=["lesson", "case"])


def unlink_topics(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    for quiz in Quiz.objects.select_related("lesson", "case"):
        quiz.lesson_slug = quiz.lesson.slug if quiz.lesson_id else ""
        quiz.case_slug = quiz.case.slug if quiz.case_id else ""
        quiz.save(update_fields=["lesson_slug", "case_slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("lessons", "0002_searchdocument_moves_to_site"),
        ("quizzes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="quiz",
            name="case",
            field=models.ForeignKey(
                blank=True,
                help_text="The case this quiz tests.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="quizzes",
                to="cases.case",
            ),
        ),
        migrations.AddField(
            model_name="quiz",
            name="lesson",
            field=models.ForeignKey(
                blank=True,
                help_text="The lesson this quiz tests.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="quizzes",
                to="lessons.lesson",
            ),
        ),
        migrations.RunPython(link_topics, unlink_topics),
        migrations.RemoveField(model_name="quiz", name="case_slug"),
        migrations.RemoveField(model_name="quiz", name="lesson_slug"),
    ]
