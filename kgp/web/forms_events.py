"""Forms of the portal's event pages: the list's filters, the registration (company user or guest),
and the feedback survey. They validate input only; `kgp.events.services` saves, and the views put its
`ServiceError` back on the form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kgp.catalogue.models import Module
from kgp.companies.models import Company, Topic
from kgp.events.models import Event, EventKind
from kgp.events.queries import EventFilter
from kgp.organisations.models import Organisation
from kgp.requests.forms import MIN_FILL_SECONDS, form_stamp, single_line, stamp_age

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
# The date filters accept a few years either side of today; anything else is a typing error.
DATE_RANGE_YEARS = 5


class _DateField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            input_formats=DATE_INPUT_FORMATS,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("Please enter a valid date, e.g. 31.12.2026.")},
            **kwargs,
        )

    def clean(self, value: Any) -> dt.date | None:
        date = super().clean(value)
        if date is not None and abs(date.year - dt.date.today().year) > DATE_RANGE_YEARS:
            raise forms.ValidationError(_("Please enter a date within the next few years."), code="range")
        return date


class EventFilterForm(forms.Form):
    """The list's GET filters. Invalid values are dropped (and shown as messages), never a 500."""

    topic = forms.ChoiceField(label=_("Topic"), required=False)
    module = forms.ChoiceField(label=_("Module"), required=False)
    partner = forms.ChoiceField(label=_("Partner agency"), required=False)
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    date_from = _DateField(label=_("From"))
    date_to = _DateField(label=_("To"))

    def __init__(self, data: Any, *, topics: Sequence[Topic], partners: Sequence[Organisation]) -> None:
        super().__init__(data)
        invalid = {"invalid_choice": _("Unknown value. Please choose from the list.")}
        choices = {
            "topic": [(t.key, str(t)) for t in topics],
            "module": list(Module.choices),
            "partner": [(p.key, p.short_name) for p in partners],
            "kind": list(EventKind.choices),
        }
        empty = {
            "topic": _("all topics"), "module": _("all modules"), "partner": _("all partners"), "kind": _("all kinds"),
        }  # fmt: skip
        for name, values in choices.items():
            field = self.fields[name]
            field.choices = [("", empty[name]), *values]  # type: ignore[attr-defined]
            field.error_messages.update(invalid)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def event_filter(self) -> EventFilter:
        """The filter from the valid fields only (call after `is_valid`)."""
        data = getattr(self, "cleaned_data", {})
        return EventFilter(
            topic=data.get("topic") or "",
            module=data.get("module") or "",
            partner=data.get("partner") or "",
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    @property
    def is_active(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Company) -> str:
        return obj.name


class RegistrationForm(forms.Form):
    """The registration form of an event.

    With `member_companies` (a company user's approved companies) the e-mail address is the
    account's and the company is chosen among theirs (hidden when there is one); otherwise a guest
    gives e-mail address and company, and the spam protection applies (a field people do not see and
    a signed time stamp of when the form was shown). The event's extra questions follow as fields
    named by their keys (q1, q2, …)."""

    required_css_class = "required"

    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a link to confirm your registration."),
    )  # fmt: skip
    company = CompanyChoiceField(queryset=Company.objects.none(), label=_("For which company?"), empty_label=None)
    company_name = forms.CharField(
        label=_("Company or organisation"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    function = forms.CharField(
        label=_("Function (optional)"), max_length=150, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}), help_text=_("e.g. managing director, energy manager"),
    )  # fmt: skip
    fax = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    FIXED = ("first_name", "last_name", "email", "company", "company_name", "function")

    def __init__(self, *args: Any, event: Event, member_companies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.member_mode = member_companies is not None
        if self.member_mode:
            del self.fields["email"], self.fields["company_name"], self.fields["started"]
            member_companies = list(member_companies)
            self.fields["company"].queryset = Company.objects.filter(pk__in=[c.pk for c in member_companies]).order_by("name")
            if len(member_companies) == 1:
                self.fields["company"].widget = forms.HiddenInput()
                self.fields["company"].initial = member_companies[0].pk
        else:
            del self.fields["company"]
            if not self.is_bound:
                self.initial["started"] = form_stamp()
        self.fields["fax"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.question_keys: list[str] = []
        for question in event.questions or []:
            key = question["key"]
            self.fields[key] = self._question_field(question)
            self.question_keys.append(key)

    @staticmethod
    def _question_field(question: dict[str, Any]) -> forms.Field:
        label, required = question["label"], bool(question.get("required"))
        if question["kind"] == "choice":
            return forms.ChoiceField(
                label=label, required=required, widget=forms.RadioSelect,
                choices=[(c, c) for c in question.get("choices") or []],
            )  # fmt: skip
        if question["kind"] == "yes_no":
            return forms.ChoiceField(
                label=label, required=required, widget=forms.RadioSelect, choices=[("yes", _("Yes")), ("no", _("No"))]
            )
        return forms.CharField(label=label, required=required, max_length=500)

    def clean_first_name(self) -> str:
        return single_line(self.cleaned_data.get("first_name") or "")

    def clean_last_name(self) -> str:
        return single_line(self.cleaned_data.get("last_name") or "")

    def clean_company_name(self) -> str:
        return single_line(self.cleaned_data.get("company_name") or "")

    def clean_function(self) -> str:
        return single_line(self.cleaned_data.get("function") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("fax"):
            raise forms.ValidationError(_("Your registration could not be sent. Please try again."), code="spam")
        if not self.member_mode:
            age = stamp_age(data.get("started") or "")
            if age is None or age < MIN_FILL_SECONDS:
                self._refresh_stamp()
                raise forms.ValidationError(
                    _("The form was open for a long time, could not be read or was sent very quickly. Please check it and send it again."),
                    code="stamp",
                )
        return data

    def _refresh_stamp(self) -> None:
        """The form is shown again with a fresh stamp (the bound data is copied)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("started")] = form_stamp()

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in self.question_keys}

    def question_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.question_keys]


RATING_CHOICES = [
    ("1", _("1 – very poor")),
    ("2", _("2 – poor")),
    ("3", _("3 – satisfactory")),
    ("4", _("4 – good")),
    ("5", _("5 – very good")),
]


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How would you rate the event?"), choices=RATING_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a rating from 1 to 5.")},
    )  # fmt: skip
    comment = forms.CharField(
        label=_("What should we improve? (optional)"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
