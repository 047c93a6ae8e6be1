"""Forms of the portal's connect pages: needs, the company profile for exchange and supply, proposing
an introduction and answering one. They validate input only; saving goes through
`kgp.connect.services`, whose `ServiceError` the views put back on the form."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kgp.companies.forms import TopicChoiceField
from kgp.companies.models import Topic
from kgp.competences.models import TransferFormat
from kgp.connect import services
from kgp.connect.forms import CompanyProfileForm as StaffCompanyProfileForm
from kgp.connect.models import NeedKind
from kgp.organisations.models import Municipality

TARGET = re.compile(r"^(profile|company):([A-Za-z0-9_-]{1,100})$")


def _text_help_now() -> str:
    return gettext("What is the problem, what should change, what have you tried? At least %(min)d characters.") % {
        "min": services.TEXT_MIN
    }


_text_help = lazy(_text_help_now, str)  # translated when shown, not at import


class NeedForm(forms.Form):
    required_css_class = "required"
    kind = forms.ChoiceField(label=_("What are you looking for?"), choices=NeedKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("Title"), max_length=services.TITLE_MAX,
        help_text=_("In a few words, e.g. “Use the waste heat of our compressors”."),
    )  # fmt: skip
    text = forms.CharField(
        label=_("Description of the need"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_text_help(),
    )  # fmt: skip
    topics = TopicChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        to_field_name="key",
    )  # fmt: skip
    formats = forms.MultipleChoiceField(
        label=_("Preferred transfer formats"), choices=TransferFormat.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for competence holders: how would you like to work with a university or institute?"),
    )  # fmt: skip
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), required=False,
        help_text=_("Where the contact should be; suggestions nearby rank higher. Empty: your company's municipality."),
    )  # fmt: skip
    check_result = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "text": data["text"],
            "topics": [t.key for t in data.get("topics") or []],
            "formats": data.get("formats") or [],
            "municipality": data.get("municipality"),
        }


class CompanyProfileForm(StaffCompanyProfileForm):
    """The backoffice's form in the company's own words, saying what others see when it opts in."""

    PORTAL_TEXTS = {
        "challenges": (
            _("Current challenges"),
            _("What occupies your company at the moment, e.g. energy costs, skilled workers, a new process."),
        ),
        "capabilities": (
            _("What your company can do for others"),
            _("Products, services and spare capacity you could offer other companies of the region."),
        ),
        "peer_exchange": (
            _("We are open to exchange with other companies"),
            _(
                "Other companies of the region looking for an exchange may be shown your company's name, municipality, "
                "challenges, capabilities, processes, materials and certifications. They can ask for contact; your "
                "contact details are passed on only when you agree."
            ),
        ),
        "supplier": (
            _("Our company may be suggested as a regional supplier"),
            _(
                "Other companies of the region looking for a supplier may be shown your company's name, municipality, "
                "capabilities, processes, materials and certifications. They can ask for contact; your contact details "
                "are passed on only when you agree."
            ),
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.PORTAL_TEXTS.items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text


class ProposeForm(forms.Form):
    """Ask for contact with a suggestion: the target ("profile:<identifier>" or "company:<id>") and why."""

    required_css_class = "required"
    target = forms.CharField(widget=forms.HiddenInput, max_length=120)
    message = forms.CharField(
        label=_("Why would you like to get in touch?"), max_length=services.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the other side and to your agency. Please do not enter personal data of others."),
    )  # fmt: skip

    def clean_target(self) -> tuple[str, str]:
        match = TARGET.fullmatch(self.cleaned_data["target"].strip())
        if match is None:
            raise forms.ValidationError(_("Please choose a suggestion."))
        return match.group(1), match.group(2)


class AgreeForm(forms.Form):
    """Agreeing to an introduction, with the contact person to pass on (by default the user)."""

    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    function = forms.CharField(label=_("Function"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if any(data.get(k) for k in ("name", "function", "email", "phone")):
            if not data.get("name"):
                self.add_error("name", _("Please name the contact person."))
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", _("Please give the contact person's e-mail address."))
        return data

    def person(self) -> dict[str, str] | None:
        """The contact person given, or None (then the service takes the user's own details)."""
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return {k: data.get(k) or "" for k in ("name", "function", "email", "phone")}


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), max_length=services.NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the other side and to the agency, e.g. why the contact does not fit at the moment."),
    )  # fmt: skip
