from django.db import migrations, models
from django.db.models import F


def ticked_lessons_were_read(apps, schema_editor):
    """Before states, a row meant the student had ticked the lesson complete."""
    progress = apps.get_model("lessons", "LessonProgress")
    progress.objects.update(state="read", read_at=F("started_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0002_searchdocument_moves_to_site"),
    ]

    operations = [
        migrations.RenameField("lessonprogress", "completed_at", "started_at"),
        migrations.AddField(
            model_name="lessonprogress",
            name="state",
            field=models.CharField(
                choices=[("reading", "Reading"), ("read", "Read"), ("quiz-passed", "Quiz passed")],
                default="reading",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="lessonprogress",
            name="section",
            field=models.CharField(
                blank=True, help_text="The anchor of the last section reached.", max_length=200
            ),
        ),
        migrations.AddField(
            model_name="lessonprogress",
            name="read_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="lessonprogress",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunPython(ticked_lessons_were_read, migrations.RunPython.noop),
    ]
