"""Who may read and change which check result. Every view and the API read results through here.

- anybody with the token: that one result (the token is the unguessable link);
- a company user: the results they made, and those of the companies they are an approved member of;
- staff: a result shared with the agency, when they may read the company's full data (the network
  coordination, or the staff of the company's responsible agency); anything else is 404.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.http import Http404

from kgp.accounts.models import Role, User
from kgp.companies import access as company_access
from kgp.companies.models import Company

from .models import CheckResult

TOKEN_MAX_LENGTH = 64
# secrets.token_urlsafe: URL-safe base64. Anything else (NUL bytes, control characters) is 404
# without a query; PostgreSQL would reject a NUL byte with an error.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,%d}" % TOKEN_MAX_LENGTH)


def result_by_token(token: str) -> CheckResult:
    """The result with this token, or 404 (the same for a malformed and an unknown token)."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        raise Http404
    result = CheckResult.objects.select_related("questionnaire", "company").filter(token=token).first()
    if result is None:
        raise Http404
    return result


def results_for_member(user: User) -> QuerySet[CheckResult]:
    """The results a company user made or that belong to one of their companies."""
    if not (user.is_authenticated and user.role == Role.COMPANY):
        return CheckResult.objects.none()
    companies = company_access.companies_for_member(user).values("pk")
    return CheckResult.objects.filter(Q(user=user) | Q(company__in=companies)).select_related("questionnaire", "company")


def member_companies(user: User) -> QuerySet[Company]:
    """The companies a user may attach results to and share them for."""
    if not (user.is_authenticated and user.role == Role.COMPANY):
        return Company.objects.none()
    return company_access.companies_for_member(user).order_by("name")


def can_attach(user: User, result: CheckResult) -> bool:
    """A company user may attach a result they made, or an anonymous one they hold the link to."""
    if not (user.is_authenticated and user.role == Role.COMPANY):
        return False
    if result.user_id not in (None, user.pk):
        return False
    return result.company_id is None or member_companies(user).filter(pk=result.company_id).exists()


def can_share(user: User, result: CheckResult) -> bool:
    """Sharing with the agency is decided by a member of the result's company."""
    return (
        result.completed_at is not None
        and result.company_id is not None
        and member_companies(user).filter(pk=result.company_id).exists()
    )


def result_for_staff(user: User, result_id: int | str) -> CheckResult:
    """A shared, completed result of a company whose full data the staff member may read, or 404."""
    try:
        pk = int(result_id)
    except (TypeError, ValueError):
        raise Http404 from None
    result = (
        CheckResult.objects.select_related("questionnaire", "company")
        .filter(pk=pk, shared_with_agency=True, completed_at__isnull=False, company__isnull=False)
        .first()
    )
    if result is None:
        raise Http404
    company = company_access.company_for_staff(user, result.company_id)  # 404 when not readable at all
    if not (user.is_coordinator or company.responsible_partner_id == user.organisation_id):
        raise Http404  # network sharing covers master data, not the company's check results
    return result


def completed_result(result_id: int | str) -> CheckResult:
    """A completed result by id, or 404. Only for callers that checked the permission elsewhere
    (a result sent along with a request: kgp.requests.access.check_result_sent_to)."""
    try:
        pk = int(result_id)
    except (TypeError, ValueError):
        raise Http404 from None
    result = CheckResult.objects.select_related("questionnaire", "company").filter(pk=pk, completed_at__isnull=False).first()
    if result is None:
        raise Http404
    return result
