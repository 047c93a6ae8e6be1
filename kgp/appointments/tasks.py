"""Background jobs of the appointments: the reminder e-mails 24 hours before a consultation."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_reminders() -> int:
    """Queue the reminders that are due (see services.reminders_send; safe to run any number of times)."""
    return services.reminders_send()
