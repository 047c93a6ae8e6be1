"""Request and response schemas of the JSON API.

Input limits mirror the model (max_length, postcode format, choices) so that most bad input is
answered with 422 before a service runs; the services still validate everything themselves.
"""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from kgp.companies.filters import MAX_QUERY_LENGTH
from kgp.companies.models import Company, LegalForm

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Beyond this the offset is absurd; the bound also keeps the offset inside a 64-bit integer.
MAX_PAGE = 100_000
MAX_TOPICS = 20

_ALLOWED_CONTROL_CHARS = frozenset("\t\n\r")


def page_of(qs: Any, *, page: int, page_size: int, prepare: Callable[[Any], Any] = lambda q: q) -> dict[str, object]:
    """One page of a list endpoint: the count of all rows, and the rows of `page` (prepared, e.g. with
    their relations selected, after counting)."""
    offset = (page - 1) * page_size
    return {"count": qs.count(), "page": page, "page_size": page_size, "results": list(prepare(qs)[offset : offset + page_size])}


def _no_control_chars(value: str) -> str:
    """Reject NUL and other control characters (PostgreSQL refuses NUL in text outright)."""
    if any((ord(ch) < 32 and ch not in _ALLOWED_CONTROL_CHARS) or ord(ch) == 127 for ch in value):
        raise PydanticCustomError("control_characters", _("Control characters are not allowed."))
    return value


def _max_length(field: str) -> int:
    max_length = Company._meta.get_field(field).max_length
    assert max_length is not None
    return max_length


_CLEAN = AfterValidator(_no_control_chars)


def _limit(field: str, *, required: bool = False) -> StringConstraints:
    """Strip whitespace, then apply the model field's max_length (and non-empty when required)."""
    return StringConstraints(strip_whitespace=True, min_length=1 if required else 0, max_length=_max_length(field))


def _query_limit(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, max_length=max_length)


Name = Annotated[str, _limit("name", required=True), _CLEAN]
RegisterCourt = Annotated[str, _limit("register_court"), _CLEAN]
RegisterNumber = Annotated[str, _limit("register_number"), _CLEAN]
Street = Annotated[str, _limit("street"), _CLEAN]
City = Annotated[str, _limit("city", required=True), _CLEAN]
SectorCode = Annotated[str, _limit("sector_code"), _CLEAN]
Website = Annotated[str, _limit("website"), _CLEAN]
Email = Annotated[str, _limit("email"), _CLEAN]
Phone = Annotated[str, _limit("phone"), _CLEAN]
Description = Annotated[str, _limit("description"), _CLEAN]
POSTCODE_PATTERN = r"^[0-9]{5}$"  # [0-9], not \d: \d would also accept the digits of other scripts


def _postcode(value: str) -> str:
    if not re.fullmatch(POSTCODE_PATTERN, value):
        raise PydanticCustomError("postcode", _("A German postcode has exactly five digits."))
    return value


Postcode = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_postcode),
    WithJsonSchema({"type": "string", "pattern": POSTCODE_PATTERN, "examples": ["44139"]}),
]
LegalFormValue = Literal[tuple(["", *LegalForm.values])]  # type: ignore[valid-type]
TopicKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), _CLEAN]
TopicKeys = Annotated[list[TopicKey], Field(max_length=MAX_TOPICS)]
SearchText = Annotated[str, _query_limit(MAX_QUERY_LENGTH), _CLEAN]
FilterKey = Annotated[str, _query_limit(40), _CLEAN]


# --- errors -----------------------------------------------------------------------------------


class ErrorItem(Schema):
    field: str | None = Field(None, description="The field or query parameter, dotted for nested ones")
    location: str | None = Field(None, description="body, query or path")
    message: str
    type: str | None = None


class ErrorOut(Schema):
    detail: str
    field: str | None = None
    code: str | None = None
    errors: list[ErrorItem] | None = None


# --- references -------------------------------------------------------------------------------


class MunicipalityRef(Schema):
    key: str
    name: str


class PartnerRef(Schema):
    key: str
    name: str


# --- companies --------------------------------------------------------------------------------


class CompanyOut(Schema):
    id: int
    name: str
    legal_form: str
    register_court: str
    register_number: str
    street: str
    postcode: str
    city: str
    municipality: MunicipalityRef | None
    responsible_partner: PartnerRef | None = Field(
        description="The responsible partner agency; null: outside the region, the network coordination decides"
    )
    sector_code: str
    website: str
    email: str
    phone: str
    description: str
    is_autonomous: bool
    public_control_25: bool
    size_class: str
    size_class_provisional: bool
    topics: list[str] = Field(description="Topic keys")
    network_sharing: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_topics(obj: Company) -> list[str]:
        # Uses the prefetch cache when the query prefetched the topics.
        return sorted(topic.key for topic in obj.topics.all())


class CompanyPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CompanyOut]


class CompanyListParams(Schema):
    """The backoffice list's filters, plus pagination."""

    q: SearchText | None = Field(None, description="Search in name, city, postcode, register number")
    municipality: FilterKey | None = Field(None, description="Municipality key, e.g. dortmund")
    partner: FilterKey | None = Field(None, description="Partner key, or 'none' for outside the region")
    sector: FilterKey | None = Field(None, description="WZ 2008 code prefix, e.g. C25")
    size_class: FilterKey | None = Field(None, description="micro, small, medium, large or unknown")
    topic: FilterKey | None = Field(None, description="Topic key")
    sort: FilterKey | None = Field(None, description="name, -name, city, -city, size, -size, created, -created")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    def filter_params(self) -> dict[str, str]:
        """The filter values given, in the form CompanyFilter.from_params expects."""
        names = ("q", "municipality", "partner", "sector", "size_class", "topic", "sort")
        return {name: value for name in names if (value := getattr(self, name)) is not None}


class _CompanyWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    def service_data(self) -> dict[str, Any]:
        """The fields sent, without topics (those go to the service separately)."""
        return self.model_dump(exclude_unset=True, exclude={"topics"})


class CompanyCreate(_CompanyWrite):
    name: Name
    legal_form: LegalFormValue = ""
    register_court: RegisterCourt = ""
    register_number: RegisterNumber = ""
    street: Street = ""
    postcode: Postcode
    city: City
    sector_code: SectorCode = ""
    website: Website = ""
    email: Email = ""
    phone: Phone = ""
    description: Description = ""
    is_autonomous: bool = True
    public_control_25: bool = False
    topics: TopicKeys = Field(default_factory=list, description="Topic keys")


class CompanyUpdate(_CompanyWrite):
    """Partial update: only the fields sent change. null is not a value of any field."""

    name: Name | None = None
    legal_form: LegalFormValue | None = None
    register_court: RegisterCourt | None = None
    register_number: RegisterNumber | None = None
    street: Street | None = None
    postcode: Postcode | None = None
    city: City | None = None
    sector_code: SectorCode | None = None
    website: Website | None = None
    email: Email | None = None
    phone: Phone | None = None
    description: Description | None = None
    is_autonomous: bool | None = None
    public_control_25: bool | None = None
    topics: TopicKeys | None = Field(None, description="Topic keys; replaces the company's topics")

    @field_validator("*", mode="after")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for fields that were sent, so None here is an explicit null.
        if value is None:
            raise PydanticCustomError("null_not_allowed", _("The value must not be null."))
        return value


# --- shared by the scoped endpoints (journey, connect) ----------------------------------------------


def not_null(value: Any) -> Any:
    """For PATCH bodies: a field that was sent must not be null."""
    if value is None:
        raise PydanticCustomError("null_not_allowed", _("The value must not be null."))
    return value


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class CompanyRef(Schema):
    id: int
    name: str
