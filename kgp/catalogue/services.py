"""Services that change offers of the catalogue.

Keyword-only, typed, atomic; each one writes the audit log. The backoffice and the demo data only
validate input and call these. Every save renders the Markdown description to sanitised HTML and
refreshes the folded search text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kgp.accounts.models import User
from kgp.companies.models import Topic
from kgp.core.audit import diff, log_action, snapshot
from kgp.core.errors import ServiceError
from kgp.core.text import fold
from kgp.organisations.models import Organisation

from .models import Offer, OfferStatus, ProviderKind

OFFER_FIELDS = (
    "slug", "title", "summary", "description", "module", "format", "provider_kind", "competence_holder_name",
    "competence_holder_url", "owner", "target_group", "effort_hours", "is_de_minimis", "de_minimis_value",
    "after_request", "status", "valid_from", "valid_until",
)  # fmt: skip

# What the Markdown description may become: a small, safe subset of HTML.
ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "a", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
# Headings of the description sit below the page's h1/h2: "#" and "##" become h3, "#####" and deeper h4.
_TOP_HEADING = re.compile(r"<(/?)h[12]>")
_DEEP_HEADING = re.compile(r"<(/?)h[56]>")
SLUG_MAX_LENGTH = Offer._meta.get_field("slug").max_length or 120


# --- pure helpers -----------------------------------------------------------------------------


def render_description(text: str) -> str:
    """Markdown to HTML, reduced to ALLOWED_TAGS; links get rel="noopener noreferrer".

    Raw HTML in the input is not trusted: scripts and styles disappear with their content, event
    handler attributes and javascript: links are removed.
    """
    if not (text or "").strip():
        return ""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    html = _DEEP_HEADING.sub(r"<\1h4>", _TOP_HEADING.sub(r"<\1h3>", html))
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def slug_for(text: str) -> str:
    """A web address from a title: German umlauts spelled out (ä → ae, ß → ss), accents removed."""
    slug = slugify(fold(text))[:SLUG_MAX_LENGTH].strip("-")
    return slug or "angebot"


def _unique_slug(base: str, *, exclude_pk: int | None) -> str:
    """base, or base-2, base-3, … whichever no other offer uses (kept within the field's length)."""
    taken = set(
        Offer.objects.filter(slug__startswith=base[: SLUG_MAX_LENGTH - 4])
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


def search_text_for(offer: Offer, *, topics: Iterable[Topic], providers: Iterable[Organisation]) -> str:
    """What the catalogue search looks in: title, summary, description, providers and topics (both languages)."""
    parts = [offer.title, offer.summary, offer.description, offer.competence_holder_name]
    for provider in providers:
        parts += [provider.name, provider.short_name]
    for topic in topics:
        parts += [topic.name_de, topic.name_en]
    return fold(" ".join(p for p in parts if p))


def offer_problems(offer: Offer, *, providers: Iterable[Organisation] | None = None) -> list[tuple[str | None, str]]:
    """The broken business rules of an offer as (field, message), in the request's language.

    Shared by the services (which raise the first one) and the backoffice form (which shows all).
    `providers` None: the offer's saved providers are not checked.
    """
    problems: list[tuple[str | None, str]] = []
    if offer.is_de_minimis and offer.de_minimis_value is None:
        problems.append(
            ("de_minimis_value", _("Please enter the value per company in EUR: the offer counts as de-minimis aid."))
        )
    elif offer.is_de_minimis and offer.de_minimis_value is not None and offer.de_minimis_value <= 0:
        problems.append(("de_minimis_value", _("The de-minimis value must be greater than zero.")))
    if offer.provider_kind == ProviderKind.PARTNERS and providers is not None and not list(providers):
        problems.append(("providers", _("Please choose at least one partner agency that provides the offer.")))
    if offer.provider_kind == ProviderKind.COMPETENCE_HOLDER and not (offer.competence_holder_name or "").strip():
        problems.append(("competence_holder_name", _("Please name the competence holder who provides the offer.")))
    if offer.valid_from and offer.valid_until and offer.valid_until < offer.valid_from:
        problems.append(("valid_until", _("The end of the validity must not lie before its start.")))
    return problems


# --- internals --------------------------------------------------------------------------------


def _clean_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _decimal(value: Any, places: int) -> Any:
    """A decimal with the field's places ("6" → "6.0"), so that an unchanged value compares equal."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        try:
            quantized = Decimal(value).quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:  # too many digits: full_clean names the field
            return value
        return quantized if quantized == value else value  # more places: full_clean names the field
    return value


def _apply(offer: Offer, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key in OFFER_FIELDS:
            setattr(offer, key, _clean_text(value))
    offer.effort_hours = _decimal(offer.effort_hours, 1)
    offer.de_minimis_value = _decimal(offer.de_minimis_value, 2)
    # Values that belong to another kind of provider or to de-minimis aid are not kept.
    if not offer.is_de_minimis:
        offer.de_minimis_value = None
    if offer.provider_kind != ProviderKind.COMPETENCE_HOLDER:
        offer.competence_holder_name, offer.competence_holder_url = "", ""


def _full_clean(offer: Offer) -> None:
    """Model validation; the first problem becomes a ServiceError naming its field."""
    try:
        # Uniqueness of the slug and the constraints are checked with clearer messages by the service.
        offer.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=None if field == "__all__" else field) from exc


def _assign_slug(offer: Offer, wanted: str) -> None:
    """An explicit slug must be free; an empty one is generated from the title (made unique)."""
    wanted = (wanted or "").strip()
    if not wanted:
        offer.slug = _unique_slug(slug_for(offer.title), exclude_pk=offer.pk)
        return
    slug = slugify(fold(wanted))[:SLUG_MAX_LENGTH].strip("-")
    if not slug:
        raise ServiceError(_("The web address needs at least one letter or digit."), field="slug")
    if Offer.objects.filter(slug=slug).exclude(pk=offer.pk).exists():
        raise ServiceError(
            _("The web address “%(slug)s” is already used by another offer.") % {"slug": slug}, field="slug", code="duplicate_slug"
        )
    offer.slug = slug


def _validate(offer: Offer, *, topics: list[Topic], providers: list[Organisation]) -> None:
    if not topics:
        raise ServiceError(_("Please choose at least one topic."), field="topics")
    problems = offer_problems(offer, providers=providers)
    if problems:
        field, message = problems[0]
        raise ServiceError(message, field=field)
    _full_clean(offer)


def _save(offer: Offer, *, topics: list[Topic], providers: list[Organisation]) -> None:
    offer.description_html = render_description(offer.description)
    offer.search_text = search_text_for(offer, topics=topics, providers=providers)
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError as exc:  # a concurrent save took the slug
        raise ServiceError(
            _("The web address “%(slug)s” is already used by another offer.") % {"slug": offer.slug},
            field="slug",
            code="duplicate_slug",
        ) from exc
    offer.topics.set(topics)
    offer.providers.set(providers)


def _names(items: Iterable[Any]) -> list[str]:
    return sorted(str(item) for item in items)


def _providers_for(offer: Offer, providers: Iterable[Organisation]) -> list[Organisation]:
    """Partner agencies are kept only for offers that partner agencies provide."""
    return list(dict.fromkeys(providers)) if offer.provider_kind == ProviderKind.PARTNERS else []


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def offer_create(
    *,
    actor: User | None,
    data: dict[str, Any],
    topics: Iterable[Topic],
    providers: Iterable[Organisation] = (),
) -> Offer:
    """A new offer (a draft unless `data["status"]` says otherwise). An empty `slug` is generated from the title."""
    offer = Offer()
    _apply(offer, data)
    topics = list(dict.fromkeys(topics))
    providers = _providers_for(offer, providers)
    _assign_slug(offer, data.get("slug") or "")
    _validate(offer, topics=topics, providers=providers)
    _save(offer, topics=topics, providers=providers)
    changes = {
        k: [None, v]
        for k, v in snapshot(offer, Offer.AUDITED_FIELDS).items()
        if v not in ("", None, False)
    }
    changes["topics"] = [None, _names(topics)]
    if providers:
        changes["providers"] = [None, _names(providers)]
    log_action(actor=actor, action="create", obj=offer, changes=changes)
    return offer


@transaction.atomic
def offer_update(
    *,
    actor: User | None,
    offer: Offer,
    data: dict[str, Any],
    topics: Iterable[Topic] | None = None,
    providers: Iterable[Organisation] | None = None,
) -> Offer:
    """Change the fields in `data`; `topics` and `providers` replace the lists when given.

    A `slug` in `data` that is empty is generated again from the title. Writes no audit entry when
    nothing changed.
    """
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    before = snapshot(offer, Offer.AUDITED_FIELDS)
    before_topics = list(offer.topics.all())
    before_providers = list(offer.providers.all())
    _apply(offer, data)
    new_topics = list(dict.fromkeys(topics)) if topics is not None else before_topics
    new_providers = _providers_for(offer, providers if providers is not None else before_providers)
    if "slug" in data:
        _assign_slug(offer, data["slug"] or "")
    _validate(offer, topics=new_topics, providers=new_providers)
    _save(offer, topics=new_topics, providers=new_providers)
    changes = diff(before, snapshot(offer, Offer.AUDITED_FIELDS))
    if _names(new_topics) != _names(before_topics):
        changes["topics"] = [_names(before_topics), _names(new_topics)]
    if _names(new_providers) != _names(before_providers):
        changes["providers"] = [_names(before_providers), _names(new_providers)]
    if changes:
        log_action(actor=actor, action="update", obj=offer, changes=changes)
    return offer


@transaction.atomic
def offer_set_status(*, actor: User | None, offer: Offer, status: str) -> Offer:
    """Publish, archive or return an offer to draft (an update with the status alone)."""
    if status not in OfferStatus.values:
        raise ServiceError(
            _("Unknown status; allowed values are: %(allowed)s") % {"allowed": ", ".join(OfferStatus.values)},
            field="status",
        )
    return offer_update(actor=actor, offer=offer, data={"status": status})
