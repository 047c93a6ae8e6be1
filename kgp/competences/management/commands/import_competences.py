"""`manage.py import_competences FILE.jsonl [--dry-run]`: competence profiles from JSON Lines.

The format is that of ../shared/data/matching/README.md (one object per line: external_id, name,
kind, city, description, keywords). Profiles are upserted by `external_id`, all or nothing: with
any error nothing is written, the report names every faulty line and the command exits with 1.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kgp.competences.services import import_profiles


class Command(BaseCommand):
    help = "Import competence profiles from a JSON Lines file (upsert by external_id, all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the .jsonl file (UTF-8).")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count, write nothing.")

    def handle(self, *args: object, file: str, dry_run: bool, **options: object) -> None:
        path = Path(file)
        try:
            with path.open("rb") as handle:
                report = import_profiles(handle, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        if not report.ok:
            self.stderr.write(report.as_text())
            raise CommandError("import failed; nothing was written", returncode=1)
        self.stdout.write(self.style.SUCCESS(report.as_text()))
