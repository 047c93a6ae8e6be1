"""The one access layer for requests. Every backoffice and portal read of a request goes through here.

- network coordinator: every request, all details; may change the status of every request;
- consultant / read-only staff: the requests routed to their agency, with all details; plus — read
  only, and without the contact person, message, notes and contact preferences, which were collected
  for the responsible agency — requests of companies that consented to network-wide sharing;
- status changes: editors of the agency the request was routed to (requests routed to the network
  coordination, i.e. companies outside the region: the coordination only); read-only staff never;
- company user: the requests of the companies they are an approved member of, and those they sent
  themselves;
- anybody else: nothing. What a user may not see answers 404, never 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kgp.accounts.models import Role, User
from kgp.companies import access as company_access
from kgp.core.ids import parse_id

from .models import Request

# One parser for every id from input (re-exported for the views).
parse_pk = parse_id


def _pk(value: int | str) -> int:
    pk = parse_pk(value)
    if pk is None:
        raise Http404
    return pk


def requests_for_staff(user: User) -> QuerySet[Request]:
    """Requests a staff member may read in the backoffice."""
    if not (user.is_authenticated and user.is_staff_member):
        return Request.objects.none()
    if user.role == Role.COORDINATOR:
        return Request.objects.all()
    return Request.objects.filter(
        Q(partner_id=user.organisation_id) | Q(company__network_sharing=True, company__is_active=True)
    )


def full_view(user: User, req: Request) -> bool:
    """All details (contact, message, notes, consent, check result): the routed agency and the coordination."""
    if not (user.is_authenticated and user.is_staff_member):
        return False
    return user.role == Role.COORDINATOR or (req.partner_id is not None and req.partner_id == user.organisation_id)


def can_edit_request(user: User, req: Request) -> bool:
    if not (user.is_authenticated and user.can_edit_crm):
        return False
    return user.role == Role.COORDINATOR or (req.partner_id is not None and req.partner_id == user.organisation_id)


def request_for_staff(user: User, request_id: int | str) -> Request:
    """A request the staff member may read, or 404."""
    req = (
        requests_for_staff(user)
        .select_related("company", "company__responsible_partner", "partner", "consent", "created_by")
        .filter(pk=_pk(request_id))
        .first()
    )
    if req is None:
        raise Http404
    return req


def request_for_staff_edit(user: User, request_id: int | str) -> Request:
    """A request whose status the staff member may change: 404 if they cannot read it, 403 if read only."""
    req = request_for_staff(user, request_id)
    if not can_edit_request(user, req):
        raise PermissionDenied
    return req


def requests_for_member(user: User) -> QuerySet[Request]:
    """A company user's requests: those of their approved companies (also of records merged into
    them), and those they sent themselves before their company was confirmed."""
    if not (user.is_authenticated and user.role == Role.COMPANY):
        return Request.objects.none()
    companies = company_access.companies_for_member(user).values("pk")
    return Request.objects.filter(
        Q(company__in=companies) | Q(company__merged_into__in=companies) | Q(created_by=user)
    ).select_related("company", "partner")


def request_for_member(user: User, request_id: int | str) -> Request:
    req = requests_for_member(user).filter(pk=_pk(request_id)).first()
    if req is None:
        raise Http404
    return req


def is_member_of_company(user: User, req: Request) -> bool:
    """Whether the user sees the request as a member of its company (else only as its sender)."""
    companies = company_access.companies_for_member(user)
    return companies.filter(Q(pk=req.company_id) | Q(pk=req.company.merged_into_id or 0)).exists()


def member_full_view(user: User, req: Request) -> bool:
    """Whether a company user sees the request's personal details (contact person, message, notes,
    contact preferences). Not for a request sent anonymously by someone else and matched to their
    company: the other members see only its offers, status and date."""
    if req.source != "public":
        return True
    return req.created_by_id is not None and req.created_by_id == user.pk


def request_sent_in_session(request_id: object) -> Request | None:
    """The request this browser session has just sent (its id is kept in the session for the
    confirmation page), or None."""
    if not isinstance(request_id, int):
        return None
    return Request.objects.select_related("company", "partner").filter(pk=request_id).first()


def check_result_sent_to(user: User, result_id: int | str) -> bool:
    """Whether a staff member may see a Transformations-Check result because it was sent along with a
    request they read in full (the routed agency and the coordination; not other agencies reading a
    shared company's request). For the backoffice's check result page."""
    if not (user.is_authenticated and user.is_staff_member):
        return False
    pk = parse_pk(result_id)
    if pk is None:
        return False
    carrying = requests_for_staff(user).filter(check_result_id=pk)
    if user.role != Role.COORDINATOR:
        carrying = carrying.filter(partner_id=user.organisation_id)
    return carrying.exists()
