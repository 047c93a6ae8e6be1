"""Receivers of other apps' signals (connected in apps.ClimateConfig.ready)."""

from __future__ import annotations

from typing import Any

from kgp.companies.models import Company

from .models import Footprint


def move_footprints_on_merge(sender: Any, *, keep: Company, removed: Company, **kwargs: Any) -> None:
    """company_merged: the removed record's footprints belong to the kept company from now on."""
    Footprint.objects.filter(company=removed).update(company=keep)
