"""/offers: the public offer catalogue, read only and open to everyone (no token needed).

The same search and filters as the portal's catalogue (catalogue/filters.py: OfferFilter); only
published offers that are valid today are shown, anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints

from kgp.catalogue import access
from kgp.catalogue.filters import MAX_QUERY_LENGTH, OfferFilter
from kgp.catalogue.models import Format, Module, Offer, ProviderKind, TargetGroup
from kgp.catalogue.texts import after_request_text, de_minimis_note

from .errors import ApiError, error_item, summary
from .schemas import _CLEAN, MAX_PAGE, ErrorOut, PartnerRef

# auth=None: every operation here is public, whatever the API's default authentication.
router = Router(auth=None, tags=["offers"])

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

ModuleValue = Literal[tuple(Module.values)]  # type: ignore[valid-type]
FormatValue = Literal[tuple(Format.values)]  # type: ignore[valid-type]
ProviderKindValue = Literal[tuple(ProviderKind.values)]  # type: ignore[valid-type]
TargetGroupValue = Literal[tuple(TargetGroup.values)]  # type: ignore[valid-type]
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_QUERY_LENGTH), _CLEAN]
FilterKey = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), _CLEAN]


# --- schemas ----------------------------------------------------------------------------------


class TopicRef(Schema):
    key: str
    name: str = Field(description="The topic's name in the request's language")


class OfferSummaryOut(Schema):
    slug: str = Field(description="The offer's key; its page in the portal is /angebote/<slug>/")
    url: str = Field(description="Path of the offer's page in the portal")
    title: str
    summary: str
    module: ModuleValue = Field(description="inform, coach, connect or transfer")  # type: ignore[valid-type]
    module_label: str = Field(description="The module's name in the request's language")
    format: FormatValue  # type: ignore[valid-type]
    format_label: str
    topics: list[TopicRef]
    provider_kind: ProviderKindValue = Field(  # type: ignore[valid-type]
        description="partners: the agencies in `providers`; network: all five partner agencies; "
        "competence_holder: `competence_holder_name` (a university, institute or expert)"
    )
    providers: list[PartnerRef] = Field(description="The partner agencies that provide the offer (kind `partners`)")
    competence_holder_name: str
    competence_holder_url: str
    target_group: TargetGroupValue = Field(description="sme: SMEs only; all: every company")  # type: ignore[valid-type]
    effort_hours: float | None = Field(description="About how many hours the company spends; null: not stated")
    is_de_minimis: bool = Field(description="Whether taking part counts as de-minimis aid (Regulation (EU) 2023/2831)")
    de_minimis_value: str | None = Field(
        description="The de-minimis value per company in EUR as a decimal string, e.g. \"1500.00\"; null if none",
        examples=["1500.00"],
    )
    valid_from: dt.date | None
    valid_until: dt.date | None

    @staticmethod
    def resolve_url(obj: Offer) -> str:
        return reverse("web:offer_detail", args=[obj.slug])

    @staticmethod
    def resolve_module_label(obj: Offer) -> str:
        return str(obj.get_module_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_format_label(obj: Offer) -> str:
        return str(obj.get_format_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_topics(obj: Offer) -> list[dict[str, str]]:
        return [{"key": t.key, "name": str(t)} for t in sorted(obj.topics.all(), key=lambda t: t.key)]

    @staticmethod
    def resolve_providers(obj: Offer) -> list[dict[str, str]]:
        return [{"key": p.key, "name": p.name} for p in sorted(obj.providers.all(), key=lambda p: p.key)]

    @staticmethod
    def resolve_effort_hours(obj: Offer) -> float | None:
        return float(obj.effort_hours) if obj.effort_hours is not None else None

    @staticmethod
    def resolve_de_minimis_value(obj: Offer) -> str | None:
        return str(obj.de_minimis_value) if obj.is_de_minimis and obj.de_minimis_value is not None else None


class OfferOut(OfferSummaryOut):
    description: str = Field(description="The description as Markdown")
    description_html: str = Field(description="The description as sanitised HTML")
    after_request: str = Field(description="What happens after a request (the module's standard text if the offer has none)")
    de_minimis_note: str = Field(description="The de-minimis note in plain words; empty if the offer is no de-minimis aid")

    @staticmethod
    def resolve_after_request(obj: Offer) -> str:
        return after_request_text(obj)

    @staticmethod
    def resolve_de_minimis_note(obj: Offer) -> str:
        return de_minimis_note(obj)


class OfferPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[OfferSummaryOut]


class OfferListParams(Schema):
    """The portal catalogue's search and filters, plus pagination."""

    q: SearchText | None = Field(
        None, description="German full-text search in title, summary, description, providers and topics"
    )
    module: ModuleValue | None = Field(None, description="inform, coach, connect or transfer")  # type: ignore[valid-type]
    topic: FilterKey | None = Field(None, description="Topic key, e.g. energy")
    format: FormatValue | None = Field(None, description="Format, e.g. workshop or coaching")  # type: ignore[valid-type]
    partner: FilterKey | None = Field(
        None, description="Partner agency key, e.g. hagen: offers this agency provides, and those of the whole network"
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    def filter_params(self) -> dict[str, str]:
        names = ("q", "module", "topic", "format", "partner")
        return {name: value for name in names if (value := getattr(self, name)) is not None}


# --- endpoints --------------------------------------------------------------------------------


def _filter_or_422(params: OfferListParams) -> OfferFilter:
    offer_filter = OfferFilter.from_params(params.filter_params())
    if offer_filter.errors:
        items = [
            error_item({"loc": ("query", name), "msg": message, "type": "invalid_filter"})
            for name, message in offer_filter.errors.items()
        ]
        raise ApiError(422, summary(items), errors=items)
    return offer_filter


@router.get("", response={200: OfferPage, 422: ErrorOut}, summary="List offers", auth=None)
def list_offers(request: HttpRequest, params: Query[OfferListParams]) -> dict[str, object]:
    """The published offers valid today, with the portal catalogue's filters; `page_size` at most 100.

    Public: no token needed. With `q`, the most relevant offers come first (on PostgreSQL),
    otherwise they are sorted by title. An unknown module, format, topic or partner answers 422.
    """
    offer_filter = _filter_or_422(params)
    qs = offer_filter.apply(access.public_offers())
    offset = (params.page - 1) * params.page_size
    return {
        "count": qs.count(),
        "page": params.page,
        "page_size": params.page_size,
        "results": list(qs.prefetch_related("topics", "providers")[offset : offset + params.page_size]),
    }


@router.get("/{slug}", response={200: OfferOut, 404: ErrorOut}, summary="Get an offer", auth=None)
def get_offer(request: HttpRequest, slug: str) -> Offer:
    """One published offer that is valid today. Drafts, archived and expired offers answer 404. Public."""
    return access.public_offer(slug)
