"""Who may read and change de-minimis data. Tenant reads go through kgp.companies.access.

De-minimis data is not covered by the network-sharing consent: besides the coordination, only the
staff of the company's responsible agency see it (other agencies get 404 even for shared
companies). Changes: editors of that agency and the coordination; read-only staff get 403.
Company users see their own company's ledger in the portal (approved members only).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from kgp.accounts.models import Role, User
from kgp.companies import access as company_access
from kgp.companies.models import Company

from .models import AidGrant, DeclaredAid


def full_view(user: User, company: Company) -> bool:
    return user.role == Role.COORDINATOR or (
        user.organisation_id is not None and company.responsible_partner_id == user.organisation_id
    )


def company_for_staff(user: User, company_id: int | str) -> Company:
    """A company whose de-minimis ledger the staff member may read, or 404."""
    company = company_access.company_for_staff(user, company_id)
    if not full_view(user, company):
        raise Http404
    return company


def company_for_staff_edit(user: User, company_id: int | str) -> Company:
    """404 if the ledger is not visible, 403 if read only."""
    company = company_for_staff(user, company_id)
    if not company_access.can_edit_company(user, company):
        raise PermissionDenied
    return company


def grants_for_staff(user: User) -> QuerySet[AidGrant]:
    """Certificates of the companies whose ledger the staff member may read."""
    if not (user.is_authenticated and user.is_staff_member):
        return AidGrant.objects.none()
    qs = AidGrant.objects.filter(company__is_active=True).select_related("company", "organisation", "consultant")
    if user.role == Role.COORDINATOR:
        return qs
    return qs.filter(company__responsible_partner_id=user.organisation_id)


def grant_for_staff(user: User, grant_id: int | str) -> AidGrant:
    try:
        pk = int(grant_id)
    except (TypeError, ValueError):
        raise Http404 from None
    grant = grants_for_staff(user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def declared_for_staff_edit(user: User, company_id: int | str, declared_id: int | str) -> DeclaredAid:
    company = company_for_staff_edit(user, company_id)
    declared = DeclaredAid.objects.filter(company=company, pk=declared_id).select_related("company").first()
    if declared is None:
        raise Http404
    return declared


def company_for_member(user: User, company_id: int | str) -> Company:
    return company_access.company_for_member(user, company_id)


def grant_for_member(user: User, company_id: int | str, grant_id: int | str) -> AidGrant:
    company = company_for_member(user, company_id)
    grant = AidGrant.objects.filter(company=company, pk=grant_id).select_related("company", "organisation").first()
    if grant is None:
        raise Http404
    return grant
