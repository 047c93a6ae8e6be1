"""The five partner agencies, their municipalities and the postcode mapping (kept as data)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A partner agency (Wirtschaftsförderung). The lead partner runs the network coordination."""

    key = models.SlugField(_("key"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60)
    area = models.CharField(_("area"), max_length=200, blank=True)
    is_lead_partner = models.BooleanField(_("lead partner"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_lead_partner"], condition=models.Q(is_lead_partner=True), name="one_lead_partner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="municipalities")
    lat = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    lon = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class PostcodeRange(models.Model):
    """An inclusive range of five-digit postcodes belonging to one municipality."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="postcode_ranges")
    first = models.CharField(_("first postcode"), max_length=5)
    last = models.CharField(_("last postcode"), max_length=5)

    class Meta:
        ordering = ["first"]
        indexes = [models.Index(fields=["first", "last"])]
        constraints = [models.CheckConstraint(condition=models.Q(first__lte=models.F("last")), name="postcode_range_ordered")]

    def __str__(self) -> str:
        return f"{self.first}–{self.last} {self.municipality}"
