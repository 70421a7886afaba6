import django.db.models.deletion
from django.db import migrations, models


def link_topics(apps, schema_editor):
    """A quiz named its lesson or case by slug; it now points at the row."""
    Quiz = apps.get_model("quizzes", "Quiz")
    Lesson = apps.get_model("lessons", "Lesson")
    Case = apps.get_model("cases", "Case")
    lessons = dict(Lesson.objects.values_list("slug", "pk"))
    cases = dict(Case.objects.values_list("slug", "pk"))
    # update(), not save(): no signal handler (the search index, the page cache) runs
    # against tables that later migrations create.
    for pk, lesson_slug, case_slug in Quiz.objects.values_list("pk", "lesson_slug", "case_slug"):
        Quiz.objects.filter(pk=pk).update(
            lesson_id=lessons.get(lesson_slug), case_id=cases.get(case_slug)
        )


def unlink_topics(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    for pk, lesson_slug, case_slug in Quiz.objects.values_list("pk", "lesson__slug", "case__slug"):
        Quiz.objects.filter(pk=pk).update(lesson_slug=lesson_slug or "", case_slug=case_slug or "")


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
