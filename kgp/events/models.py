"""Events of the inform and exchange modules: information events, webinars, workshops, company visits,
peer rounds and matchmaking days, with registration, capacity, a waiting list, check-in and feedback.

A `Registration` moves through an explicit state machine (`TRANSITIONS`): a guest's registration
waits for the e-mail confirmation (`pending`); a confirmed one takes a seat (`registered`) or joins
the waiting list (`waitlisted`); a freed seat is offered to the first on the list for a limited time
(`offered`); on the day, staff check people in (`attended`) or mark them absent (`no_show`).
Seats are held by registered, offered, attended and no-show registrations. `services` lock the event
row before they count seats, and a partial unique constraint keeps one active registration per
e-mail address and event, so the event is never overbooked and nobody registered twice.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kgp.catalogue.models import Module


class EventKind(models.TextChoices):
    INFORMATION = "information", _("Information event")
    WEBINAR = "webinar", _("Webinar")
    WORKSHOP = "workshop", _("Workshop")
    COMPANY_VISIT = "company_visit", _("Company visit")
    PEER_ROUND = "peer_round", _("Peer round")
    MATCHMAKING = "matchmaking", _("Matchmaking day")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Event(models.Model):
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    module = models.CharField(_("module"), max_length=20, choices=Module.choices, default=Module.INFORM)
    topics = models.ManyToManyField("companies.Topic", verbose_name=_("topics"), blank=True, related_name="events")
    organisations = models.ManyToManyField(
        "organisations.Organisation", verbose_name=_("organising agencies"), related_name="events"
    )
    co_organiser = models.ForeignKey(
        "competences.CompetenceProfile",
        verbose_name=_("co-organising competence holder"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    summary = models.CharField(_("short description"), max_length=300)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    online = models.BooleanField(_("online event"), default=False)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address of the venue"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality", verbose_name=_("municipality"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    online_url = models.URLField(
        _("online link"), max_length=500, blank=True, help_text=_("Shown only to confirmed participants.")
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    max_per_company = models.PositiveSmallIntegerField(_("maximum participants per company"), null=True, blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    offer = models.ForeignKey(
        "catalogue.Offer", verbose_name=_("offer"), on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    # Extra questions of the registration form: [{"key", "label", "kind": "text"|"choice"|"yes_no",
    # "choices": [...], "required": bool}].
    questions = models.JSONField(_("extra questions"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT)
    sequence = models.PositiveIntegerField(default=0)  # calendar files: raised on every change of time or place
    reminders_sent_at = models.DateTimeField(null=True, blank=True)
    feedback_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED_FIELDS = (
        "title", "kind", "module", "co_organiser", "summary", "description", "starts_at", "ends_at", "online", "venue",
        "address", "municipality", "online_url", "capacity", "registration_opens_at", "registration_closes_at",
        "max_per_company", "target_group", "offer", "questions", "status",
    )  # fmt: skip

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            models.Index(fields=["module", "status", "starts_at"], name="event_module_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    def registration_state(self, now=None) -> str:
        """"open", "not_yet", "closed", "past", "cancelled" or "draft"."""
        now = now or timezone.now()
        if self.status == EventStatus.CANCELLED:
            return "cancelled"
        if self.status != EventStatus.PUBLISHED:
            return "draft"
        if self.starts_at <= now:
            return "past"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if self.registration_closes_at and now >= self.registration_closes_at:
            return "closed"
        return "open"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for e-mail confirmation")
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Seat offered")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")


S = RegistrationStatus
# The state machine: which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.REGISTERED, S.WAITLISTED, S.CANCELLED}),
    S.REGISTERED: frozenset({S.CANCELLED, S.ATTENDED, S.NO_SHOW}),
    S.WAITLISTED: frozenset({S.OFFERED, S.CANCELLED, S.REGISTERED}),
    S.OFFERED: frozenset({S.REGISTERED, S.CANCELLED}),
    S.ATTENDED: frozenset({S.NO_SHOW, S.REGISTERED}),  # corrections on the day
    S.NO_SHOW: frozenset({S.ATTENDED, S.REGISTERED}),
    S.CANCELLED: frozenset(),
}
# Statuses that hold a seat; statuses of an active registration (one per e-mail address and event).
SEAT_STATUSES = (S.REGISTERED, S.OFFERED, S.ATTENDED, S.NO_SHOW)
ACTIVE_STATUSES = (S.PENDING, S.REGISTERED, S.WAITLISTED, S.OFFERED, S.ATTENDED, S.NO_SHOW)


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    email = models.EmailField(_("e-mail"))  # lower case
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    company_name = models.CharField(_("company"), max_length=200)
    function = models.CharField(_("function"), max_length=150, blank=True)
    company = models.ForeignKey(
        "companies.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="event_registrations"
    )
    company_key = models.CharField(max_length=200, editable=False, default="")  # folded name, for the per-company limit
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="event_registrations"
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)  # the confirmation and manage link
    language = models.CharField(max_length=10, default="de")
    offered_until = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    feedback_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["event", "status", "created_at", "id"], name="registration_queue"),
            models.Index(fields=["status", "offered_until"], name="registration_offers"),
            models.Index(fields=["company", "status"], name="registration_company"),
            models.Index(fields=["event", "last_name", "first_name"], name="registration_names"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], condition=Q(status__in=ACTIVE_STATUSES), name="registration_one_per_email"
            ),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.name} ({self.company_name})"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_STATUSES

    @property
    def is_confirmed_participant(self) -> bool:
        """May see the online link."""
        return self.status in (S.REGISTERED, S.ATTENDED)


class RegistrationChange(models.Model):
    """One transition of a registration (the state machine's history)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=12, choices=RegistrationStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Feedback(models.Model):
    """The short survey after the event (attended registrations only; one per registration)."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_5")]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
