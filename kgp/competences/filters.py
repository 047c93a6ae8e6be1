"""Search and filters of the competence map, shared by the public list and the backoffice list.

Search (simple, until the matching engine arrives): every word of `q` (at most 8, folded: lower
case, umlauts spelled out) must occur in the profile's folded search text (institution, unit,
description, keywords). Filters: kind, subject area, transfer format, municipality; staff also
status and "needs review".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kgp.core.text import fold

from .models import CompetenceProfile, Kind, ProfileStatus, SubjectArea, TransferFormat, review_cutoff

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")

PUBLIC_FIELDS = ("q", "kind", "area", "format", "municipality")
STAFF_FIELDS = (*PUBLIC_FIELDS, "status", "review")
REVIEW_VALUES = ("due",)


def search_words(q: str) -> list[str]:
    words = [w.strip(".,;:!?\"'()[]") for w in fold(q).split()[:MAX_WORDS]]
    return [w for w in words if w]


@dataclass
class ProfileFilter:
    q: str = ""
    kind: str = ""  # Kind value
    area: str = ""  # subject area key
    format: str = ""  # TransferFormat value
    municipality: str = ""  # municipality key
    status: str = ""  # staff only
    review: str = ""  # staff only: "due" = needs review
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: object, *, fields: tuple[str, ...] = PUBLIC_FIELDS) -> ProfileFilter:
        """The filter from GET parameters (or a dict); unknown values are dropped and named in `errors`."""
        get = params.get  # type: ignore[attr-defined]
        f = cls()
        for name in fields:
            value = str(get(name) or "").strip()[:MAX_QUERY_LENGTH]
            if CONTROL_CHARS.search(value):
                f.errors[name] = _("The input contains control characters, which are not allowed.")
                value = ""
            setattr(f, name, value)
        choices = (
            ("kind", Kind.values, _("Unknown kind: %(value)s. Allowed values are: %(known)s.")),
            ("format", TransferFormat.values, _("Unknown transfer format: %(value)s. Allowed values are: %(known)s.")),
            ("status", ProfileStatus.values, _("Unknown status: %(value)s. Allowed values are: %(known)s.")),
            ("review", list(REVIEW_VALUES), _("Unknown value: %(value)s. Allowed values are: %(known)s.")),
        )
        for name, known, message in choices:
            value = getattr(f, name)
            if value and value not in known:
                f.errors[name] = message % {"value": value[:40], "known": ", ".join(known)}
                setattr(f, name, "")
        f._check_keys()
        return f

    def _check_keys(self) -> None:
        from kgp.organisations.models import Municipality

        checks = (
            ("area", SubjectArea, _("Unknown subject area: %(value)s. Allowed values are: %(known)s.")),
            ("municipality", Municipality, _("Unknown municipality: %(value)s. Allowed values are: %(known)s.")),
        )
        for name, model, message in checks:
            value = getattr(self, name)
            if value and not model.objects.filter(key=value).exists():
                known = ", ".join(model.objects.order_by("key").values_list("key", flat=True))
                self.errors[name] = message % {"value": value[:40], "known": known}
                setattr(self, name, "")

    def is_active(self) -> bool:
        return any((self.q, self.kind, self.area, self.format, self.municipality, self.status, self.review))

    def apply(self, qs: QuerySet[CompetenceProfile]) -> QuerySet[CompetenceProfile]:
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.municipality:
            qs = qs.filter(municipality__key=self.municipality)
        if self.format:
            qs = qs.filter(formats_index__contains=f"|{self.format}|")
        if self.area:
            through = CompetenceProfile.subject_areas.through.objects.filter(subjectarea__key=self.area)
            qs = qs.filter(pk__in=through.values("competenceprofile_id"))
        if self.status:
            qs = qs.filter(status=self.status)
        if self.review == "due":
            qs = qs.filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=review_cutoff()))
        for word in search_words(self.q):
            qs = qs.filter(search_text__contains=word)
        return qs.order_by("institution", "unit", "id")
