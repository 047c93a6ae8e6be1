"""The pipeline board filtered by one consultant reads each stage's longest-silent cases of that
consultant in index order."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("journey", "0005_board_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["consultant", "stage", "last_activity_on", "id"], name="case_consultant_stage_idle"
            ),
        ),
    ]
