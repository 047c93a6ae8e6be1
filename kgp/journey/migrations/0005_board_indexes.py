"""The pipeline board reads each stage's longest-silent cases in index order, within an agency
(`case_board_idle`) or across all agencies (`case_stage_idle`), and stops after the cards it shows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("journey", "0004_activity_company_recorded")]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_board"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["organisation", "stage", "last_activity_on", "id"], name="case_board_idle"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["stage", "last_activity_on", "id"], name="case_stage_idle"),
        ),
    ]
