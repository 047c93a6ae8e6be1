"""Background jobs of the journey: the daily digest e-mail of the consultants and the coordination."""

from __future__ import annotations

from django_tasks import task

from . import digest


@task()
def send_daily_digests() -> int:
    """Send today's digests (see digest.digests_send: working days only, at most one per user and day,
    safe to run any number of times)."""
    return digest.digests_send()
