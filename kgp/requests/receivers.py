"""Receivers of other apps' signals (connected in apps.RequestsConfig.ready)."""

from __future__ import annotations

from typing import Any

from kgp.companies.models import Company

from .models import Request


def move_requests_on_merge(sender: Any, *, keep: Company, removed: Company, **kwargs: Any) -> None:
    """company_merged: the removed record's requests belong to the kept company from now on."""
    Request.objects.filter(company=removed).update(company=keep)
