"""`manage.py load_questionnaire PATH`: a questionnaire file becomes a new draft version.

The network coordination checks the draft in the backoffice and publishes it there. The file format
is described in kgp/assessment/fixtures.py; `export_questionnaire` writes it.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kgp.assessment import fixtures, services
from kgp.core.errors import ServiceError


class Command(BaseCommand):
    help = "Load a questionnaire file (JSON) as a new draft version of the Transformations-Check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The questionnaire file (format kgp-questionnaire/1).")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            data = fixtures.read(path)
            draft = services.questionnaire_import(actor=None, data=data)
        except (fixtures.FixtureError, ServiceError) as exc:
            raise CommandError(str(exc)) from exc
        questions = draft.questions.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Draft version {draft.version} created with {draft.dimensions.count()} dimensions and {questions} questions. "
                "Publish it in the backoffice."
            )
        )
