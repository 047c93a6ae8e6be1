from django.db import migrations

TOPICS = [
    ("resilience", "Resiliente Produktion", "Resilient production"),
    ("climate", "Klimafreundliche Produktion", "Climate-friendly production"),
    ("smart", "Smarte Produktion und Digitalisierung", "Smart production and digitalisation"),
    ("energy", "Energieeffizienz und erneuerbare Energien", "Energy efficiency and renewables"),
    ("circular", "Kreislaufwirtschaft und Ressourceneffizienz", "Circular economy and resource efficiency"),
    ("supply_chain", "Regionale Lieferketten", "Regional supply chains"),
    ("cooperation", "Kooperation mit Hochschulen", "Cooperation with universities"),
    ("talent", "Fachkräfte und Nachwuchs", "Skilled workers and young talent"),
    ("funding", "Förderprogramme", "Funding programmes"),
]


def load(apps, schema_editor):
    Topic = apps.get_model("companies", "Topic")
    for key, de, en in TOPICS:
        Topic.objects.update_or_create(key=key, defaults={"name_de": de, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
