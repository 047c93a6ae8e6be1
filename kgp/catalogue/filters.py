"""The catalogue's search and filters — shared by the public catalogue, the backoffice offer list and the API.

Search: every word of `q` (at most 8, folded, with a light German/English plural ending removed)
must occur in the offer's folded search text. On PostgreSQL an offer also matches through German
full-text search (stemming: "Lieferketten" finds "Lieferkette"), and the results are ordered by
relevance; on SQLite by title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from kgp.core.text import fold

from .models import Format, Module, Offer, OfferStatus, ProviderKind

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
SEARCH_CONFIG = "german"
# Plural and inflection endings removed from a search word before the substring match, longest first.
_ENDINGS = ("ern", "en", "er", "es", "e", "n", "s")
_MIN_STEM = 4

PUBLIC_FIELDS = ("q", "module", "topic", "format", "partner")
STAFF_FIELDS = ("q", "module", "topic", "format", "partner", "status", "owner")
# German names the portal also understands (/angebote/?modul=coach&thema=energy).
ALIASES = {"module": "modul", "topic": "thema"}


def search_words(q: str) -> list[str]:
    """The folded words of a query, each reduced by one plural ending ("workshops" → "workshop")."""
    words = []
    for word in fold(q).split()[:MAX_WORDS]:
        word = word.strip(".,;:!?\"'()[]")
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
                word = word[: -len(ending)]
                break
        if word:
            words.append(word)
    return words


def search(qs: QuerySet[Offer], q: str) -> QuerySet[Offer]:
    """Offers matching `q`, most relevant first on PostgreSQL (then by title)."""
    words = search_words(q)
    if not words:
        return qs
    substring = Q()
    for word in words:
        substring &= Q(search_text__contains=word)
    if connections[qs.db].vendor != "postgresql":
        return qs.filter(substring).order_by("title", "id")
    # The stored, indexed vector (migration 0002): title A, summary B, search text C, German config.
    vector = RawSQL('"catalogue_offer"."search_vector"', [], output_field=SearchVectorField())
    # The words as typed (umlauts for the stemmer) or folded (to match the folded search text).
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG) | SearchQuery(
        " ".join(fold(q).split()[:MAX_WORDS]), search_type="websearch", config=SEARCH_CONFIG
    )
    return (
        qs.annotate(search=vector, search_rank=SearchRank(vector, query))
        .filter(Q(search=query) | substring)
        .order_by("-search_rank", "title", "id")
    )


@dataclass
class OfferFilter:
    q: str = ""
    module: str = ""  # Module value
    topic: str = ""  # topic key
    format: str = ""  # Format value
    partner: str = ""  # organisation key: offers this agency provides, or the whole network
    status: str = ""  # staff only
    owner: str = ""  # staff only: organisation key of the maintaining agency
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: dict[str, str] | object, *, fields: tuple[str, ...] = PUBLIC_FIELDS) -> OfferFilter:
        """The filter from GET parameters (or a dict); unknown values are dropped and named in `errors`."""
        get = params.get  # type: ignore[attr-defined]
        f = cls()
        for name in fields:
            value = get(name) or (get(ALIASES[name]) if name in ALIASES else "") or ""
            value = str(value).strip()[:MAX_QUERY_LENGTH]
            if CONTROL_CHARS.search(value):
                f.errors[name] = _("The input contains control characters, which are not allowed.")
                value = ""
            setattr(f, name, value)
        choices = (
            ("module", Module, _("Unknown module: %(value)s. Allowed values are: %(known)s.")),
            ("format", Format, _("Unknown format: %(value)s. Allowed values are: %(known)s.")),
            ("status", OfferStatus, _("Unknown status: %(value)s. Allowed values are: %(known)s.")),
        )
        for name, enum, message in choices:
            value = getattr(f, name)
            if value and value not in enum.values:
                f.errors[name] = message % {"value": value[:40], "known": ", ".join(enum.values)}
                setattr(f, name, "")
        f._check_keys()
        return f

    def _check_keys(self) -> None:
        """Unknown topic or agency keys are an error, not a silently empty list."""
        from kgp.companies.models import Topic
        from kgp.organisations.models import Organisation

        checks = (
            ("topic", Topic, _("Unknown topic: %(value)s. Allowed values are: %(known)s.")),
            ("partner", Organisation, _("Unknown partner agency: %(value)s. Allowed values are: %(known)s.")),
            ("owner", Organisation, _("Unknown partner agency: %(value)s. Allowed values are: %(known)s.")),
        )
        for name, model, message in checks:
            value = getattr(self, name)
            if value and not model.objects.filter(key=value).exists():
                known = ", ".join(model.objects.order_by("key").values_list("key", flat=True))
                self.errors[name] = message % {"value": value[:40], "known": known}
                setattr(self, name, "")

    def is_active(self) -> bool:
        return any((self.q, self.module, self.topic, self.format, self.partner, self.status, self.owner))

    def apply(self, qs: QuerySet[Offer]) -> QuerySet[Offer]:
        if self.module:
            qs = qs.filter(module=self.module)
        if self.format:
            qs = qs.filter(format=self.format)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.owner:
            qs = qs.filter(owner__key=self.owner)
        if self.topic:
            qs = qs.filter(pk__in=Offer.topics.through.objects.filter(topic__key=self.topic).values("offer_id"))
        if self.partner:
            # Offers of the whole network are offered by every partner agency too.
            provided = Offer.providers.through.objects.filter(organisation__key=self.partner).values("offer_id")
            qs = qs.filter(Q(pk__in=provided) | Q(provider_kind=ProviderKind.NETWORK))
        if self.q:
            return search(qs, self.q)
        return qs.order_by("title", "id")
