"""Receivers of other apps' signals (connected in apps.AppointmentsConfig.ready)."""

from __future__ import annotations

from typing import Any

from kgp.companies.models import Company

from .models import Booking


def move_bookings_on_merge(sender: Any, *, keep: Company, removed: Company, **kwargs: Any) -> None:
    """company_merged: the removed record's appointments belong to the kept company from now on."""
    Booking.objects.filter(company=removed).update(company=keep)
