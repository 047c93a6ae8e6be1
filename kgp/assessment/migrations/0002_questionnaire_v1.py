"""Version 1 of the Transformations-Check questionnaire, published, from data/questionnaire_v1.json."""

import json

from django.db import migrations

from kgp.assessment import fixtures


def load(apps, schema_editor):
    Questionnaire = apps.get_model("assessment", "Questionnaire")
    if Questionnaire.objects.filter(version=1).exists():
        return
    with open(fixtures.V1_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    fixtures.load(data, version=1, status="published", apps=apps)


def unload(apps, schema_editor):
    apps.get_model("assessment", "Questionnaire").objects.filter(version=1, results__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("companies", "0002_topics"),
    ]
    operations = [migrations.RunPython(load, unload)]
