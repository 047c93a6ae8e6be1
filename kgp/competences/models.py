"""The competence map: the region's universities, institutes and other competence holders.

A `CompetenceProfile` is one unit (a chair, a lab, an institute's department, a transfer centre, an
expert company, an association) with what it offers to companies. Competence-holder users maintain
the profiles they are members of (`ProfileMember`); the agencies curate all of them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REVIEW_MONTHS = 12


class Kind(models.TextChoices):
    # The keys are the `kind` values of the JSONL import (../shared/data/matching/README.md).
    UNIVERSITY = "university", _("University")
    UAS = "uas", _("University of applied sciences")
    INSTITUTE = "institute", _("Research institute")
    TRANSFER_CENTRE = "transfer_centre", _("Transfer centre")
    COMPANY = "company", _("Expert company")
    ASSOCIATION = "association", _("Association")


class TransferFormat(models.TextChoices):
    CONTRACT_RESEARCH = "contract_research", _("Contract research")
    STUDENT_PROJECT = "student_project", _("Student project")
    THESIS = "thesis", _("Thesis")
    LAB_USE = "lab_use", _("Use of labs and equipment")
    JOINT_PROJECT = "joint_project", _("Joint funded project")
    TRAINING = "training", _("Training")


class Language(models.TextChoices):
    DE = "de", _("German")
    EN = "en", _("English")
    FR = "fr", _("French")
    NL = "nl", _("Dutch")
    ES = "es", _("Spanish")
    IT = "it", _("Italian")
    PL = "pl", _("Polish")
    TR = "tr", _("Turkish")


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def review_cutoff(today: dt.date | None = None) -> dt.date:
    """The day REVIEW_MONTHS months before today: a profile last reviewed before it needs a review.

    29 February falls back to 28 February of the earlier year.
    """
    today = today or timezone.localdate()
    years, months = divmod(REVIEW_MONTHS, 12)
    year, month = today.year - years, today.month - months
    if month < 1:
        year, month = year - 1, month + 12
    day = today.day
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


class SubjectArea(models.Model):
    """A subject area of the competence map (data, loaded by migration 0002; names in German and English)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["name_de"]
        verbose_name = _("subject area")
        verbose_name_plural = _("subject areas")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


class ProfileQuerySet(models.QuerySet["CompetenceProfile"]):
    def published(self) -> ProfileQuerySet:
        return self.filter(status=ProfileStatus.PUBLISHED)

    def needs_review(self, today: dt.date | None = None) -> ProfileQuerySet:
        """Never reviewed, or last reviewed more than REVIEW_MONTHS months ago."""
        return self.filter(Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=review_cutoff(today)))


class CompetenceProfile(models.Model):
    external_id = models.SlugField(_("identifier"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    institution = models.CharField(_("institution"), max_length=200)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="competence_profiles",
        verbose_name=_("municipality"),
    )  # fmt: skip
    description = models.TextField(_("description"), max_length=4000)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    subject_areas = models.ManyToManyField(
        SubjectArea, related_name="profiles", blank=True, verbose_name=_("subject areas")
    )
    equipment_labs = models.TextField(_("equipment and labs"), max_length=3000, blank=True)
    transfer_formats = models.JSONField(_("transfer formats offered"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT)
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    # Kept by the services: the folded name, institution, unit, description and keywords for the
    # search, and the transfer formats as "|key|key|" for the filter (JSON containment is not
    # available on SQLite).
    search_text = models.TextField(editable=False, blank=True)
    formats_index = models.CharField(editable=False, max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    AUDITED_FIELDS = (
        "external_id", "kind", "institution", "unit", "municipality", "description", "keywords", "equipment_labs",
        "transfer_formats", "languages", "status", "reviewed_on",
    )  # fmt: skip

    class Meta:
        ordering = ["institution", "unit", "id"]
        indexes = [
            models.Index(fields=["status", "institution", "unit"], name="competence_status_name"),
            models.Index(fields=["status", "kind", "institution"], name="competence_status_kind"),
            models.Index(fields=["status", "municipality", "institution"], name="competence_status_muni"),
            models.Index(fields=["reviewed_on"], name="competence_reviewed_on"),
            # The matching index asks for the newest change before every search.
            models.Index(fields=["updated_at"], name="competence_updated_at"),
        ]
        verbose_name = _("competence profile")
        verbose_name_plural = _("competence profiles")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """"Institution – unit", or the institution alone."""
        return f"{self.institution} – {self.unit}" if self.unit else self.institution

    def needs_review(self, today: dt.date | None = None) -> bool:
        return self.reviewed_on is None or self.reviewed_on < review_cutoff(today)

    def transfer_format_labels(self) -> list[str]:
        labels = dict(TransferFormat.choices)
        return [str(labels[k]) for k in self.transfer_formats if k in labels]

    def language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(k, k)) for k in self.languages]


class ProfileContact(models.Model):
    """A contact person of a profile. E-mail and phone appear publicly only when `is_public` is set."""

    profile = models.ForeignKey(CompetenceProfile, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("function"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_public = models.BooleanField(
        _("show publicly"), default=False, help_text=_("Show this person's e-mail and phone on the public profile page.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED_FIELDS = ("name", "role", "email", "phone", "is_public")

    class Meta:
        ordering = ["profile", "name", "id"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name


class ProfileMember(models.Model):
    """A competence-holder user who may maintain the profile."""

    profile = models.ForeignKey(CompetenceProfile, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competence_memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["profile", "id"]
        constraints = [models.UniqueConstraint(fields=["profile", "user"], name="competence_member_once")]
        verbose_name = _("profile member")
        verbose_name_plural = _("profile members")

    def __str__(self) -> str:
        return f"{self.user} – {self.profile}"
