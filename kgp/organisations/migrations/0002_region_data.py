"""Load the five partners, the 14 municipalities and their postcode ranges from data/region.json."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "region.json"


def load(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Municipality = apps.get_model("organisations", "Municipality")
    PostcodeRange = apps.get_model("organisations", "PostcodeRange")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    partners = {}
    for row in data["organisations"]:
        partners[row["key"]], _ = Organisation.objects.update_or_create(key=row["key"], defaults=row)
    for row in data["municipalities"]:
        m, _ = Municipality.objects.update_or_create(
            key=row["key"],
            defaults={"name": row["name"], "partner": partners[row["partner"]], "lat": row["lat"], "lon": row["lon"]},
        )
        PostcodeRange.objects.filter(municipality=m).delete()
        for first, last in row["postcodes"]:
            PostcodeRange.objects.create(municipality=m, first=first, last=last)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
