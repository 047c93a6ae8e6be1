"""Receivers of other apps' signals (connected in apps.AssessmentConfig.ready)."""

from __future__ import annotations

from typing import Any

from kgp.companies.models import Company

from .models import CheckResult


def move_results_on_merge(sender: Any, *, keep: Company, removed: Company, **kwargs: Any) -> None:
    """company_merged: the removed record's check results belong to the kept company from now on
    (its members see them, and a shared one stays visible to the kept company's agency)."""
    CheckResult.objects.filter(company=removed).update(company=keep)
