"""The company list's search, filters and sorting — shared by the backoffice list, its export and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kgp.core.text import fold

from .models import Company, SizeClass

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "city": ("city", "name", "id"),
    "-city": ("-city", "-name", "-id"),
    "size": ("size_class", "name", "id"),
    "-size": ("-size_class", "-name", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
}
DEFAULT_SORT = "name"
MAX_QUERY_LENGTH = 200
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class CompanyFilter:
    q: str = ""
    municipality: str = ""  # municipality key
    partner: str = ""  # organisation key, or "none" for outside the region
    sector: str = ""  # WZ code prefix, e.g. "C25"
    size_class: str = ""
    topic: str = ""  # topic key
    sort: str = DEFAULT_SORT
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: dict[str, str] | object) -> CompanyFilter:
        get = params.get  # type: ignore[attr-defined]
        f = cls(
            q=(get("q") or "").strip()[:MAX_QUERY_LENGTH],
            municipality=(get("municipality") or "").strip(),
            partner=(get("partner") or "").strip(),
            sector=(get("sector") or "").strip().upper(),
            size_class=(get("size_class") or "").strip(),
            topic=(get("topic") or "").strip(),
            sort=(get("sort") or DEFAULT_SORT).strip(),
        )
        for name in ("q", "municipality", "partner", "sector", "size_class", "topic", "sort"):
            if CONTROL_CHARS.search(getattr(f, name)):
                f.errors[name] = _("The input contains control characters, which are not allowed.")
                setattr(f, name, DEFAULT_SORT if name == "sort" else "")
        if f.sort not in SORTS:
            f.errors["sort"] = _("Unknown sort order; allowed values are: %(allowed)s") % {"allowed": ", ".join(SORTS)}
            f.sort = DEFAULT_SORT
        if f.size_class and f.size_class not in SizeClass.values:
            f.errors["size_class"] = _("Unknown size class; allowed values are: %(allowed)s") % {
                "allowed": ", ".join(SizeClass.values)
            }
            f.size_class = ""
        if len(f.sector) > 10:
            f.errors["sector"] = _("The WZ code is too long.")
            f.sector = ""
        f._check_keys()
        return f

    def _check_keys(self) -> None:
        """Unknown municipality, partner or topic keys are an error, not a silently empty list."""
        from kgp.organisations.models import Municipality, Organisation

        from .models import Topic

        # One whole sentence per kind of key, with %(value)s and %(known)s.
        checks = (
            ("municipality", Municipality, _("Unknown municipality: %(value)s. Allowed values are: %(known)s.")),
            ("partner", Organisation, _("Unknown partner agency: %(value)s. Allowed values are: %(known)s.")),
            ("topic", Topic, _("Unknown topic: %(value)s. Allowed values are: %(known)s.")),
        )
        for name, model, message in checks:
            value = getattr(self, name)
            if not value or (name == "partner" and value == "none"):
                continue
            if not model.objects.filter(key=value).exists():
                known = ", ".join(model.objects.order_by("key").values_list("key", flat=True))
                self.errors[name] = message % {"value": value[:40], "known": known}
                setattr(self, name, "")

    def is_active(self) -> bool:
        return any((self.q, self.municipality, self.partner, self.sector, self.size_class, self.topic))

    def apply(self, qs: QuerySet[Company]) -> QuerySet[Company]:
        if self.q:
            for word in fold(self.q).split()[:8]:
                qs = qs.filter(search_text__contains=word)
        if self.municipality:
            qs = qs.filter(municipality__key=self.municipality)
        if self.partner == "none":
            qs = qs.filter(responsible_partner__isnull=True)
        elif self.partner:
            qs = qs.filter(responsible_partner__key=self.partner)
        if self.sector:
            qs = qs.filter(sector_code__startswith=self.sector)
        if self.size_class:
            qs = qs.filter(size_class=self.size_class)
        if self.topic:
            qs = qs.filter(topics__key=self.topic)
        return qs.order_by(*SORTS[self.sort])
