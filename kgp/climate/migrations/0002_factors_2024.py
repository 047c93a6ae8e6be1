"""The published factor set "BAFA/UBA 2024" from data/factors_2024.json."""

import json

from django.db import migrations
from django.utils import timezone

from kgp.climate import fixtures


def load(apps, schema_editor):
    FactorSet = apps.get_model("climate", "FactorSet")
    with open(fixtures.SEED_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    if FactorSet.objects.filter(name=data["name"]).exists():
        return
    fixtures.load(data, apps=apps, status="published", published_at=timezone.now())


def unload(apps, schema_editor):
    apps.get_model("climate", "FactorSet").objects.filter(name="BAFA/UBA 2024").delete()


class Migration(migrations.Migration):
    dependencies = [("climate", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
