"""The Baukasten: the offers a visitor collects before sending them as one request.

- Anonymous visitors (and logged-in users who are not company users) keep their package in the
  session: a list of [offer id, note] pairs under SESSION_KEY.
- Company users keep theirs in the account (`PackageItem`), so it is there on every device.
- When a visitor logs in as a company user, the session package is merged into the account: on the
  `user_logged_in` signal, and lazily on the next package access if the signal did not run (an
  account created and logged in by another path). An offer that is in both keeps the account's note
  unless that one is empty.

Only public offers (published and valid today) can be added. An offer archived (or expired) after it
was added stays in the package, shown as no longer available, and is not sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Offer
from kgp.core.ids import parse_id

from .models import PackageItem

SESSION_KEY = "package"
MAX_ITEMS = 50
MAX_NOTE = 1000

# Control characters other than line breaks and tabs (a NUL byte cannot be stored in PostgreSQL).
_NOTE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_note(note: Any) -> str:
    """A note without control characters (line breaks are kept), stripped (not yet cut to MAX_NOTE)."""
    text = note if isinstance(note, str) else ""
    return _NOTE_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


@dataclass(frozen=True)
class Entry:
    offer: Offer
    note: str
    available: bool


def uses_account(user: Any) -> bool:
    """Company users keep the package in their account; everyone else in the session."""
    return bool(getattr(user, "is_authenticated", False) and user.role == Role.COMPANY)


def _session_items(request: HttpRequest) -> list[list[Any]]:
    raw = request.session.get(SESSION_KEY) or []
    items: list[list[Any]] = []
    seen: set[int] = set()
    for pair in raw if isinstance(raw, list) else []:
        try:
            offer_id, note = parse_id(pair[0]), clean_note(str(pair[1] or ""))[:MAX_NOTE]
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if offer_id is not None and offer_id not in seen:
            seen.add(offer_id)
            items.append([offer_id, note])
    return items


def _store_session(request: HttpRequest, items: list[list[Any]]) -> None:
    if items:
        request.session[SESSION_KEY] = items
    else:
        request.session.pop(SESSION_KEY, None)


def _clean_note(note: str) -> str:
    return clean_note(note)[:MAX_NOTE]


def merge_session_into_account(request: HttpRequest, user: User) -> int:
    """Move the session package into the company user's account; returns how many offers were added."""
    items = _session_items(request) if hasattr(request, "session") else []
    if not items or not uses_account(user):
        return 0
    added = 0
    with transaction.atomic():
        existing = {i.offer_id: i for i in PackageItem.objects.select_for_update().filter(user=user)}
        offer_ids = set(Offer.objects.filter(pk__in=[i[0] for i in items]).values_list("pk", flat=True))
        for offer_id, note in items:
            if offer_id not in offer_ids:
                continue
            current = existing.get(offer_id)
            if current is None:
                if len(existing) + added >= MAX_ITEMS:
                    break
                PackageItem.objects.create(user=user, offer_id=offer_id, note=note)
                added += 1
            elif note and not current.note:
                current.note = note
                current.save(update_fields=["note"])
    request.session.pop(SESSION_KEY, None)
    return added


def _merge_if_needed(request: HttpRequest) -> None:
    if uses_account(request.user) and request.session.get(SESSION_KEY):
        merge_session_into_account(request, request.user)  # type: ignore[arg-type]


def entries(request: HttpRequest) -> list[Entry]:
    """The package's offers in the order they were added, each marked available or not."""
    _merge_if_needed(request)
    if uses_account(request.user):
        rows = list(PackageItem.objects.filter(user=request.user).select_related("offer"))
        pairs = [(r.offer, r.note) for r in rows]
    else:
        items = _session_items(request)
        offers = Offer.objects.in_bulk([i[0] for i in items])
        pairs = [(offers[i[0]], i[1]) for i in items if i[0] in offers]
    public_ids = set(Offer.objects.public().filter(pk__in=[o.pk for o, _ in pairs]).values_list("pk", flat=True))
    return [Entry(offer=o, note=note, available=o.pk in public_ids) for o, note in pairs]


def count(request: HttpRequest) -> int:
    """Offers in the package (available or not), for the header. One query for company users."""
    if uses_account(request.user):
        extra = len(_session_items(request)) if request.session.get(SESSION_KEY) else 0
        return PackageItem.objects.filter(user=request.user).count() + extra
    return len(_session_items(request))


def offer_ids(request: HttpRequest) -> set[int]:
    """Ids of the offers in the package (to mark "in your package" on catalogue pages)."""
    _merge_if_needed(request)
    if uses_account(request.user):
        return set(PackageItem.objects.filter(user=request.user).values_list("offer_id", flat=True))
    return {i[0] for i in _session_items(request)}


class PackageFull(Exception):
    pass


def add(request: HttpRequest, offer: Offer, note: str = "") -> bool:
    """Add a public offer (the caller checks that it is public). False if it was there already."""
    _merge_if_needed(request)
    note = _clean_note(note)
    if uses_account(request.user):
        if PackageItem.objects.filter(user=request.user, offer=offer).exists():
            return False
        if PackageItem.objects.filter(user=request.user).count() >= MAX_ITEMS:
            raise PackageFull
        try:
            with transaction.atomic():
                PackageItem.objects.create(user=request.user, offer=offer, note=note)
        except IntegrityError:  # added at the same moment in another tab
            return False
        return True
    items = _session_items(request)
    if any(i[0] == offer.pk for i in items):
        return False
    if len(items) >= MAX_ITEMS:
        raise PackageFull
    items.append([offer.pk, note])
    _store_session(request, items)
    return True


def remove(request: HttpRequest, offer_id: int) -> bool:
    _merge_if_needed(request)
    if parse_id(offer_id) is None:
        return False
    if uses_account(request.user):
        deleted, _ = PackageItem.objects.filter(user=request.user, offer_id=offer_id).delete()
        return bool(deleted)
    items = _session_items(request)
    kept = [i for i in items if i[0] != offer_id]
    _store_session(request, kept)
    return len(kept) != len(items)


def set_notes(request: HttpRequest, notes: dict[int, str]) -> int:
    """Save the notes of offers in the package (others are ignored); returns how many changed."""
    _merge_if_needed(request)
    notes = {offer_id: _clean_note(note) for offer_id, note in notes.items() if parse_id(offer_id) is not None}
    changed = 0
    if uses_account(request.user):
        for item in PackageItem.objects.filter(user=request.user, offer_id__in=list(notes)):
            if item.note != notes[item.offer_id]:
                item.note = notes[item.offer_id]
                item.save(update_fields=["note"])
                changed += 1
        return changed
    items = _session_items(request)
    for item in items:
        if item[0] in notes and item[1] != notes[item[0]]:
            item[1] = notes[item[0]]
            changed += 1
    _store_session(request, items)
    return changed


def clear(request: HttpRequest) -> None:
    """Empty the package after it was sent (offers no longer available go too: they were not sent)."""
    if uses_account(request.user):
        PackageItem.objects.filter(user=request.user).delete()
    request.session.pop(SESSION_KEY, None)


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Signal receiver: a company user who logs in takes the package collected before along."""
    if request is not None and hasattr(request, "session"):
        merge_session_into_account(request, user)
