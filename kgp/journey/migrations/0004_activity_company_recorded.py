"""The company timeline reads a company's newest activities by the time they were recorded (created_at):
without this index a company with thousands of activities sorts all of them on every page view."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("journey", "0003_attachments_aid_digest")]

    operations = [
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(fields=["company", "-created_at", "-id"], name="activity_company_recorded"),
        ),
    ]
