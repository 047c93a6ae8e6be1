"""The events' background jobs; run every 15 minutes (cron, see docs/deployment.md). Safe to run
any number of times and in parallel: every step is idempotent.

- offers not taken in time lapse, and the seat goes to the next on the waiting list;
- guest registrations not confirmed within 72 hours lapse;
- reminders 24 hours before the event;
- feedback surveys after the event, to those who attended.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kgp.events import services


class Command(BaseCommand):
    help = "Expire seat offers and unconfirmed registrations, send reminders and feedback surveys."

    def handle(self, *args, **options) -> None:
        expired = services.offers_expire()
        lapsed = services.pending_expire()
        reminders = services.reminders_send()
        feedback = services.feedback_requests_send()
        self.stdout.write(
            f"offers expired: {expired}, unconfirmed lapsed: {lapsed}, reminders: {reminders}, feedback requests: {feedback}"
        )
