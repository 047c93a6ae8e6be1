"""The one access layer for companies. Every backoffice and API read of a company goes through here.

- network coordinator: every company;
- consultant / read-only staff: companies whose responsible partner is their agency, plus companies
  that consented to network-wide sharing (read only);
- company user: the companies they are an approved member of (portal only);
- anybody else: nothing. What a user may not see answers 404, never 403, so nothing leaks.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User

from .models import Company, CompanyImport, CompanyMembership


def _active() -> QuerySet[Company]:
    return Company.objects.filter(is_active=True)


def companies_for_staff(user: User) -> QuerySet[Company]:
    """Companies a staff member may read in the backoffice and the API."""
    if not (user.is_authenticated and user.is_staff_member):
        return Company.objects.none()
    if user.role == Role.COORDINATOR:
        return _active()
    return _active().filter(Q(responsible_partner_id=user.organisation_id) | Q(network_sharing=True))


def can_edit_company(user: User, company: Company) -> bool:
    if not (user.is_authenticated and user.can_edit_crm):
        return False
    return user.role == Role.COORDINATOR or company.responsible_partner_id == user.organisation_id


def company_for_staff(user: User, company_id: int | str) -> Company:
    """A company the staff member may read, or 404."""
    try:
        pk = int(company_id)
    except (TypeError, ValueError):
        raise Http404 from None
    company = companies_for_staff(user).select_related("municipality", "responsible_partner").filter(pk=pk).first()
    if company is None:
        raise Http404
    return company


def company_for_staff_edit(user: User, company_id: int | str) -> Company:
    """A company the staff member may change: 404 if they cannot even read it, 403 if read only."""
    company = company_for_staff(user, company_id)
    if not can_edit_company(user, company):
        raise PermissionDenied
    return company


def companies_for_member(user: User) -> QuerySet[Company]:
    """The companies a company user is an approved member of."""
    if not user.is_authenticated:
        return Company.objects.none()
    return _active().filter(
        memberships__user=user, memberships__status=CompanyMembership.Status.APPROVED
    ).select_related("municipality", "responsible_partner")


def company_for_member(user: User, company_id: int | str) -> Company:
    try:
        pk = int(company_id)
    except (TypeError, ValueError):
        raise Http404 from None
    company = companies_for_member(user).filter(pk=pk).first()
    if company is None:
        raise Http404
    return company


def memberships_for_staff(user: User) -> QuerySet[CompanyMembership]:
    """Join requests the staff member may decide on (companies they can edit)."""
    if not (user.is_authenticated and user.can_edit_crm):
        return CompanyMembership.objects.none()
    qs = CompanyMembership.objects.select_related("user", "company").filter(company__is_active=True)
    if user.role == Role.COORDINATOR:
        return qs
    return qs.filter(company__responsible_partner_id=user.organisation_id)


def placement_error(user: User, company: Company) -> str | None:
    """Why the staff member may not put the company where it now is, or None.

    A consultant creates and keeps companies within their own agency's area; handing a company
    to another partner (or outside the region) is the network coordination's job. Callers check
    this inside the write's transaction and roll back when a message comes back.
    """
    if can_edit_company(user, company):
        return None
    partner = company.responsible_partner
    if partner is None:
        return _(
            "The postcode lies outside the region; the network coordination is responsible. "
            "Please contact the network coordination."
        )
    return _(
        "For the postcode %(postcode)s, %(partner)s is responsible. Please contact the network coordination."
    ) % {"postcode": company.postcode, "partner": partner.name}


def imports_for_staff(user: User) -> QuerySet[CompanyImport]:
    """Imports a staff member may see: the coordination sees all; consultants those uploaded by the
    consultants of their agency (not the coordination's, even though it sits at the lead partner)."""
    if not (user.is_authenticated and user.can_edit_crm):
        return CompanyImport.objects.none()
    qs = CompanyImport.objects.select_related("created_by", "organisation")
    if user.role == Role.COORDINATOR:
        return qs
    return qs.filter(organisation_id=user.organisation_id).exclude(created_by__role=Role.COORDINATOR)
