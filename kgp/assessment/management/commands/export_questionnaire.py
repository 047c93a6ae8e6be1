"""`manage.py export_questionnaire VERSION [--output PATH]`: one version as a questionnaire file."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kgp.assessment import fixtures
from kgp.assessment.models import Questionnaire


class Command(BaseCommand):
    help = "Write a version of the Transformations-Check questionnaire as JSON (the format load_questionnaire reads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("version", type=int)
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args: object, version: int, output: str | None, **options: object) -> None:
        questionnaire = Questionnaire.objects.filter(version=version).first()
        if questionnaire is None:
            raise CommandError(f"There is no version {version}.")
        text = json.dumps(fixtures.export(questionnaire), ensure_ascii=False, indent=1) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(self.style.SUCCESS(f"Version {version} written to {output}."))
        else:
            self.stdout.write(text, ending="")
