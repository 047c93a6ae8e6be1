"""Forms of the competence map (portal and backoffice). They validate input only; saving goes through the services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kgp.accounts.models import User
from kgp.organisations.models import Municipality

from . import access
from .models import CompetenceProfile, Kind, Language, ProfileContact, SubjectArea, TransferFormat
from .services import DESCRIPTION_MAX, EQUIPMENT_MAX, contact_problems, profile_problems

KEYWORD_SPLIT = re.compile(r"[,;\n]")


class SubjectAreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: SubjectArea) -> str:
        return str(obj)


class ProfileForm(forms.Form):
    """The profile's content. Staff also set the identifier; publishing is a separate action."""

    required_css_class = "required"
    external_id = forms.SlugField(
        label=_("Identifier"), max_length=100,
        help_text=_("The end of the profile's address in the competence map, e.g. tu-dortmund-logistik."),
    )  # fmt: skip
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *Kind.choices])
    institution = forms.CharField(label=_("Institution"), max_length=200, help_text=_("e.g. Technische Universität Dortmund"))
    unit = forms.CharField(label=_("Unit"), max_length=200, required=False, help_text=_("e.g. a chair, a lab or a department"))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.order_by("name"))
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text: what you work on, your methods, and how companies can work with you."),
    )  # fmt: skip
    keywords = forms.CharField(
        label=_("Keywords"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas, at most 15."),
    )  # fmt: skip
    subject_areas = SubjectAreaChoiceField(
        label=_("Subject areas"), queryset=SubjectArea.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    equipment_labs = forms.CharField(
        label=_("Equipment and labs"), max_length=EQUIPMENT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    transfer_formats = forms.MultipleChoiceField(
        label=_("Transfer formats offered"), choices=TransferFormat.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, profile: CompetenceProfile | None = None, staff: bool = False, **kwargs: Any) -> None:
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "external_id": profile.external_id, "kind": profile.kind, "institution": profile.institution,
                "unit": profile.unit, "municipality": profile.municipality_id, "description": profile.description,
                "keywords": ", ".join(profile.keywords or []), "subject_areas": list(profile.subject_areas.all()),
                "equipment_labs": profile.equipment_labs, "transfer_formats": profile.transfer_formats,
                "languages": profile.languages,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.profile = profile
        if not staff:
            del self.fields["external_id"]  # the address stays; only the agencies change it

    def clean_keywords(self) -> list[str]:
        return [k.strip() for k in KEYWORD_SPLIT.split(self.cleaned_data["keywords"]) if k.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        probe = CompetenceProfile(
            external_id=data.get("external_id") or (self.profile.external_id if self.profile else "x"),
            municipality=data.get("municipality"),
            **{k: v for k, v in self.service_data().items() if k not in ("external_id", "municipality")},
        )
        for name, message in profile_problems(probe):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.fields and k != "subject_areas"}
        return data


class ContactForm(forms.ModelForm):
    required_css_class = "required"

    class Meta:
        model = ProfileContact
        fields = ["name", "role", "email", "phone", "is_public"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        probe = ProfileContact(**{k: data.get(k) or ("" if k != "is_public" else False) for k in self.Meta.fields})
        for name, message in contact_problems(probe):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else obj.email


class MemberForm(forms.Form):
    user = UserChoiceField(label=_("Competence-holder user"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = access.competence_users()


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=CompetenceProfile._meta.get_field("status").choices)
