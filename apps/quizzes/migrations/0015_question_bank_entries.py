import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def one_entry_per_question(apps, schema_editor):
    """Every question so far is its own bank entry: a row and the versions it replaced
    (its chain of `previous`) share one."""
    Question = apps.get_model("quizzes", "Question")
    QuestionEntry = apps.get_model("quizzes", "QuestionEntry")
    previous = dict(Question.objects.values_list("pk", "previous_id"))
    roots = {}
    for pk in sorted(previous):
        chain, root = [], pk
        while root not in roots and previous.get(root) in previous:
            chain.append(root)
            root = previous[root]
        root = roots.get(root, root)
        for link in [*chain, pk]:
            roots[link] = root
    firsts = sorted(set(roots.values()))
    entries = QuestionEntry.objects.bulk_create(QuestionEntry() for _ in firsts)
    entry_of = {first: entry.pk for first, entry in zip(firsts, entries, strict=True)}
    rows = [Question(pk=pk, entry_id=entry_of[root]) for pk, root in roots.items()]
    Question.objects.bulk_update(rows, ["entry"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0014_hand_mark_replaces_rubric"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuestionEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
            ],
            options={"verbose_name_plural": "question entries"},
        ),
        migrations.AddField(
            model_name="question",
            name="entry",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questions",
                to="quizzes.questionentry",
            ),
        ),
        migrations.RunPython(one_entry_per_question, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="question",
            name="entry",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questions",
                to="quizzes.questionentry",
            ),
        ),
    ]
