"""Receivers of other apps' signals (connected in apps.EventsConfig.ready)."""

from __future__ import annotations

from typing import Any

from kgp.companies.models import Company

from .models import Registration


def move_registrations_on_merge(sender: Any, *, keep: Company, removed: Company, **kwargs: Any) -> None:
    """company_merged: the removed record's event registrations (and so its attendance) belong to the
    kept company from now on."""
    Registration.objects.filter(company=removed).update(company=keep)
