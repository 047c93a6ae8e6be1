"""The offer catalogue: offers in the four modules (inform, coach, connect, transfer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Module(models.TextChoices):
    INFORM = "inform", _("Inform")
    COACH = "coach", _("Coach")
    CONNECT = "connect", _("Connect")
    TRANSFER = "transfer", _("Transfer")


class Format(models.TextChoices):
    INFO_EVENT = "info_event", _("Information event")
    WEBINAR = "webinar", _("Webinar")
    WORKSHOP = "workshop", _("Workshop")
    FACTSHEET = "factsheet", _("Factsheet or guide")
    COACHING = "coaching", _("Individual coaching")
    CONSULTATION = "consultation", _("Consultation")
    COMPANY_VISIT = "company_visit", _("Company visit")
    MATCHMAKING = "matchmaking", _("Matchmaking")
    PEER_GROUP = "peer_group", _("Peer group")
    TRANSFER_PROJECT = "transfer_project", _("Transfer project")
    OTHER = "other", _("Other format")


class ProviderKind(models.TextChoices):
    PARTNERS = "partners", _("One or more partner agencies")
    NETWORK = "network", _("The whole network")
    COMPETENCE_HOLDER = "competence_holder", _("A competence holder")


class TargetGroup(models.TextChoices):
    SME = "sme", _("SMEs only")
    ALL = "all", _("All companies")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class OfferQuerySet(models.QuerySet["Offer"]):
    def public(self, today: dt.date | None = None) -> OfferQuerySet:
        """Published offers that are valid today: what the public catalogue shows."""
        today = today or timezone.localdate()
        return self.filter(status=OfferStatus.PUBLISHED).filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        )


class Offer(models.Model):
    slug = models.SlugField(_("web address"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("short summary"), max_length=400)
    # Markdown as entered; description_html is rendered and sanitised by the service on every save.
    description = models.TextField(_("description"), max_length=20000, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    module = models.CharField(_("module"), max_length=20, choices=Module.choices)
    format = models.CharField(_("format"), max_length=30, choices=Format.choices)
    topics = models.ManyToManyField("companies.Topic", related_name="offers", verbose_name=_("topics"))
    provider_kind = models.CharField(_("provided by"), max_length=30, choices=ProviderKind.choices)
    providers = models.ManyToManyField(
        "organisations.Organisation", related_name="offers", blank=True, verbose_name=_("partner agencies")
    )
    competence_holder_name = models.CharField(_("competence holder"), max_length=200, blank=True)
    competence_holder_url = models.URLField(_("competence holder's website"), blank=True)
    # The agency that maintains the offer in the backoffice (the coordination may edit every offer).
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="owned_offers", verbose_name=_("maintained by")
    )
    target_group = models.CharField(_("target group"), max_length=10, choices=TargetGroup.choices, default=TargetGroup.SME)
    effort_hours = models.DecimalField(
        _("effort for the company (hours)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("2000"))],
    )
    is_de_minimis = models.BooleanField(_("counts as de-minimis aid"), default=False)
    de_minimis_value = models.DecimalField(
        _("de-minimis value per company (EUR)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("300000"))],
    )
    after_request = models.TextField(_("what happens after a request"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.DRAFT)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Folded (lower case, umlauts spelled out) title, summary, description and provider for the search.
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    AUDITED_FIELDS = (
        "slug",
        "title",
        "summary",
        "description",
        "module",
        "format",
        "provider_kind",
        "competence_holder_name",
        "competence_holder_url",
        "owner",
        "target_group",
        "effort_hours",
        "is_de_minimis",
        "de_minimis_value",
        "after_request",
        "status",
        "valid_from",
        "valid_until",
    )

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["status", "module", "title"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_from__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="offer_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(is_de_minimis=False) | Q(de_minimis_value__isnull=False), name="offer_de_minimis_value"
            ),
        ]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.title
