import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over the search table that lessons 0001 created, then renames it."""

    initial = True

    dependencies = [("lessons", "0002_searchdocument_moves_to_site")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=20)),
                        ("key", models.CharField(max_length=200)),
                        ("title", models.CharField(max_length=300)),
                        ("url", models.CharField(max_length=300)),
                        ("text", models.TextField()),
                        (
                            "vector",
                            django.contrib.postgres.search.SearchVectorField(
                                editable=False, null=True
                            ),
                        ),
                    ],
                    options={
                        "db_table": "lessons_searchdocument",
                        "indexes": [
                            django.contrib.postgres.indexes.GinIndex(
                                fields=["vector"], name="search_vector_gin"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "key"), name="one_document_per_page"
                            )
                        ],
                    },
                )
            ]
        ),
        migrations.AlterModelTable(name="SearchDocument", table=None),
    ]
