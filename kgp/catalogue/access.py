"""The one access layer for offers. Every backoffice, portal and API read of an offer goes through here.

- the public (anyone, signed in or not): published offers valid today (`Offer.objects.public()`);
- staff (coordinator, consultants, read-only staff): every offer, drafts and archived ones included;
- change: the network coordination every offer, a consultant the offers their agency maintains
  (`owner`); read-only staff nothing. Another agency's offer answers 403 (staff may read it);
  an unknown id answers 404.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from kgp.accounts.models import Role, User
from kgp.organisations.models import Organisation

from .models import Offer


def with_relations(qs: QuerySet[Offer]) -> QuerySet[Offer]:
    """What an offer card or page shows, in a constant number of queries."""
    return qs.select_related("owner").prefetch_related("topics", "providers")


# --- public -----------------------------------------------------------------------------------


def public_offers() -> QuerySet[Offer]:
    """Published offers valid today: the public catalogue, the API and the Baukasten."""
    return Offer.objects.public()


SLUG_PATTERN = re.compile(r"[-a-z0-9_]{1,120}")  # anything else (NUL bytes, control characters) is 404 without a query


def public_offer(slug: str) -> Offer:
    """A published, currently valid offer by its web address, or 404 (drafts, archived, expired)."""
    if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
        raise Http404
    offer = with_relations(public_offers()).filter(slug=slug).first()
    if offer is None:
        raise Http404
    return offer


# --- staff ------------------------------------------------------------------------------------


def offers_for_staff(user: User) -> QuerySet[Offer]:
    """Offers a staff member may read in the backoffice: all of them."""
    if not (user.is_authenticated and user.is_staff_member):
        return Offer.objects.none()
    return Offer.objects.all()


def can_create_offer(user: User) -> bool:
    return bool(user.is_authenticated and user.can_edit_crm)


def can_edit_offer(user: User, offer: Offer) -> bool:
    if not (user.is_authenticated and user.can_edit_crm):
        return False
    return user.role == Role.COORDINATOR or offer.owner_id == user.organisation_id


def owners_for(user: User) -> QuerySet[Organisation]:
    """The agencies the user may make the maintainer of an offer: the coordination any, a consultant their own."""
    if not can_create_offer(user):
        return Organisation.objects.none()
    if user.role == Role.COORDINATOR:
        return Organisation.objects.order_by("-is_lead_partner", "name")
    return Organisation.objects.filter(pk=user.organisation_id)


def offer_for_staff(user: User, offer_id: int | str) -> Offer:
    """An offer the staff member may read, or 404."""
    try:
        pk = int(offer_id)
    except (TypeError, ValueError):
        raise Http404 from None
    offer = with_relations(offers_for_staff(user)).filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer


def offer_for_staff_edit(user: User, offer_id: int | str) -> Offer:
    """An offer the staff member may change: 404 if unknown, 403 if they may only read it."""
    offer = offer_for_staff(user, offer_id)
    if not can_edit_offer(user, offer):
        raise PermissionDenied
    return offer
