"""Forms for companies, shared by the backoffice and the company portal. They validate input only;
saving goes through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import WZ_CODE_VALIDATOR, Company, Contact, Holding, Topic
from .parsing import normalise_court, normalise_register_number, parse_decimal, parse_wz_code

COMPANY_FORM_FIELDS = [
    "name", "legal_form", "register_court", "register_number", "street", "postcode", "city", "sector_code",
    "website", "email", "phone", "description", "is_autonomous", "public_control_25",
]  # fmt: skip


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Topic) -> str:
        return str(obj)


class CompanyForm(forms.ModelForm):
    required_css_class = "required"
    topics = TopicChoiceField(
        queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Topics of interest")
    )

    class Meta:
        model = Company
        fields = COMPANY_FORM_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "postcode": _("The postcode of the (main) site decides the municipality and the responsible agency."),
            "sector_code": _("WZ 2008 / NACE code, e.g. C25.62."),
            "register_number": _("e.g. HRB 12345"),
        }

    def clean_sector_code(self) -> str:
        value = (self.cleaned_data.get("sector_code") or "").strip()
        if not value:
            return ""
        code = parse_wz_code(value)
        if code is None:
            raise forms.ValidationError(WZ_CODE_VALIDATOR.message)
        return code

    def clean_register_number(self) -> str:
        value = (self.cleaned_data.get("register_number") or "").strip()
        return (normalise_register_number(value) or " ".join(value.upper().split())) if value else ""

    def clean_register_court(self) -> str:
        return normalise_court(self.cleaned_data.get("register_court") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("register_number") and not data.get("register_court"):
            self.add_error("register_court", _("Please enter the register court for the register number."))
        return data

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in COMPANY_FORM_FIELDS}

    def validate_unique(self) -> None:
        # Uniqueness of the register entry is checked by the service (with a clear message).
        return None


class ContactForm(forms.ModelForm):
    required_css_class = "required"
    consent_contact = forms.BooleanField(required=False, label=_("Agrees to be contacted"))

    class Meta:
        model = Contact
        fields = ["salutation", "first_name", "last_name", "function", "email", "phone", "legal_basis", "purpose"]


class NoteForm(forms.Form):
    required_css_class = "required"
    text = forms.CharField(label=pgettext_lazy("timeline note", "Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class GermanDecimalField(forms.DecimalField):
    """A number as German users type it: "12,5", "1.250.000,50" or "1250000.50"."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and value.strip():
            try:
                value = parse_decimal(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


def _money_field(label: Any, required: bool = False) -> forms.DecimalField:
    return GermanDecimalField(
        label=label, required=required, min_value=Decimal(0), max_value=Decimal("1000000000000"), max_digits=15,
        decimal_places=2, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip


def _staff_field(label: Any) -> forms.DecimalField:
    return GermanDecimalField(
        label=label, min_value=Decimal(0), max_value=Decimal(1000000), max_digits=9, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip


class FiguresForm(forms.Form):
    required_css_class = "required"
    year = forms.IntegerField(label=_("Financial year"), min_value=1990)
    staff_awu = _staff_field(_("Staff (annual work units)"))
    turnover = _money_field(_("Annual turnover (EUR)"))
    balance_sheet_total = _money_field(_("Balance sheet total (EUR)"))

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year + 1:
            raise forms.ValidationError(_("The financial year lies too far in the future."))
        return year


class HoldingForm(forms.ModelForm):
    required_css_class = "required"
    staff_awu = _staff_field(_("Staff (AWU)"))
    share_percent = GermanDecimalField(
        label=_("Share (%)"), min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    turnover = _money_field(_("Turnover (EUR)"))
    balance_sheet_total = _money_field(_("Balance sheet total (EUR)"))

    class Meta:
        model = Holding
        fields = ["year", "name", "kind", "share_percent", "staff_awu", "turnover", "balance_sheet_total"]


class ConsentForm(forms.Form):
    """The company's consents; each checkbox is described by the consent text shown next to it."""

    network_sharing = forms.BooleanField(
        required=False,
        label=_("Shared with all partner agencies of the network"),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-text-network_sharing"}),
    )
    newsletter = forms.BooleanField(
        required=False,
        label=_("Newsletter"),
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-text-newsletter"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
