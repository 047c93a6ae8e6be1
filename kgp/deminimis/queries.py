"""Reads of the de-minimis ledger: the single undertaking and its aid.

The single undertaking is the company plus its linked enterprises. The CRM records linked
enterprises as holdings (`companies.Holding`, kind "linked") with a *name* only, not as a reference
to a company record. A linked holding therefore counts with the aid of a company record when its
name matches exactly one active company by `name_key` (legal form, case and punctuation ignored), in
both directions: the enterprises this company lists as linked, and the companies that list this one
as linked. Names without (or with more than one) match are returned as `unmatched`: the pages show
them, and their aid must come in through the company's De-minimis-Erklärung.
One level only: the linked enterprises of linked enterprises are not followed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from kgp.companies.models import Company, Holding
from kgp.core.text import name_key

from . import rules
from .models import AidGrant, DeclaredAid


@dataclass
class Undertaking:
    company: Company
    linked: list[Company] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return sorted({self.company.pk, *(c.pk for c in self.linked)})


def single_undertaking(company: Company) -> Undertaking:
    result = Undertaking(company=company)
    linked: dict[int, Company] = {}
    names = {
        h.name.strip()
        for h in Holding.objects.filter(company=company, kind=Holding.Kind.LINKED).only("name")
    }
    for name in sorted(names):
        key = name_key(name)
        matches = list(Company.objects.filter(is_active=True, name_key=key).exclude(pk=company.pk)[:2]) if key else []
        if len(matches) == 1:
            linked[matches[0].pk] = matches[0]
        else:
            result.unmatched.append(name)
    own_key = company.name_key or name_key(company.name)
    if own_key and Company.objects.filter(is_active=True, name_key=own_key).count() == 1:
        holder_ids = {
            cid
            for cid, name in Holding.objects.filter(kind=Holding.Kind.LINKED, company__is_active=True)
            .exclude(company=company)
            .values_list("company_id", "name")
            if name_key(name) == own_key
        }
        for other in Company.objects.filter(pk__in=holder_ids - set(linked)):
            linked[other.pk] = other
    result.linked = sorted(linked.values(), key=lambda c: (c.name, c.pk))
    return result


def grants_for(company_ids: list[int]) -> QuerySet[AidGrant]:
    return AidGrant.objects.filter(company_id__in=company_ids).select_related("company", "organisation", "offer", "consultant")


def declared_for(company_ids: list[int]) -> QuerySet[DeclaredAid]:
    return DeclaredAid.objects.filter(company_id__in=company_ids).select_related("company", "declared_by")


def aids_for(company_ids: list[int]) -> list[rules.Aid]:
    """All de-minimis aid of these companies, granted and declared, for the rules."""
    granted = [rules.Aid(d, v) for d, v in AidGrant.objects.filter(company_id__in=company_ids).values_list("granted_on", "value_eur")]
    declared = [rules.Aid(d, v) for d, v in DeclaredAid.objects.filter(company_id__in=company_ids).values_list("granted_on", "amount_eur")]
    return granted + declared


@dataclass
class Position:
    day: dt.date
    window_start: dt.date
    total: Decimal
    headroom: Decimal
    ceiling: Decimal


def position(company: Company, day: dt.date, undertaking: Undertaking | None = None) -> Position:
    """The rolling sum of the single undertaking in the window ending on `day`, and the headroom."""
    undertaking = undertaking or single_undertaking(company)
    aids = aids_for(undertaking.ids)
    return Position(
        day=day,
        window_start=rules.window_start(day),
        total=rules.rolling_total(aids, day),
        headroom=rules.headroom(aids, day),
        ceiling=rules.CEILING_EUR,
    )
