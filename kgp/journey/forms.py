"""Backoffice forms for cases. They only parse input; the rules live in services.py."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kgp.accounts.models import Role, User
from kgp.assessment.models import Dimension, Questionnaire
from kgp.catalogue.models import Module, Offer

from .attachments import ALLOWED, MAX_FILES_PER_UPLOAD
from .models import DIMENSIONS, ActivityKind, CoachKind, Stage

# Every activity may carry a de-minimis value (with the coordination's reason above the ceiling) and files.
COMMON_FIELDS = ("deminimis_value", "override_reason", "attachments")

# Which fields each kind of activity shows (besides kind, module and date).
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    ActivityKind.INITIAL_CONSULTATION: ("situation", *(f"need_{d}" for d in DIMENSIONS), "next_steps", "notes", *COMMON_FIELDS),
    ActivityKind.COACHING: ("hours", "coach_kind", "coach_name", "topic", "offer", "notes", *COMMON_FIELDS),
    ActivityKind.PHONE: ("summary", "notes", *COMMON_FIELDS),
    ActivityKind.EMAIL: ("summary", "notes", *COMMON_FIELDS),
    ActivityKind.MEETING: ("summary", "notes", *COMMON_FIELDS),
    ActivityKind.INTRODUCTION: ("summary", "notes", *COMMON_FIELDS),
    ActivityKind.MILESTONE: ("milestone_title", "notes", *COMMON_FIELDS),
}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the files are checked by kgp.journey.attachments)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ALLOWED)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def attachment_help() -> str:
    mb = f"{settings.ATTACHMENT_MAX_BYTES / (1024 * 1024):.0f}"
    return _("PDF, Word, Excel, PowerPoint or OpenDocument; at most %(mb)s MB each, up to %(count)s files.") % {
        "mb": mb,
        "count": MAX_FILES_PER_UPLOAD,
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
    deminimis_value = forms.CharField(
        label=_("De-minimis value (EUR)"),
        required=False,
        max_length=20,
        help_text=_(
            "Only if this activity grants de-minimis aid: its gross grant equivalent in EUR. "
            "The aid is entered in the company's ledger and a certificate is issued."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    override_reason = forms.CharField(
        label=_("Reason for exceeding the ceiling (network coordination only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(  # type: ignore[no-untyped-def]
        self, *args, labels: dict[str, str] | None = None, coordinator: bool = False, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()
        if not coordinator:
            del self.fields["override_reason"]
        labels = labels or {key: key for key in DIMENSIONS}
        for key in DIMENSIONS:
            self.fields[f"need_{key}"] = forms.CharField(
                label=labels[key], required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def visible_fields_for(self, kind: str) -> list[forms.BoundField]:
        return [self[name] for name in ("module", "occurred_on", *FIELDS_BY_KIND[kind]) if name in self.fields]

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


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachment_help()
