"""Initial consultations (Erstgespräch): the consultants' availability slots and the companies' bookings.

A slot is booked at most once: `Booking` has a partial unique constraint on the slot for confirmed
bookings, and `services.booking_create` locks the slot row (`select_for_update`) before it checks it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    AT_COMPANY = "at_company", _("At the company")
    AT_AGENCY = "at_agency", _("At the agency")
    ONLINE = "online", _("Online (video call)")


class SlotStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Withdrawn")


class Slot(models.Model):
    """A time a consultant of an agency offers for an initial consultation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="slots"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location_kind = models.CharField(_("location"), max_length=12, choices=LocationKind.choices)
    location_detail = models.CharField(_("location details"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SlotStatus.choices, default=SlotStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED_FIELDS = ("starts_at", "ends_at", "location_kind", "location_detail", "status")

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["organisation", "status", "starts_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start")]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"

    @property
    def is_bookable(self) -> bool:
        return self.status == SlotStatus.OPEN and self.starts_at > timezone.now()


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)


class Booking(models.Model):
    """A company's initial consultation in a slot. Moving it keeps the row (and the calendar UID)
    and changes its slot; `sequence` counts the changes for the calendar file."""

    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="bookings")
    request = models.ForeignKey(
        "requests.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    topic = models.CharField(_("topic"), max_length=300)
    participants = models.CharField(_("participants"), max_length=500, blank=True)
    location_kind = models.CharField(_("location"), max_length=12, choices=LocationKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("e-mail"))
    language = models.CharField(max_length=5, default="de")
    manage_token = models.CharField(max_length=64, unique=True, default=new_manage_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    sequence = models.PositiveIntegerField(default=0)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    AUDITED_FIELDS = ("slot", "status", "topic", "location_kind")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-created_at"]),
            models.Index(fields=["status", "reminder_sent_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=Q(status="confirmed"), name="booking_one_confirmed_per_slot"
            )
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return _("Initial consultation %(when)s") % {"when": str(self.slot)}

    @property
    def is_active(self) -> bool:
        return self.status == BookingStatus.CONFIRMED and self.slot.starts_at > timezone.now()
