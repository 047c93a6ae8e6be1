"""The Baukasten (a company user's package of offers) and the requests sent to the agencies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PackageItem(models.Model):
    """An offer in a company user's package. Anonymous visitors keep theirs in the session."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="package_items")
    offer = models.ForeignKey("catalogue.Offer", on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=1000, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "offer"], name="package_item_once")]


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    CONSULTATION_AGREED = "consultation_agreed", _("Initial consultation agreed")
    CLOSED = "closed", _("Closed")


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video call")
    ON_SITE = "on_site", _("Visit at our company")


class Request(models.Model):
    """A company's package sent to its responsible agency (outside the region: the coordination)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="requests")
    # The responsible agency when sent; empty = the network coordination (company outside the region).
    partner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("e-mail"))
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    message = models.TextField(_("message"), max_length=5000, blank=True)
    preferred_channel = models.CharField(_("preferred contact channel"), max_length=10, choices=ContactChannel.choices)
    preferred_time = models.CharField(_("preferred time"), max_length=200, blank=True)
    # The company data as an anonymous sender entered it (with the employees band, which the company
    # record does not hold). When the request was matched to an existing company record, the record is
    # never written over: the consultant compares the two in the backoffice.
    submitted_company = models.JSONField(default=dict, blank=True)
    matched_existing = models.BooleanField(_("matched to an existing company record"), default=False)
    # Ids of existing companies that looked similar when a new company was created for the request
    # (several candidates, none clearly the same): the consultant checks them and merges if needed.
    possible_duplicates = models.JSONField(default=list, blank=True)
    consent = models.ForeignKey("companies.Consent", on_delete=models.PROTECT, related_name="+")
    check_result = models.ForeignKey(
        "assessment.CheckResult", on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=20, default="portal")  # "portal" (logged in), "public" (anonymous), "api"
    language = models.CharField(max_length=5, default="de")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    AUDITED_FIELDS = ("status", "partner")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "status", "-created_at"]),
            models.Index(fields=["company", "-created_at"]),
        ]
        verbose_name = _("request")
        verbose_name_plural = _("requests")

    def __str__(self) -> str:
        return _("Request %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        if not (self.created_at and self.pk):
            return "A-…"
        return f"A-{timezone.localtime(self.created_at):%Y}-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.status != RequestStatus.CLOSED


OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.CONSULTATION_AGREED)


class EmployeesBand(models.TextChoices):
    """How many people work at the company, as an anonymous sender states it (no figures needed)."""

    MICRO = "1-9", _("1 to 9")
    SMALL = "10-49", _("10 to 49")
    MEDIUM = "50-249", _("50 to 249")
    LARGE = "250+", _("250 or more")


class RequestItem(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="items")
    offer = models.ForeignKey("catalogue.Offer", on_delete=models.PROTECT, related_name="request_items")
    # The title as it was when requested.
    offer_title = models.CharField(max_length=200)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["request", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "offer"], name="request_item_once")]
