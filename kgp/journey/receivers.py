"""Receivers of other apps' signals (connected in apps.JourneyConfig.ready)."""

from __future__ import annotations

from typing import Any

from kgp.companies.models import Company

from .models import Activity, Case, Task


def move_cases_on_merge(sender: Any, *, keep: Company, removed: Company, **kwargs: Any) -> None:
    """company_merged: the removed record's cases, activities and tasks belong to the kept company."""
    Case.objects.filter(company=removed).update(company=keep)
    Activity.objects.filter(company=removed).update(company=keep)
    Task.objects.filter(company=removed).update(company=keep)
