"""Forms of the de-minimis ledger, shared by the backoffice and the portal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kgp.catalogue.models import Offer
from kgp.companies.forms import GermanDecimalField


def _money(label: Any) -> forms.DecimalField:
    return GermanDecimalField(
        label=label, min_value=Decimal(0), max_digits=12, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class AidGrantForm(forms.Form):
    required_css_class = "required"
    granted_on = forms.DateField(
        label=_("Date granted"), widget=_DateInput(),
        help_text=_("The day the company acquires the legal right to the aid (for coaching: the day it is agreed)."),
    )  # fmt: skip
    value_eur = _money(_("Value (gross grant equivalent, EUR)"))
    purpose = forms.CharField(label=_("Purpose of the aid"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    offer = forms.ModelChoiceField(
        label=_("Offer"), required=False, queryset=Offer.objects.filter(is_de_minimis=True).order_by("title")
    )
    override_reason = forms.CharField(
        label=_("Decision of the network coordination: reason for granting above the ceiling"),
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only if the ceiling would be exceeded. Leave empty otherwise."),
    )  # fmt: skip

    def __init__(self, *args: Any, may_override: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["override_reason"]


class DeclaredAidForm(forms.Form):
    required_css_class = "required"
    granted_on = forms.DateField(label=_("Date granted"), widget=_DateInput())
    grantor = forms.CharField(label=_("Granting body"), max_length=200)
    amount_eur = _money(_("Amount (EUR)"))
    legal_basis = forms.CharField(
        label=_("Legal basis"), max_length=300,
        help_text=_("For example: Regulation (EU) 2023/2831 (de-minimis), or the programme's guideline."),
    )  # fmt: skip
