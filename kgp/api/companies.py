"""/companies: staff read and edit companies. Thin: the access layer decides what a user may see
and change, the services validate and write (audit log included)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from kgp.accounts.models import User
from kgp.companies.access import companies_for_staff, company_for_staff, company_for_staff_edit, placement_error
from kgp.companies.filters import CompanyFilter
from kgp.companies.models import Company, Topic
from kgp.companies.services import company_create, company_update
from kgp.core.errors import ServiceError

from .auth import StaffTokenAuth, api_user
from .errors import ApiError, error_item, summary
from .schemas import CompanyCreate, CompanyListParams, CompanyOut, CompanyPage, CompanyUpdate, ErrorOut, page_of

router = Router(auth=StaffTokenAuth(), tags=["companies"])

# Documented error answers (all with the ErrorOut shape).
COMMON_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
ONE_COMPANY_ERRORS = {404: ErrorOut, **COMMON_ERRORS}

READ_ONLY_MESSAGE = gettext_lazy("You may only read this company, not change it.")
CANNOT_CREATE_MESSAGE = gettext_lazy("Your role does not allow you to create companies.")


# --- helpers ----------------------------------------------------------------------------------


def _with_relations(qs: QuerySet[Company]) -> QuerySet[Company]:
    """What the company JSON needs, in a constant number of queries."""
    return qs.select_related("municipality", "responsible_partner").prefetch_related("topics")


def _filter_or_422(params: CompanyListParams) -> CompanyFilter:
    company_filter = CompanyFilter.from_params(params.filter_params())
    if company_filter.errors:
        items = [
            error_item({"loc": ("query", name), "msg": message, "type": "invalid_filter"})
            for name, message in company_filter.errors.items()
        ]
        raise ApiError(422, summary(items), errors=items)
    return company_filter


def _topics(keys: Iterable[str] | None) -> list[Topic] | None:
    """The topics with these keys; an unknown key is a 400 naming it and the known ones."""
    if keys is None:
        return None
    wanted = list(dict.fromkeys(keys))
    topics = list(Topic.objects.filter(key__in=wanted))
    unknown = sorted(set(wanted) - {topic.key for topic in topics})
    if unknown:
        known = ", ".join(Topic.objects.order_by("key").values_list("key", flat=True))
        raise ServiceError(
            _("Unknown topics: %(unknown)s. Allowed values are: %(known)s.") % {"unknown": ", ".join(unknown), "known": known},
            field="topics",
            code="unknown_topic",
        )
    return topics


def _ensure_editable_after_write(user: User, company: Company) -> None:
    """Raised inside the write's transaction (see access.placement_error), so nothing is stored."""
    message = placement_error(user, company)
    if message:
        raise ApiError(403, message, field="postcode")


# --- endpoints --------------------------------------------------------------------------------


@router.get("", response={200: CompanyPage, **COMMON_ERRORS}, summary="List companies")
def list_companies(request: HttpRequest, params: Query[CompanyListParams]) -> dict[str, object]:
    """The companies you may read, with the backoffice list's filters; `page_size` at most 200."""
    company_filter = _filter_or_422(params)
    qs = company_filter.apply(companies_for_staff(api_user(request)))
    return page_of(qs, page=params.page, page_size=params.page_size, prepare=_with_relations)


@router.get("/{company_id}", response={200: CompanyOut, **ONE_COMPANY_ERRORS}, summary="Get a company")
def get_company(request: HttpRequest, company_id: int) -> Company:
    """404 both for an unknown id and for a company you may not see."""
    return company_for_staff(api_user(request), company_id)


@router.post("", response={201: CompanyOut, 400: ErrorOut, **COMMON_ERRORS}, summary="Create a company")
def create_company(request: HttpRequest, payload: CompanyCreate) -> Status[Company]:
    """Coordinators and consultants; the responsible partner follows from the postcode."""
    user = api_user(request)
    if not user.can_edit_crm:
        raise PermissionDenied(str(CANNOT_CREATE_MESSAGE))
    topics = _topics(payload.topics) or []
    with transaction.atomic():
        company = company_create(actor=user, data=payload.service_data(), topics=topics, source="api")
        _ensure_editable_after_write(user, company)
    return Status(201, company)


@router.patch("/{company_id}", response={200: CompanyOut, 400: ErrorOut, **ONE_COMPANY_ERRORS}, summary="Change a company")
def update_company(request: HttpRequest, company_id: int, payload: CompanyUpdate) -> Company:
    """Only the fields sent change; `topics` replaces the list. 403 for a company you may only read."""
    user = api_user(request)
    try:
        company = company_for_staff_edit(user, company_id)
    except PermissionDenied:
        raise PermissionDenied(str(READ_ONLY_MESSAGE)) from None
    topics = _topics(payload.topics)
    with transaction.atomic():
        company = company_update(actor=user, company=company, data=payload.service_data(), topics=topics)
        _ensure_editable_after_write(user, company)
    return company
