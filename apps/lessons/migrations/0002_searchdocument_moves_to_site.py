from django.db import migrations


class Migration(migrations.Migration):
    """The search index belongs to the site app now; its table moves there (site 0001)."""

    dependencies = [("lessons", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchDocument")]
        )
    ]
