"""Receivers of other apps' signals (connected in apps.ConnectConfig.ready)."""

from __future__ import annotations

from typing import Any

from kgp.companies.models import Company

from .models import CompanyProfile, Introduction, Need


def move_on_merge(sender: Any, *, keep: Company, removed: Company, **kwargs: Any) -> None:
    """company_merged: the removed record's needs and introductions (on either side) belong to the
    kept company; its exchange profile moves too unless the kept company has one (then it stays with
    the inactive record, which the matching index leaves out)."""
    Need.objects.filter(company=removed).update(company=keep)
    Introduction.objects.filter(company=removed).update(company=keep)
    Introduction.objects.filter(target_company=removed).update(target_company=keep)
    if not CompanyProfile.objects.filter(company=keep).exists():
        CompanyProfile.objects.filter(company=removed).update(company=keep)
