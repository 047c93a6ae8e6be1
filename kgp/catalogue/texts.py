"""Sentences about an offer that the portal, the backoffice and the API share (in the request's language)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Module, Offer

# What happens after a request, when the offer does not say it itself.
DEFAULT_AFTER_REQUEST = {
    Module.INFORM: gettext_lazy(
        "After your request, your economic development agency sends you the dates and how to register, "
        "or the material itself."
    ),
    Module.COACH: gettext_lazy(
        "After your request, your economic development agency contacts you within a few working days to arrange "
        "a first consultation. Together you clarify what your company needs and how the coaching is set up."
    ),
    Module.CONNECT: gettext_lazy(
        "After your request, your economic development agency clarifies your need with you and then introduces "
        "you to suitable contacts at universities, institutes or companies – only when both sides agree."
    ),
    Module.TRANSFER: gettext_lazy(
        "After your request, your economic development agency discusses your project idea with you, looks for a "
        "suitable research partner and points out funding that fits."
    ),
}


def after_request_text(offer: Offer) -> str:
    """The offer's own text, or the standard text of its module."""
    if (offer.after_request or "").strip():
        return offer.after_request
    default = DEFAULT_AFTER_REQUEST.get(offer.module)  # type: ignore[call-overload]
    return str(default) if default is not None else ""


def euro(value: Decimal) -> str:
    """1500 → "1.500" (German) / "1,500" (English); cents only when there are any."""
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def effort_text(hours: Decimal | None) -> str:
    """ "about 8 hours" / "about 1.5 hours" / "about 1 hour"; "" when not stated."""
    if hours is None:
        return ""
    places = 0 if hours == hours.to_integral_value() else 1
    value = number_format(hours, decimal_pos=places, use_l10n=True)
    return ngettext("about %(hours)s hour", "about %(hours)s hours", 1 if hours == 1 else 2) % {"hours": value}


def de_minimis_note(offer: Offer) -> str:
    """The de-minimis note in plain words, or "" for an offer that is no de-minimis aid."""
    if not offer.is_de_minimis or offer.de_minimis_value is None:
        return ""
    return _(
        "This offer is de-minimis aid worth EUR %(value)s per company (Regulation (EU) 2023/2831). "
        "Before it starts, your company declares the de-minimis aid it has received in the last three years; "
        "within three years a company may receive at most EUR 300,000 of such aid. Afterwards your company "
        "receives a de-minimis certificate, which it keeps for ten years."
    ) % {"value": euro(offer.de_minimis_value)}
