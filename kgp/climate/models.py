"""Emission factors as versioned data (issue 7): a factor set per year of validity and source.

A published set never changes: the coordination copies it to a draft, edits the draft and publishes
it (`services.py`). The current set is the newest published one. Values refer to the net calorific
value (Heizwert, Hi); see ../shared/domain/emission-factors.md.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Carrier(models.TextChoices):
    NATURAL_GAS = "natural_gas", _("Natural gas")
    HEATING_OIL_LIGHT = "heating_oil_light", _("Light heating oil")
    HEATING_OIL_HEAVY = "heating_oil_heavy", _("Heavy heating oil")
    LPG = "lpg", _("Liquefied petroleum gas")
    HARD_COAL = "hard_coal", _("Hard coal")
    LIGNITE = "lignite", _("Lignite")
    WOOD = "wood", _("Wood")
    WOOD_PELLETS = "wood_pellets", _("Wood pellets")
    BIOGAS = "biogas", _("Biogas")
    DIESEL = "diesel", _("Diesel")
    PETROL = "petrol", _("Petrol")
    DISTRICT_HEAT = "district_heat", _("District heating")
    ELECTRICITY = "electricity", _("Electricity")


FACTOR_DIGITS = {"max_digits": 12, "decimal_places": 6}


class FactorSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(_("name"), max_length=120, unique=True)
    valid_year = models.PositiveSmallIntegerField(_("year of validity"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source_note = models.TextField(_("source note"), blank=True, max_length=4000)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("emission factor set")

    def __str__(self) -> str:
        return self.name


class CarrierFactor(models.Model):
    factor_set = models.ForeignKey(FactorSet, on_delete=models.CASCADE, related_name="carriers")
    code = models.CharField(_("energy carrier"), max_length=30, choices=Carrier.choices)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    scope = models.PositiveSmallIntegerField(_("scope"), choices=[(1, "Scope 1"), (2, "Scope 2")])
    # kg CO2 per kWh (Hi); empty for electricity, whose factor depends on the year (ElectricityFactor).
    kg_per_kwh = models.DecimalField(_("kg CO2 per kWh"), null=True, blank=True, **FACTOR_DIGITS)
    source = models.TextField(_("source"), max_length=2000)
    hs_hi_ratio = models.DecimalField(_("ratio Hs/Hi"), null=True, blank=True, max_digits=6, decimal_places=4)
    hs_hi_source = models.TextField(_("source of the ratio Hs/Hi"), blank=True, max_length=2000)
    litre_kwh = models.DecimalField(_("kWh (Hi) per litre"), null=True, blank=True, max_digits=8, decimal_places=4)
    litre_source = models.TextField(_("source of the litre conversion"), blank=True, max_length=2000)

    class Meta:
        ordering = ["factor_set", "id"]
        constraints = [models.UniqueConstraint(fields=["factor_set", "code"], name="climate_one_factor_per_carrier")]
        verbose_name = _("energy carrier factor")

    def __str__(self) -> str:
        return f"{self.factor_set}: {self.code}"


class ElectricityFactor(models.Model):
    factor_set = models.ForeignKey(FactorSet, on_delete=models.CASCADE, related_name="electricity")
    year = models.PositiveSmallIntegerField(_("year"))
    kg_per_kwh = models.DecimalField(_("kg CO2 per kWh"), **FACTOR_DIGITS)
    source = models.TextField(_("source"), max_length=2000)

    class Meta:
        ordering = ["factor_set", "year"]
        constraints = [models.UniqueConstraint(fields=["factor_set", "year"], name="climate_one_grid_factor_per_year")]
        verbose_name = _("electricity factor")

    def __str__(self) -> str:
        return f"{self.factor_set}: {self.year}"


class Scope3Factor(models.Model):
    factor_set = models.ForeignKey(FactorSet, on_delete=models.CASCADE, related_name="scope3")
    key = models.SlugField(_("key"), max_length=40)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    unit = models.CharField(_("unit"), max_length=10, default="km")
    kg_per_unit = models.DecimalField(_("kg CO2 per unit"), **FACTOR_DIGITS)
    source = models.TextField(_("source"), max_length=2000)

    class Meta:
        ordering = ["factor_set", "key"]
        constraints = [models.UniqueConstraint(fields=["factor_set", "key"], name="climate_one_scope3_factor_per_key")]
        verbose_name = _("Scope 3 factor")

    def __str__(self) -> str:
        return f"{self.factor_set}: {self.key}"


def new_footprint_token() -> str:
    return secrets.token_urlsafe(32)


class Footprint(models.Model):
    """A stored result of the quick check. `result` holds the calculation as it was (totals, lines with
    factor and source, notes), so publishing a new factor set never changes it. Anonymous results have
    no company and are reachable only by their unguessable token."""

    token = models.CharField(max_length=64, unique=True, default=new_footprint_token, editable=False)
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="footprints", verbose_name=_("company")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    factor_set = models.ForeignKey(FactorSet, on_delete=models.PROTECT, related_name="footprints", verbose_name=_("emission factor set"))
    inputs = models.JSONField(_("inputs"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    employees = models.DecimalField(_("employees"), null=True, blank=True, max_digits=9, decimal_places=1)
    turnover_eur = models.DecimalField(_("turnover (EUR)"), null=True, blank=True, max_digits=15, decimal_places=2)
    shared_with_agency = models.BooleanField(_("shared with the agency"), default=False)
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-year", "-created_at"], name="climate_fp_company_year")]
        verbose_name = _("CO2 footprint")

    def __str__(self) -> str:
        return f"{self.company or '-'}: {self.year}"
