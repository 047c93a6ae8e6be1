"""The backoffice's offer form. It validates input only; saving goes through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kgp.accounts.models import User
from kgp.companies.forms import GermanDecimalField, TopicChoiceField
from kgp.companies.models import Topic
from kgp.organisations.models import Organisation

from . import access
from .models import Offer, ProviderKind, TargetGroup
from .services import offer_problems

OFFER_FORM_FIELDS = [
    "title", "slug", "summary", "description", "module", "format", "topics", "provider_kind", "providers",
    "competence_holder_name", "competence_holder_url", "owner", "target_group", "effort_hours", "is_de_minimis",
    "de_minimis_value", "after_request", "status", "valid_from", "valid_until",
]  # fmt: skip
RELATION_FIELDS = ("topics", "providers")

MARKDOWN_HELP = _(
    "Markdown: a blank line starts a new paragraph; **bold**, *italic*; lines starting with “- ” or “1. ” "
    "make a list; “### ” a heading; [text](https://example.org) a link; “> ” a quotation. "
    "Other HTML is removed."
)


class ProviderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class OfferForm(forms.ModelForm):
    required_css_class = "required"
    topics = TopicChoiceField(queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple, label=_("Topics"))
    providers = ProviderChoiceField(
        queryset=Organisation.objects.order_by("-is_lead_partner", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Partner agencies that provide the offer"),
        help_text=_("Only for offers provided by one or more partner agencies."),
    )
    effort_hours = GermanDecimalField(
        label=_("Effort for the company (hours)"), required=False, min_value=Decimal(0), max_value=Decimal(2000),
        max_digits=6, decimal_places=1, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip
    de_minimis_value = GermanDecimalField(
        label=_("De-minimis value per company (EUR)"), required=False, min_value=Decimal(0),
        max_value=Decimal(300000), max_digits=10, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("The market value of the service for one company (e.g. day rate × days)."),
    )  # fmt: skip

    class Meta:
        model = Offer
        fields = OFFER_FORM_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 12}),
            "after_request": forms.Textarea(attrs={"rows": 3}),
            "provider_kind": forms.RadioSelect,
            "target_group": forms.RadioSelect,
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "slug": _("The end of the offer's address in the catalogue. Leave empty to make it from the title."),
            "description": MARKDOWN_HELP,
            "competence_holder_name": _("Only for offers of a competence holder, e.g. a university chair or an institute."),
            "after_request": _("Leave empty for the standard text of the module."),
            "valid_from": _("Empty: valid at once."),
            "valid_until": _("Empty: valid without an end date."),
            "status": _("Only published offers that are valid today appear in the public catalogue."),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        # Radio buttons without the empty "---------" choice.
        self.fields["provider_kind"].choices = ProviderKind.choices
        self.fields["target_group"].choices = TargetGroup.choices
        owners = access.owners_for(user)
        self.fields["owner"].queryset = owners
        self.fields["owner"].help_text = _("The agency that maintains the offer here.")
        if not user.is_coordinator:
            self.fields["owner"].empty_label = None
        if not self.instance.pk:
            self.initial.setdefault("owner", user.organisation_id)
            self.initial.setdefault("provider_kind", ProviderKind.PARTNERS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        probe = Offer(**{k: data.get(k) for k in OFFER_FORM_FIELDS if k not in RELATION_FIELDS and k != "owner"})
        for name, message in offer_problems(probe, providers=data.get("providers") or []):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def validate_unique(self) -> None:
        # The service checks the web address (and makes one from the title when it is empty).
        return None

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in OFFER_FORM_FIELDS and k not in RELATION_FIELDS}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Offer._meta.get_field("status").choices)
