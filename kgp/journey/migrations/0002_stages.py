"""The seven stages of the journey (data; names in German and English)."""

from django.db import migrations

STAGES = [
    ("first_contact", "Erstkontakt", "First contact", False),
    ("initial_consultation", "Erstberatung", "Initial consultation", False),
    ("support", "Begleitung", "Individual support", False),
    ("connecting", "Vernetzung", "Connecting", False),
    ("exchange", "Austausch", "Exchange", False),
    ("transfer", "Transfer", "Transfer", False),
    ("closed", "Abgeschlossen", "Closed", True),
]


def load(apps, schema_editor):
    Stage = apps.get_model("journey", "Stage")
    for order, (key, de, en, closed) in enumerate(STAGES, start=1):
        Stage.objects.update_or_create(
            key=key, defaults={"name_de": de, "name_en": en, "order": order * 10, "is_closed": closed}
        )


def unload(apps, schema_editor):
    apps.get_model("journey", "Stage").objects.filter(key__in=[s[0] for s in STAGES], cases__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("journey", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
