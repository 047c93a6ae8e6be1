"""`manage.py send_digests`: run once every morning (cron, e.g. 06:30 Europe/Berlin).

Sends the daily digest e-mail to every active consultant and coordinator who has not switched it off
and has something to report: overdue tasks, tasks due this week, new requests of the agency, cases
without activity for 60 days, and today's and the next working day's initial consultations.
Working days (Monday to Friday) only. Idempotent: at most one digest per user and day
(`DigestSent`), also when it runs twice or on several machines at once.
With --enqueue the job is handed to the task queue (django-tasks) instead of running here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kgp.journey import digest
from kgp.journey.tasks import send_daily_digests


class Command(BaseCommand):
    help = "Send the daily digest e-mails to consultants and the network coordination (working days only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the job for the worker instead of running it here.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_daily_digests.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        count = digest.digests_send()
        self.stdout.write(f"{count} digest(s) sent")
