"""Cases (Begleitung): a company's way along the stages of the journey, with activities and tasks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kgp.catalogue.models import Module
from kgp.core.storage import private_storage

# The Transformations-Check dimensions an initial consultation records needs for.
DIMENSIONS = ("resilience", "climate", "smart", "cooperation", "talent")


class Stage(models.Model):
    """A stage of the journey. The list is data (migration 0002 loads the seven stages)."""

    key = models.SlugField(max_length=40, unique=True)
    name_de = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    is_closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


class Case(models.Model):
    """A company accompanied by one agency (the owning agency) and one of its consultants."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="cases")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="cases"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="cases")
    goals = models.TextField(_("goals"), max_length=5000, blank=True)
    offers = models.ManyToManyField("catalogue.Offer", verbose_name=_("offers"), blank=True, related_name="cases")
    created_from = models.ForeignKey(
        "requests.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The date of the latest activity (denormalised for the board and the 60-day rule).
    last_activity_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    AUDITED_FIELDS = ("stage", "consultant", "goals")

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            # The pipeline board reads each stage's longest-silent cases in index order.
            models.Index(fields=["organisation", "stage", "last_activity_on", "id"], name="case_board_idle"),
            models.Index(fields=["stage", "last_activity_on", "id"], name="case_stage_idle"),
            models.Index(fields=["consultant", "stage", "last_activity_on", "id"], name="case_consultant_stage_idle"),
            models.Index(fields=["consultant", "last_activity_on"], name="case_consultant_idle"),
            models.Index(fields=["company", "-opened_at"], name="case_company"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"B-{self.pk:05d}" if self.pk else "B-…"


class StageChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["case", "changed_at"], name="stagechange_case")]


class ActivityKind(models.TextChoices):
    INITIAL_CONSULTATION = "initial_consultation", _("Initial consultation record")
    COACHING = "coaching", _("Coaching session")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    INTRODUCTION = "introduction", _("Introduction")
    MILESTONE = "milestone", _("Transfer project milestone")


class CoachKind(models.TextChoices):
    INTERNAL = "internal", _("Internal coach")
    EXTERNAL = "external", _("External coach")


class Activity(models.Model):
    """Something done for a case. The company is kept beside the case for the company timeline.

    Free texts (notes and the structured texts) are internal: only the owning agency and the
    coordination read them (see access.full_view)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    module = models.CharField(_("module"), max_length=20, choices=Module.choices)
    occurred_on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(_("subject"), max_length=300, blank=True)
    notes = models.TextField(_("internal notes"), max_length=10000, blank=True)
    # Initial consultation record.
    situation = models.TextField(_("situation"), max_length=5000, blank=True)
    needs = models.JSONField(_("needs per check dimension"), default=dict, blank=True)
    next_steps = models.TextField(_("agreed next steps"), max_length=5000, blank=True)
    # Coaching session.
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    coach_kind = models.CharField(_("coach"), max_length=10, choices=CoachKind.choices, blank=True)
    coach_name = models.CharField(_("name of the coach"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    offer = models.ForeignKey(
        "catalogue.Offer", verbose_name=_("offer"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Transfer project milestone.
    milestone_title = models.CharField(_("milestone"), max_length=200, blank=True)
    # The de-minimis aid this activity granted (a coaching session with a value, for instance).
    aid_grant = models.OneToOneField(
        "deminimis.AidGrant",
        verbose_name=_("de-minimis aid"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activity",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["company", "-occurred_on", "-id"], name="activity_timeline"),
            models.Index(fields=["case", "-occurred_on", "-id"], name="activity_case"),
            # The company timeline reads a company's newest activities by the time they were recorded.
            models.Index(fields=["company", "-created_at", "-id"], name="activity_company_recorded"),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d.%m.%Y}"


def _attachment_path(instance: "ActivityAttachment", filename: str) -> str:
    # A random name: the original name is kept in the database, never used on disk.
    return f"activities/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ActivityAttachment(models.Model):
    """A PDF or Office file of an activity, stored outside the web root (kgp.core.storage) and served
    only to those who may read the activity's internal texts (see access.attachment_for_staff)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["assignee", "due_on"], condition=models.Q(done_at__isnull=True), name="task_open_by_assignee"
            ),
            models.Index(fields=["case", "due_on"], name="task_case"),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title


class DigestSent(models.Model):
    """The daily digest e-mail sent to a staff member on a day (makes the job safe to run repeatedly)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day")]
