"""The subject areas of the competence map (data; names in German and English)."""

from django.db import migrations

SUBJECT_AREAS = [
    ("energy", "Energietechnik", "Energy engineering"),
    ("materials", "Werkstoffe", "Materials"),
    ("production", "Produktionstechnik", "Production engineering"),
    ("logistics", "Logistik", "Logistics"),
    ("computing_ai", "Informatik/KI", "Computer science/AI"),
    ("environment", "Umwelttechnik", "Environmental engineering"),
    ("circular", "Kreislaufwirtschaft", "Circular economy"),
    ("electrical_automation", "Elektrotechnik/Automatisierung", "Electrical engineering/automation"),
    ("business", "Betriebswirtschaft", "Business administration"),
    ("chemistry_process", "Chemie/Verfahrenstechnik", "Chemistry/process engineering"),
    ("construction", "Bauwesen", "Civil engineering and building"),
    ("work_hr", "Arbeit/Personal", "Work and human resources"),
]


def load(apps, schema_editor):
    SubjectArea = apps.get_model("competences", "SubjectArea")
    for key, de, en in SUBJECT_AREAS:
        SubjectArea.objects.update_or_create(key=key, defaults={"name_de": de, "name_en": en})


def unload(apps, schema_editor):
    apps.get_model("competences", "SubjectArea").objects.filter(
        key__in=[s[0] for s in SUBJECT_AREAS], profiles__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("competences", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
