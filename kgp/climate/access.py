"""Who sees which stored footprint (see ../companies/access.py for the companies themselves).

- anybody with the link: an anonymous result (no company), by its unguessable token;
- approved members of the company: its results (by link too);
- the network coordination and the staff of the company's responsible agency: a company's results
  only once a member shared them with the agency; other agencies never, even for a company shared
  network-wide.
What a user may not see answers 404, never 403.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kgp.accounts.models import Role
from kgp.companies.access import companies_for_member, companies_for_staff
from kgp.companies.models import Company

from .models import Footprint

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def footprint_by_token(token: str, user: Any = None) -> Footprint:
    """An anonymous result by its link, or a company's result for a member of the company; else 404."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        raise Http404
    footprint = Footprint.objects.select_related("company", "factor_set").filter(token=token).first()
    if footprint is None:
        raise Http404
    if footprint.company_id is not None:
        if user is None or not companies_for_member(user).filter(pk=footprint.company_id).exists():
            raise Http404
    return footprint


def footprints_for_staff(user: Any, company: Company) -> QuerySet[Footprint]:
    """The company's shared results for the coordination and the responsible agency's staff; else none."""
    none = Footprint.objects.none()
    if not (getattr(user, "is_authenticated", False) and user.is_staff_member):
        return none
    if not companies_for_staff(user).filter(pk=company.pk).exists():
        return none
    if user.role != Role.COORDINATOR and company.responsible_partner_id != user.organisation_id:
        return none
    return Footprint.objects.filter(company=company, shared_with_agency=True).select_related("factor_set")


def footprints_for_member(user: Any, company: Company) -> QuerySet[Footprint]:
    """All results of the company for its approved members; else none."""
    if not companies_for_member(user).filter(pk=company.pk).exists():
        return Footprint.objects.none()
    return Footprint.objects.filter(company=company).select_related("factor_set")
