"""The de-minimis ledger (Commission Regulation (EU) 2023/2831): aid granted by the agencies, with its
certificate, and the other de-minimis aid a company declared (the De-minimis-Erklärung).

Records are kept for 10 years from the date of the last aid: the company foreign keys PROTECT, and
companies are merged (made inactive), never deleted, by the services.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AidGrant(models.Model):
    """De-minimis aid granted by a partner agency (free coaching, consulting …), with its certificate."""

    company = models.ForeignKey(
        "companies.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="aid_grants"
    )
    # The date the company acquires the legal right to the aid (for coaching: the date it is agreed).
    granted_on = models.DateField(_("date granted"))
    value_eur = models.DecimalField(
        _("value (gross grant equivalent, EUR)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )  # fmt: skip
    purpose = models.CharField(_("purpose of the aid"), max_length=500)
    offer = models.ForeignKey(
        "catalogue.Offer", verbose_name=_("offer"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("granting agency"), on_delete=models.PROTECT, related_name="+"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consultant"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # DM-<year granted>-<id, five digits>; set by the service right after the insert.
    certificate_number = models.CharField(_("certificate number"), max_length=20, unique=True, null=True)
    exceeds_ceiling = models.BooleanField(_("exceeds the ceiling (decision of the coordination)"), default=False)
    override_reason = models.TextField(_("reason for the decision"), blank=True, max_length=2000)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDITED_FIELDS = (
        "certificate_number", "granted_on", "value_eur", "purpose", "offer", "organisation", "exceeds_ceiling",
        "override_reason",
    )  # fmt: skip

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = _("de-minimis aid granted")
        verbose_name_plural = _("de-minimis aid granted")
        constraints = [
            models.CheckConstraint(condition=models.Q(value_eur__gte=0), name="aid_value_not_negative"),
        ]
        indexes = [models.Index(fields=["company", "granted_on"], name="aid_company_date")]

    def __str__(self) -> str:
        return self.certificate_number or f"DM-{self.pk}"


class DeclaredAid(models.Model):
    """Other de-minimis aid the company declared it received (De-minimis-Erklärung)."""

    class Source(models.TextChoices):
        PORTAL = "portal", _("declared in the company portal")
        BACKOFFICE = "backoffice", _("recorded by the agency")

    company = models.ForeignKey(
        "companies.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="declared_aid"
    )
    granted_on = models.DateField(_("date granted"))
    grantor = models.CharField(_("granting body"), max_length=200)
    amount_eur = models.DecimalField(
        _("amount (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices)
    declared_at = models.DateTimeField(auto_now_add=True)

    AUDITED_FIELDS = ("granted_on", "grantor", "amount_eur", "legal_basis", "source")

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = _("declared de-minimis aid")
        verbose_name_plural = _("declared de-minimis aid")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_eur__gte=0), name="declared_aid_not_negative"),
        ]
        indexes = [models.Index(fields=["company", "granted_on"], name="declared_aid_company_date")]

    def __str__(self) -> str:
        return f"{self.grantor} {self.granted_on.isoformat()}"
