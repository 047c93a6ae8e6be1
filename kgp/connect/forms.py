"""Backoffice forms of the connect module: needs, the company profile for exchange and supply,
proposing an introduction, recording a side's answer, withdrawing, and the synonym list.

They validate input only; saving goes through `kgp.connect.services`, whose `ServiceError` the views
put back on the form (status 400). Lists (processes, materials, certifications) are typed as text,
separated by commas, semicolons or line breaks.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kgp.companies.forms import TopicChoiceField
from kgp.companies.models import Contact, Topic
from kgp.competences.models import TransferFormat
from kgp.organisations.models import Municipality

from . import services
from .models import CompanyProfile, Need, NeedKind, NeedStatus

LIST_SPLIT = re.compile(r"[,;\n]")
TARGET = re.compile(r"^(profile|company):([A-Za-z0-9_-]{1,100})$")


def split_list(value: str) -> list[str]:
    """Terms separated by commas, semicolons or line breaks ("Laserschneiden, CNC-Fräsen; Pulverbeschichtung":
    three terms); empty parts are dropped."""
    return [part.strip() for part in LIST_SPLIT.split(value or "") if part.strip()]


def parse_target(value: str) -> tuple[str, str] | None:
    """A suggestion's key, "profile:<identifier>" or "company:<id>", as (kind, key); anything else None."""
    match = TARGET.fullmatch((value or "").strip())
    return (match.group(1), match.group(2)) if match else None


class NeedForm(forms.Form):
    """A company's need, entered by staff. Editing adds the status."""

    required_css_class = "required"
    kind = forms.ChoiceField(label=_("Looking for"), choices=NeedKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("Title"), max_length=services.TITLE_MAX,
        help_text=_("In a few words, e.g. “Use the waste heat of the compressors”."),
    )  # fmt: skip
    text = forms.CharField(
        label=_("Description of the need"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What is the problem, what should change, what has the company tried? At least %(min)d characters.")
        % {"min": services.TEXT_MIN},
    )  # fmt: skip
    topics = TopicChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        to_field_name="key",
    )  # fmt: skip
    formats = forms.MultipleChoiceField(
        label=_("Preferred transfer formats"), choices=TransferFormat.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Only for competence holders."),
    )  # fmt: skip
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.order_by("name"), required=False,
        help_text=_("Where the contact should be; suggestions nearby rank higher. Empty: the company's municipality."),
    )  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)
    check_result = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, need: Need | None = None, **kwargs: Any) -> None:
        if need is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": need.kind, "title": need.title, "text": need.text, "topics": list(need.topics),
                "formats": list(need.formats), "municipality": need.municipality_id, "status": need.status,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        if need is None:
            del self.fields["status"]  # a new need is open
        else:
            del self.fields["check_result"]  # the source of a need does not change

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "kind": data["kind"],
            "title": data["title"],
            "text": data["text"],
            "topics": [t.key for t in data.get("topics") or []],
            "formats": data.get("formats") or [],
            "municipality": data.get("municipality"),
        }
        if "status" in self.fields:
            values["status"] = data["status"]
        return values


class CompanyProfileForm(forms.Form):
    """What a company tells the network for the exchange with other companies and as a supplier."""

    required_css_class = "required"
    challenges = forms.CharField(
        label=_("Current challenges"), max_length=services.PROFILE_TEXT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What occupies the company at the moment, e.g. energy costs, skilled workers, a new process."),
    )  # fmt: skip
    capabilities = forms.CharField(
        label=_("What the company can do for others"), max_length=services.PROFILE_TEXT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Products, services and spare capacity the company could offer other companies of the region."),
    )  # fmt: skip
    processes = forms.CharField(
        label=_("Processes"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas or line breaks, e.g. laser cutting, CNC milling, powder coating."),
    )  # fmt: skip
    materials = forms.CharField(
        label=_("Materials"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas or line breaks, e.g. stainless steel, aluminium."),
    )  # fmt: skip
    certifications = forms.CharField(
        label=_("Certifications"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas or line breaks, e.g. ISO 9001, ISO 14001, ISO 50001."),
    )  # fmt: skip
    peer_exchange = forms.BooleanField(
        label=_("Open to exchange with other companies"), required=False,
        help_text=_("Record this only when the company has agreed to be suggested to other companies of the region."),
    )  # fmt: skip
    supplier = forms.BooleanField(
        label=_("May be suggested as a regional supplier"), required=False,
        help_text=_("Record this only when the company has agreed to be suggested to other companies of the region."),
    )  # fmt: skip

    def __init__(self, *args: Any, profile: CompanyProfile | None = None, **kwargs: Any) -> None:
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "challenges": profile.challenges, "capabilities": profile.capabilities,
                "processes": ", ".join(profile.processes), "materials": ", ".join(profile.materials),
                "certifications": ", ".join(profile.certifications),
                "peer_exchange": profile.peer_exchange, "supplier": profile.supplier,
            }  # fmt: skip
        super().__init__(*args, **kwargs)

    def clean_processes(self) -> list[str]:
        return split_list(self.cleaned_data["processes"])

    def clean_materials(self) -> list[str]:
        return split_list(self.cleaned_data["materials"])

    def clean_certifications(self) -> list[str]:
        return split_list(self.cleaned_data["certifications"])


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        label = str(obj)
        if obj.function:
            label += f", {obj.function}"
        return f"{label} <{obj.email}>"


class ProposeForm(forms.Form):
    """Propose an introduction to a suggestion of a need: the target, why, and optionally the
    company's contact person (passed on only after both sides agreed)."""

    required_css_class = "required"
    target = forms.CharField(widget=forms.HiddenInput, max_length=120)
    message = forms.CharField(
        label=_("Why this contact"), max_length=services.MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown to both sides when they are asked for their consent."),
    )  # fmt: skip
    contact = ContactChoiceField(
        label=_("Contact person of the company"), queryset=Contact.objects.none(), required=False,
        empty_label=_("– none yet: the company names one when it agrees –"),
        help_text=_("Only contacts with an e-mail address. Passed on to the other side only after both sides agreed."),
    )  # fmt: skip

    def __init__(self, *args: Any, contacts: QuerySet[Contact] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if contacts is not None:
            self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]

    def clean_target(self) -> tuple[str, str]:
        target = parse_target(self.cleaned_data["target"])
        if target is None:
            raise forms.ValidationError(_("Please choose one of the suggestions."))
        return target

    def company_person(self) -> dict[str, str] | None:
        contact: Contact | None = self.cleaned_data.get("contact")
        if contact is None:
            return None
        return {"name": str(contact), "function": contact.function, "email": contact.email, "phone": contact.phone}


class DecisionForm(forms.Form):
    """A side's answer given to the agency by phone, e-mail or in person, recorded on its behalf."""

    required_css_class = "required"
    side = forms.ChoiceField(label=_("Whose answer"), choices=(), widget=forms.RadioSelect)
    decision = forms.ChoiceField(
        label=_("Answer"), widget=forms.RadioSelect,
        choices=(("accept", _("agreed to the introduction")), ("decline", _("declined the introduction"))),
    )  # fmt: skip
    name = forms.CharField(label=_("Contact person: name"), max_length=120, required=False)
    function = forms.CharField(label=_("Contact person: function"), max_length=120, required=False)
    email = forms.EmailField(label=_("Contact person: e-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Contact person: phone"), max_length=40, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=services.NOTE_MAX, required=False,
        help_text=_("How the answer was given, e.g. “agreed by phone on 3 March”."),
    )  # fmt: skip

    def __init__(self, *args: Any, sides: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = sides or []  # type: ignore[attr-defined]
        for name in ("name", "email"):
            self.fields[name].help_text = _("Required when the side agreed.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "accept":
            if not data.get("name") and "name" not in self.errors:
                self.add_error("name", _("Please name the contact person of this side."))
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", _("Please give the contact person's e-mail address."))
        return data

    def person(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if data.get("decision") != "accept":
            return None
        return {key: data.get(key) or "" for key in ("name", "function", "email", "phone")}


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Reason (optional)"), max_length=services.NOTE_MAX, required=False)


class SynonymForm(forms.Form):
    """A new version of the synonym list: one group per line, terms separated by commas."""

    required_css_class = "required"
    text = forms.CharField(
        label=_("Synonym groups"), max_length=services.SYNONYMS_MAX, strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "mono"}),
        help_text=_(
            "One group per line, terms separated by commas, e.g. “Druckluft, Pressluft, Kompressor”. A line starting "
            "with “~” holds related terms, which count less. Text after “#” is a comment."
        ),
    )  # fmt: skip
    note = forms.CharField(
        label=_("What changed"), max_length=200, required=False,
        help_text=_("Kept with the version, e.g. “Abwärme and Prozesswärme added”."),
    )  # fmt: skip

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        errors = services.synonym_errors(text)
        if errors:
            raise forms.ValidationError([forms.ValidationError(e) for e in errors[:10]])
        return text


class TryForm(forms.Form):
    q = forms.CharField(label=_("Try a query"), max_length=500, required=False)
