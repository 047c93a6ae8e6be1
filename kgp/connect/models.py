"""The connect module: needs (Bedarfe), company profiles for peer exchange and supply, introductions
with double opt-in, and the synonym list of the matching engine.

A `Need` belongs to a company and is scoped to its owning agency like a case. An `Introduction` puts
the company in touch with a competence holder (a `CompetenceProfile`) or with another company; the
contact details of both sides become visible only after both sides agreed. Each introduction is an
activity of the company's case (connect module); `IntroductionEvent` keeps its states over time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SynonymList(models.Model):
    """A version of the matching engine's synonym list; the newest one is in force. The network
    coordination edits it in the backoffice; the first version is the default list of the engine."""

    text = models.TextField(_("synonym groups"), max_length=200_000)
    groups = models.PositiveIntegerField(default=0)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("synonym list")
        verbose_name_plural = _("synonym lists")

    def __str__(self) -> str:
        return _("Synonym list version %(number)s") % {"number": self.pk}


class CompanyProfile(models.Model):
    """What a company tells the network for peer exchange and as a possible supplier.

    Only companies with a profile take part in company matching; `peer_exchange` and `supplier`
    say whether the company may be suggested to other companies (consultants see every profile of
    the companies they may read)."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="connect_profile")
    challenges = models.TextField(_("current challenges"), max_length=3000, blank=True)
    capabilities = models.TextField(_("what the company can do for others"), max_length=3000, blank=True)
    processes = models.JSONField(_("processes"), default=list, blank=True)
    materials = models.JSONField(_("materials"), default=list, blank=True)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    peer_exchange = models.BooleanField(_("open to exchange with other companies"), default=False)
    supplier = models.BooleanField(_("may be suggested as a regional supplier"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    AUDITED_FIELDS = ("challenges", "capabilities", "processes", "materials", "certifications", "peer_exchange", "supplier")

    class Meta:
        verbose_name = _("company profile for exchange and supply")
        verbose_name_plural = _("company profiles for exchange and supply")

    def __str__(self) -> str:
        return str(self.company)


class NeedKind(models.TextChoices):
    COMPETENCE = "competence", _("Competence holder (university, institute, expert)")
    PEER = "peer", _("Companies with similar challenges")
    SUPPLIER = "supplier", _("Regional supplier")


class NeedSource(models.TextChoices):
    COMPANY = "company", _("Entered by the company")
    CONSULTANT = "consultant", _("Entered by the consultant")
    CHECK = "check", _("Proposed from a Transformations-Check")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Need(models.Model):
    """A company's need (Bedarf): what it looks for, in its own words."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="needs")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="needs"
    )
    kind = models.CharField(_("looking for"), max_length=20, choices=NeedKind.choices, default=NeedKind.COMPETENCE)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description of the need"), max_length=4000)
    topics = models.JSONField(_("topics"), default=list, blank=True)  # companies.Topic keys
    formats = models.JSONField(_("preferred transfer formats"), default=list, blank=True)  # TransferFormat keys
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=NeedSource.choices)
    check_result = models.ForeignKey(
        "assessment.CheckResult", on_delete=models.SET_NULL, null=True, blank=True, related_name="needs"
    )
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    AUDITED_FIELDS = ("kind", "title", "text", "topics", "formats", "municipality", "status")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at"], name="need_agency"),
            models.Index(fields=["company", "-created_at"], name="need_company"),
        ]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        return f"BD-{self.pk:05d}" if self.pk else "BD-…"


class IntroductionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for consent")
    ACCEPTED = "accepted", _("Both sides agreed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Agreed")
    DECLINED = "declined", _("Declined")


class Introduction(models.Model):
    """A proposed contact between a company and a competence holder or another company.

    Double opt-in: the company side and the other side each agree (`company_decision`,
    `target_decision`); the contact persons (`company_person`, `target_person`, kept when a side
    agrees) are shown to the other side only when the status is `accepted`."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="introductions")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="introductions"
    )
    need = models.ForeignKey(Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="introductions")
    profile = models.ForeignKey(
        "competences.CompetenceProfile",
        verbose_name=_("competence holder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="introductions",
    )
    target_company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="introductions_received",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NeedKind.choices)
    message = models.TextField(_("why this contact"), max_length=2000)
    reasons = models.JSONField(default=list, blank=True)  # the engine's reasons when it was proposed
    case = models.ForeignKey("journey.Case", on_delete=models.PROTECT, related_name="introductions")
    activity = models.OneToOneField(
        "journey.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="introduction"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IntroductionStatus.choices, default=IntroductionStatus.PROPOSED
    )
    company_decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    target_decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    # {"name", "function", "email", "phone"}: filled when the side agrees, shown after both agreed.
    company_person = models.JSONField(default=dict, blank=True)
    target_person = models.JSONField(default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at"], name="intro_agency"),
            models.Index(fields=["company", "-created_at"], name="intro_company"),
            models.Index(fields=["profile", "status"], name="intro_profile"),
            models.Index(fields=["target_company", "status"], name="intro_target_company"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(profile__isnull=False, target_company__isnull=True)
                           | models.Q(profile__isnull=True, target_company__isnull=False)),
                name="intro_one_target",
            ),
        ]  # fmt: skip
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return _("Introduction %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"VM-{self.pk:05d}" if self.pk else "VM-…"

    @property
    def target_name(self) -> str:
        if self.profile_id:
            return self.profile.name
        return self.target_company.name if self.target_company_id else ""

    @property
    def contacts_visible(self) -> bool:
        return self.status == IntroductionStatus.ACCEPTED


class IntroductionEvent(models.Model):
    """One step of an introduction: proposed, agreed or declined by a side, withdrawn."""

    class What(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        COMPANY_ACCEPTED = "company_accepted", _("the company agreed")
        COMPANY_DECLINED = "company_declined", _("the company declined")
        TARGET_ACCEPTED = "target_accepted", _("the contacted side agreed")
        TARGET_DECLINED = "target_declined", _("the contacted side declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="events")
    what = models.CharField(max_length=20, choices=What.choices)
    status = models.CharField(max_length=20, choices=IntroductionStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    on_behalf = models.BooleanField(default=False)  # recorded by staff for the side
    note = models.CharField(max_length=500, blank=True)
    consent_text = models.TextField(blank=True)  # the text the side agreed to

    class Meta:
        ordering = ["at", "id"]
