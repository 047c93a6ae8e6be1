"""Reads about the region: which municipality and partner a postcode belongs to."""

from __future__ import annotations

import re

from .models import Municipality, Organisation, PostcodeRange

POSTCODE_RE = re.compile(r"^[0-9]{5}$")


def is_valid_postcode(postcode: str) -> bool:
    return bool(POSTCODE_RE.match(postcode or ""))


def municipality_for_postcode(postcode: str) -> Municipality | None:
    """The municipality whose postcode range holds the postcode, or None outside the region."""
    if not is_valid_postcode(postcode):
        return None
    match = (
        PostcodeRange.objects.select_related("municipality__partner")
        .filter(first__lte=postcode, last__gte=postcode)
        .first()
    )
    return match.municipality if match else None


def lead_partner() -> Organisation | None:
    return Organisation.objects.filter(is_lead_partner=True).first()
