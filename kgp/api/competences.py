"""/competences: the public competence map, read only and open to everyone (no token needed).

- `GET /competences`: the published profiles with the public map's filters (competences/filters.py:
  ProfileFilter), paginated;
- `GET /competences/match`: the published profiles that fit a need in free text, ranked by the
  matching engine (kgp.connect.search), each with the engine's structured reasons and the same
  reasons as sentences in the request's language;
- `GET /competences/{external_id}`: one published profile with its public contact persons only.

Drafts never appear: the list and the detail read through kgp.competences.access, and the matches
are checked against the published profiles before they are answered.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints, WithJsonSchema

from kgp.companies.models import Topic
from kgp.competences import access
from kgp.competences.filters import MAX_QUERY_LENGTH, ProfileFilter
from kgp.competences.models import CompetenceProfile, Kind, Language, ProfileStatus, TransferFormat
from kgp.connect import search
from kgp.core.errors import ServiceError
from kgp.core.text import fold
from kgp.organisations.models import Municipality

from .errors import ApiError, error_item, summary
from .schemas import _CLEAN, MAX_PAGE, MAX_TOPICS, ErrorOut, MunicipalityRef

# auth=None: every operation here is public, whatever the API's default authentication.
router = Router(auth=None, tags=["competences"])

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MATCH_TEXT_MAX = 2000
DEFAULT_MATCH_LIMIT = 10

UNKNOWN_CITY_MESSAGE = gettext_lazy("Unknown city: %(value)s. The region's municipalities are: %(known)s.")
UNKNOWN_TOPICS_MESSAGE = gettext_lazy("Unknown topics: %(unknown)s. Allowed values are: %(known)s.")

KindValue = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
FormatValue = Literal[tuple(TransferFormat.values)]  # type: ignore[valid-type]
SearchText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_QUERY_LENGTH), _CLEAN]
FilterKey = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), _CLEAN]
NeedText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MATCH_TEXT_MAX), _CLEAN]
CityName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), _CLEAN]
# List items are plain strings checked by the view: a list item that fails the schema would be reported by
# ninja with the parameter model's name in `field` ("params.formats.0").
FormatItem = Annotated[str, WithJsonSchema({"type": "string", "enum": list(TransferFormat.values)})]


# --- the engine's reasons -----------------------------------------------------------------------


class TermReason(Schema):
    type: Literal["term"]
    query: str = Field(description="The word of the need (as typed, folded)")
    matched: list[str] = Field(description="The words of the profile it matched, best first")
    via: str = Field(description="How it matched: stem, compound (a part of a compound word), synonym or typo")
    weight: float = Field(description="Its share of the score")


class TopicReason(Schema):
    type: Literal["topic"]
    topics: list[str] = Field(description="Topic keys the need and the profile share, e.g. energy")


class FormatReason(Schema):
    type: Literal["format"]
    matched: list[str] = Field(description="Requested transfer formats the profile offers (the engine's format keys)")
    requested: list[str] = Field(description="The engine's format keys of the requested formats")
    offered: list[str] = Field(description="The engine's format keys the profile offers")


class DistanceReason(Schema):
    type: Literal["distance"]
    km: float = Field(description="Distance between the given city and the profile's municipality")


class SemanticReason(Schema):
    type: Literal["semantic"]
    similarity: float = Field(description="Similarity of the optional dense re-ranker (0-1)")


Reason = Annotated[
    TermReason | TopicReason | FormatReason | DistanceReason | SemanticReason, Field(discriminator="type")
]
REASON_TYPES = frozenset({"term", "topic", "format", "distance", "semantic"})


def known_reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The engine's reasons of the documented types (a type added to the engine later is left out
    rather than breaking the answer)."""
    return [r for r in reasons if r.get("type") in REASON_TYPES]


# --- schemas ----------------------------------------------------------------------------------


class SubjectAreaRef(Schema):
    key: str
    name: str = Field(description="The subject area's name in the request's language")


class CompetenceSummaryOut(Schema):
    external_id: str = Field(description="The profile's identifier; its page in the portal is /kompetenzen/<external_id>/")
    url: str = Field(description="Path of the profile's page in the portal")
    name: str = Field(description="Institution – unit")
    institution: str
    unit: str
    kind: KindValue  # type: ignore[valid-type]
    kind_label: str = Field(description="The kind in the request's language")
    municipality: MunicipalityRef
    keywords: list[str]
    subject_areas: list[SubjectAreaRef]
    transfer_formats: list[FormatValue] = Field(description="Transfer formats offered")  # type: ignore[valid-type]

    @staticmethod
    def resolve_url(obj: CompetenceProfile) -> str:
        return reverse("web:competence_detail", args=[obj.external_id])

    @staticmethod
    def resolve_kind_label(obj: CompetenceProfile) -> str:
        return str(obj.get_kind_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_subject_areas(obj: CompetenceProfile) -> list[dict[str, str]]:
        return [{"key": a.key, "name": str(a)} for a in obj.subject_areas.all()]

    @staticmethod
    def resolve_transfer_formats(obj: CompetenceProfile) -> list[str]:
        return [k for k in obj.transfer_formats or [] if k in TransferFormat.values]


class PublicContactOut(Schema):
    name: str
    role: str = Field(description="The person's function")
    email: str
    phone: str


class CompetenceOut(CompetenceSummaryOut):
    description: str = Field(description="Plain text")
    equipment_labs: str = Field(description="Plain text")
    transfer_format_labels: list[str] = Field(description="The transfer formats in the request's language")
    languages: list[str] = Field(description="Language codes, e.g. de, en")
    language_labels: list[str]
    reviewed_on: dt.date | None = Field(description="When the profile was last checked to be up to date")
    contacts: list[PublicContactOut] = Field(description="The contact persons marked public; others are never shown")

    @staticmethod
    def resolve_transfer_format_labels(obj: CompetenceProfile) -> list[str]:
        return obj.transfer_format_labels()

    @staticmethod
    def resolve_languages(obj: CompetenceProfile) -> list[str]:
        return [k for k in obj.languages or [] if k in Language.values]

    @staticmethod
    def resolve_language_labels(obj: CompetenceProfile) -> list[str]:
        return obj.language_labels()

    @staticmethod
    def resolve_contacts(obj: CompetenceProfile) -> list[Any]:
        return list(getattr(obj, "public_contacts", []))


class CompetencePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CompetenceSummaryOut]


class CompetenceListParams(Schema):
    """The public map's search and filters, plus pagination."""

    q: SearchText | None = Field(None, description="Words that must all occur in name, description or keywords")
    kind: KindValue | None = Field(None, description="Kind of competence holder")  # type: ignore[valid-type]
    area: FilterKey | None = Field(None, description="Subject area key, e.g. energy")
    format: FormatValue | None = Field(None, description="Transfer format offered")  # type: ignore[valid-type]
    municipality: FilterKey | None = Field(None, description="Municipality key, e.g. dortmund")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    def filter_params(self) -> dict[str, str]:
        names = ("q", "kind", "area", "format", "municipality")
        return {name: value for name in names if (value := getattr(self, name)) is not None}


class MatchParams(Schema):
    q: NeedText = Field(description=f"The need in the company's own words (German), at most {MATCH_TEXT_MAX} characters")
    city: CityName | None = Field(
        None, description="Where the company is: the name of a municipality of the region, e.g. Dortmund (any case)"
    )
    limit: int = Field(DEFAULT_MATCH_LIMIT, ge=1, le=search.MAX_LIMIT, description="How many profiles, best first")
    formats: Annotated[list[FormatItem], Field(max_length=len(TransferFormat.values))] = Field(
        default_factory=list, description="Transfer formats wanted (repeat the parameter for several)"
    )
    topics: Annotated[list[str], Field(max_length=MAX_TOPICS)] = Field(
        default_factory=list, description="Topic keys of the need, e.g. energy (repeat the parameter for several)"
    )


class MatchOut(Schema):
    external_id: str
    url: str = Field(description="Path of the profile's page in the portal")
    name: str = Field(description="Institution – unit")
    kind: KindValue  # type: ignore[valid-type]
    municipality: MunicipalityRef
    score: float = Field(description="The engine's score; only the order within one answer means something")
    distance_km: float | None = Field(description="Distance from the given city; null without a city")
    reasons: list[Reason] = Field(description="Why the profile fits, as the matching engine reports it")
    explanation: list[str] = Field(description="The reasons as sentences in the request's language")


class MatchResults(Schema):
    results: list[MatchOut] = Field(description="Best first")


# --- helpers ----------------------------------------------------------------------------------


def _filter_or_422(params: CompetenceListParams) -> ProfileFilter:
    profile_filter = ProfileFilter.from_params(params.filter_params())
    if profile_filter.errors:
        items = [
            error_item({"loc": ("query", name), "msg": message, "type": "invalid_filter"})
            for name, message in profile_filter.errors.items()
        ]
        raise ApiError(422, summary(items), errors=items)
    return profile_filter


def municipality_named(name: str | None) -> Municipality | None:
    """The region's municipality of this name (any case, umlauts or their spelling, or its key);
    None without a name; a ServiceError on field `city` for anything else."""
    if name is None:
        return None
    wanted = fold(name)
    municipalities = list(Municipality.objects.order_by("name"))
    for m in municipalities:
        if wanted in (fold(m.name), m.key):
            return m
    raise ServiceError(
        str(UNKNOWN_CITY_MESSAGE) % {"value": name[:40], "known": ", ".join(m.name for m in municipalities)},
        field="city",
        code="unknown_city",
    )


def check_formats(values: list[str]) -> list[str]:
    """The transfer formats asked for; an unknown one answers 422 (like any other invalid query value)."""
    unknown = [v for v in values if v not in TransferFormat.values]
    if unknown:
        message = _("Unknown transfer format: %(value)s. Allowed values are: %(known)s.") % {
            "value": unknown[0][:40], "known": ", ".join(TransferFormat.values),
        }  # fmt: skip
        items = [error_item({"loc": ("query", "formats"), "msg": message, "type": "invalid_filter"})]
        raise ApiError(422, summary(items), errors=items)
    return list(dict.fromkeys(values))


def check_topics(keys: list[str]) -> list[str]:
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return []
    known = set(Topic.objects.values_list("key", flat=True))
    unknown = [k for k in wanted if k not in known]
    if unknown:
        raise ServiceError(
            str(UNKNOWN_TOPICS_MESSAGE) % {"unknown": ", ".join(u[:40] for u in unknown[:5]), "known": ", ".join(sorted(known))},
            field="topics",
            code="unknown_topic",
        )
    return wanted


def profile_results(matches: list[Any]) -> list[dict[str, Any]]:
    """The engine's matches as answer rows, in the engine's order. Only published profiles: a match
    whose profile is no longer published (changed since the index looked) is left out."""
    # By the unique identifier alone, the status checked here: with the status in the query, a database
    # may walk all published profiles by the status index instead (SQLite does).
    found = (
        CompetenceProfile.objects.filter(external_id__in=[m.id for m in matches])
        .select_related("municipality")
        .only("external_id", "institution", "unit", "kind", "status", "municipality__key", "municipality__name")
    )
    profiles = {p.external_id: p for p in found if p.status == ProfileStatus.PUBLISHED} if matches else {}
    topic_names = search.topic_labels() if matches else {}
    rows: list[dict[str, Any]] = []
    for m in matches:
        profile = profiles.get(m.id)
        if profile is None:
            continue
        rows.append(
            {
                "external_id": profile.external_id,
                "url": reverse("web:competence_detail", args=[profile.external_id]),
                "name": profile.name,
                "kind": profile.kind,
                "municipality": {"key": profile.municipality.key, "name": profile.municipality.name},
                "score": round(m.score, 4),
                "distance_km": round(m.distance_km, 1) if m.distance_km is not None else None,
                "reasons": known_reasons(m.reasons),
                "explanation": search.reason_lines(m.reasons, topic_names=topic_names),
            }
        )
    return rows


# --- endpoints --------------------------------------------------------------------------------


@router.get("", response={200: CompetencePage, 422: ErrorOut}, summary="List competence profiles", auth=None)
def list_competences(request: HttpRequest, params: Query[CompetenceListParams]) -> dict[str, object]:
    """The published profiles of the competence map with the portal's filters, sorted by institution
    and unit; `page_size` at most 100. Public: no token needed. An unknown subject area or
    municipality answers 422."""
    profile_filter = _filter_or_422(params)
    qs = profile_filter.apply(access.public_profiles())
    offset = (params.page - 1) * params.page_size
    return {
        "count": qs.count(),
        "page": params.page,
        "page_size": params.page_size,
        "results": list(access.with_relations(qs)[offset : offset + params.page_size]),
    }


@router.get(
    "/match", response={200: MatchResults, 400: ErrorOut, 422: ErrorOut}, summary="Find competence holders for a need",
    auth=None,
)  # fmt: skip
def match_competences(request: HttpRequest, params: Query[MatchParams]) -> dict[str, object]:
    """The published profiles that fit a need described in free text, best first, by the matching
    engine (German word stems, parts of compound words, synonyms, typing errors; shared topics,
    transfer formats and the distance from `city` weigh in a little). Every result carries the
    engine's `reasons` and the same as sentences (`explanation`). Public: no token needed.

    An unknown `city` or topic answers 400 (`field` names it); an empty `q`, one longer than 2,000
    characters, a `limit` outside 1-50 or an unknown format answer 422."""
    formats = check_formats(params.formats)
    municipality = municipality_named(params.city)
    topics = check_topics(params.topics)
    matches = search.match_profiles(
        params.q,
        lat=float(municipality.lat) if municipality else None,
        lon=float(municipality.lon) if municipality else None,
        formats=formats,
        topics=topics,
        limit=params.limit,
        kinds=Kind.values,  # every kind of competence holder, expert companies included
    )
    return {"results": profile_results(matches)}


@router.get(
    "/{external_id}", response={200: CompetenceOut, 404: ErrorOut}, summary="Get a competence profile", auth=None
)
def get_competence(request: HttpRequest, external_id: str) -> CompetenceProfile:
    """One published profile with its public contact persons. Drafts and unknown identifiers answer
    404. Public."""
    return access.public_profile(external_id)
