"""Receivers of other apps' signals (connected in apps.DeminimisConfig.ready)."""

from __future__ import annotations

from typing import Any

from kgp.companies.models import Company

from .models import AidGrant, DeclaredAid


def move_aid_on_merge(sender: Any, *, keep: Company, removed: Company, **kwargs: Any) -> None:
    """company_merged: the removed record's de-minimis ledger belongs to the kept company from now on."""
    AidGrant.objects.filter(company=removed).update(company=keep)
    DeclaredAid.objects.filter(company=removed).update(company=keep)
