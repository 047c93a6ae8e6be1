"""Backoffice forms for cases. They only parse input; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kgp.accounts.models import Role, User
from kgp.assessment.models import Dimension, Questionnaire
from kgp.catalogue.models import Module, Offer

from .models import DIMENSIONS, ActivityKind, CoachKind, Stage

# Which fields each kind of activity shows (besides kind, module and date).
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    ActivityKind.INITIAL_CONSULTATION: ("situation", *(f"need_{d}" for d in DIMENSIONS), "next_steps", "notes"),
    ActivityKind.COACHING: ("hours", "coach_kind", "coach_name", "topic", "offer", "notes"),
    ActivityKind.PHONE: ("summary", "notes"),
    ActivityKind.EMAIL: ("summary", "notes"),
    ActivityKind.MEETING: ("summary", "notes"),
    ActivityKind.INTRODUCTION: ("summary", "notes"),
    ActivityKind.MILESTONE: ("milestone_title", "notes"),
}


def dimension_labels() -> dict[str, str]:
    """The names of the check dimensions in the current language (from the newest questionnaire)."""
    english = (get_language() or "de").startswith("en")
    rows = Dimension.objects.filter(key__in=DIMENSIONS, questionnaire__status=Questionnaire.Status.PUBLISHED)
    names = {d.key: (d.name_en or d.name_de) if english else d.name_de for d in rows}
    return {key: names.get(key, key) for key in DIMENSIONS}


def staff_of(organisation_id: int | None) -> forms.ModelChoiceField:
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.CONSULTANT, organisation_id=organisation_id) | Q(role=Role.COORDINATOR)
    ).order_by("last_name", "first_name", "email")


class CaseOpenForm(forms.Form):
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=User.objects.none(), required=False)
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)

    def __init__(self, *args, organisation_id: int | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = staff_of(organisation_id)


class StageForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.all(), to_field_name="key", empty_label=None)


class ActivityForm(forms.Form):
    module = forms.ChoiceField(label=_("Module"), choices=Module.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    summary = forms.CharField(label=_("Subject"), required=False, max_length=300)
    notes = forms.CharField(label=_("Internal notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    situation = forms.CharField(label=_("Situation"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    next_steps = forms.CharField(label=_("Agreed next steps"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    hours = forms.DecimalField(label=_("Hours"), required=False, min_value=0, max_digits=5, decimal_places=2, localize=True)
    coach_kind = forms.ChoiceField(label=_("Coach"), choices=[("", "–"), *CoachKind.choices], required=False)
    coach_name = forms.CharField(label=_("Name of the coach"), required=False, max_length=200)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=200)
    offer = forms.ModelChoiceField(label=_("Offer"), queryset=Offer.objects.order_by("title"), required=False)
    milestone_title = forms.CharField(label=_("Milestone"), required=False, max_length=200)

    def __init__(self, *args, labels: dict[str, str] | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        labels = labels or {key: key for key in DIMENSIONS}
        for key in DIMENSIONS:
            self.fields[f"need_{key}"] = forms.CharField(
                label=labels[key], required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def visible_fields_for(self, kind: str) -> list[forms.BoundField]:
        return [self[name] for name in ("module", "occurred_on", *FIELDS_BY_KIND[kind])]

    def service_data(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data["needs"] = {key: data.pop(f"need_{key}", "") for key in DIMENSIONS}
        return data


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, organisation_id: int | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_of(organisation_id)
