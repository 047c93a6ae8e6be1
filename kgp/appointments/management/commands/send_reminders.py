"""`manage.py send_reminders`: run every 15 minutes (cron or a worker's schedule).

Sends the reminder for every confirmed initial consultation that starts in 23 to 25 hours and was
not reminded yet. Idempotent: each booking is reminded once (`Booking.reminder_sent_at`).
With --enqueue the job is handed to the task queue (django-tasks) instead of running here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kgp.appointments import services
from kgp.appointments.tasks import send_reminders


class Command(BaseCommand):
    help = "Send the reminder e-mails for initial consultations starting in about 24 hours."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the job for the worker instead of running it here.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_reminders.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        count = services.reminders_send()
        self.stdout.write(f"{count} reminder(s) sent")
