"""The one access layer for events and registrations.

- the public: published and cancelled events (drafts answer 404); a registration only through its
  unguessable link (token);
- company users: their own registrations (by account) in the portal;
- staff: every published or cancelled event and the drafts of their agency; the organising agencies'
  staff and the coordination manage an event (change it, add, cancel and check in participants:
  consultants; read-only staff read); participant lists of other agencies' events are not shown
  (404): they are personal data of the organisers' events;
- anybody else: nothing. What a user may not see answers 404, never 403.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kgp.accounts.models import Role, User
from kgp.core.ids import parse_id

from .models import Event, EventStatus, Registration


def _pk(value: int | str) -> int:
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk


def public_events() -> QuerySet[Event]:
    return Event.objects.filter(status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED))


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,120}")
TOKEN = re.compile(r"[-a-zA-Z0-9_]{20,64}")


def public_event(slug: str) -> Event:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise Http404  # also keeps NUL bytes away from PostgreSQL
    event = (
        public_events()
        .select_related("municipality", "co_organiser", "offer")
        .prefetch_related("topics", "organisations")
        .filter(slug=slug)
        .first()
    )
    if event is None:
        raise Http404
    return event


def registration_by_token(token: str) -> Registration:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise Http404
    registration = Registration.objects.select_related("event", "event__municipality").filter(token=token).first()
    if registration is None or registration.event.status == EventStatus.DRAFT:
        raise Http404
    return registration


def registrations_for_user(user: User) -> QuerySet[Registration]:
    """A company user's own registrations."""
    if not (user.is_authenticated and user.role == Role.COMPANY):
        return Registration.objects.none()
    return Registration.objects.filter(user=user).select_related("event")


def _is_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff_member)


def events_for_staff(user: User) -> QuerySet[Event]:
    if not _is_staff(user):
        return Event.objects.none()
    if user.role == Role.COORDINATOR:
        return Event.objects.all()
    return Event.objects.filter(
        Q(status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED)) | Q(organisations=user.organisation_id)
    ).distinct()


def event_for_staff(user: User, event_id: int | str) -> Event:
    event = (
        events_for_staff(user)
        .select_related("municipality", "co_organiser", "offer")
        .prefetch_related("organisations", "topics")
        .filter(pk=_pk(event_id))
        .first()
    )
    if event is None:
        raise Http404
    return event


def is_organiser(user: User, event: Event) -> bool:
    """The coordination, or staff of one of the organising agencies."""
    if not _is_staff(user):
        return False
    if user.role == Role.COORDINATOR:
        return True
    return event.organisations.filter(pk=user.organisation_id).exists()


def can_manage(user: User, event: Event) -> bool:
    return bool(user.is_authenticated and user.can_edit_crm and is_organiser(user, event))


def event_for_staff_manage(user: User, event_id: int | str) -> Event:
    """An event the user may change: 404 if invisible, 403 if only readable."""
    event = event_for_staff(user, event_id)
    if not can_manage(user, event):
        raise PermissionDenied
    return event


def event_for_participants(user: User, event_id: int | str) -> Event:
    """An event whose participants the user may read (organisers' staff incl. read-only), or 404."""
    event = event_for_staff(user, event_id)
    if not is_organiser(user, event):
        raise Http404
    return event


def registration_for_staff(user: User, event: Event, registration_id: int | str) -> Registration:
    """A registration of an event whose participants the user may read (the caller checked the event)."""
    registration = event.registrations.filter(pk=_pk(registration_id)).select_related("company").first()
    if registration is None:
        raise Http404
    return registration
