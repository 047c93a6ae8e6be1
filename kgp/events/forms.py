"""Forms of the backoffice's event pages: the event (create and edit), the list's filters, a
participant added by staff, and the small action forms (cancel, link a company, no-shows).

They validate input only; `services` save, and the views put a `ServiceError` back on the form.
Dates and times are entered in local time (Europe/Berlin): Django's `DateTimeField` makes them aware
in the current time zone and refuses a time that does not exist or is ambiguous on the day the clocks
change, so the services always receive aware datetimes.

The extra questions of an event are edited as plain text, one question per line (see
`QUESTIONS_HELP`, `parse_questions` and `questions_text`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kgp.accounts.models import User
from kgp.catalogue.models import Module, Offer
from kgp.companies.forms import TopicChoiceField
from kgp.companies.models import Topic
from kgp.competences.models import CompetenceProfile
from kgp.organisations.models import Municipality, Organisation

from .models import Event, EventKind, EventStatus, RegistrationStatus
from .services import MAX_ANSWER, MAX_CAPACITY, MAX_QUESTIONS, SCHEDULE_FIELDS

DATETIME_WIDGET = {"attrs": {"type": "datetime-local"}, "format": "%Y-%m-%dT%H:%M"}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
YES_NO = {"ja/nein", "ja;nein", "yes/no", "yes;no"}

QUESTIONS_HELP = _(
    "One question per line, at most 10. A line without a colon is a free-text question. After a colon, "
    "the choices separated by semicolons make a choice question (“Lunch: vegetarian; vegan; no lunch”), "
    "and “yes/no” makes a yes-or-no question. A * at the end of the question makes an answer required "
    "(“Parking space needed*: yes/no”). Answers stay with the wording of their question: questions can be "
    "added, removed or reordered, but rewording one starts it afresh."
)


def _datetime_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(**DATETIME_WIDGET),  # type: ignore[arg-type]
        help_text=help_text,
    )


class _NameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return getattr(obj, "name", None) or getattr(obj, "title", None) or str(obj)


class _OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class _OfferField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Offer) -> str:
        return f"{obj.title} ({obj.get_module_display()})"


def parse_questions(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The questions of the text field, and an error message per broken line."""
    questions: list[dict[str, Any]] = []
    errors: list[str] = []
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]
    if len(lines) > MAX_QUESTIONS:
        errors.append(str(_("At most %(max)d extra questions.") % {"max": MAX_QUESTIONS}))
        return [], errors
    for number, line in enumerate(lines, start=1):
        label, colon, rest = line.partition(":")
        label = label.strip()
        required = label.endswith("*")
        label = label.rstrip("*").strip()
        rest = rest.strip()
        required = required or rest.endswith("*")
        rest = rest.rstrip("*").strip()
        if not label:
            errors.append(str(_("Line %(n)d: the question is missing before the colon.") % {"n": number}))
            continue
        if not colon or not rest:
            questions.append({"label": label, "kind": "text", "choices": [], "required": required})
            continue
        if "".join(rest.lower().split()) in YES_NO:
            questions.append({"label": label, "kind": "yes_no", "choices": [], "required": required})
            continue
        choices = [c.strip() for c in rest.split(";") if c.strip()]
        if len(choices) < 2:
            errors.append(
                str(
                    _("Line %(n)d: give at least two choices separated by semicolons, or remove the colon.")
                    % {"n": number}
                )
            )
            continue
        questions.append({"label": label, "kind": "choice", "choices": choices, "required": required})
    return questions, errors


def questions_text(questions: list[dict[str, Any]]) -> str:
    """The text form of stored questions (the inverse of `parse_questions`)."""
    lines = []
    for question in questions or []:
        line = question.get("label", "") + ("*" if question.get("required") else "")
        if question.get("kind") == "yes_no":
            line += ": " + str(_("yes/no"))
        elif question.get("kind") == "choice":
            line += ": " + "; ".join(question.get("choices") or [])
        lines.append(line)
    return "\n".join(lines)


class EventForm(forms.Form):
    """Create or edit an event. Consultants must keep their own agency among the organisers."""

    required_css_class = "required"

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    module = forms.ChoiceField(
        label=_("Module"), choices=Module.choices, initial=Module.INFORM,
        help_text=_("Attendance counts as support in this module."),
    )  # fmt: skip
    summary = forms.CharField(label=_("Short description"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(
        label=_("Description"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text; a blank line starts a new paragraph."),
    )  # fmt: skip
    topics = TopicChoiceField(
        queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Topics")
    )
    organisations = _OrganisationsField(
        queryset=Organisation.objects.order_by("-is_lead_partner", "name"),
        widget=forms.CheckboxSelectMultiple,
        label=_("Organising agencies"),
    )
    co_organiser = _NameChoiceField(
        queryset=CompetenceProfile.objects.order_by("institution", "unit"),
        required=False,
        label=_("Co-organising competence holder"),
    )
    starts_at = _datetime_field(_("Start"), help_text=_("Local time (Europe/Berlin)."))
    ends_at = _datetime_field(_("End"))
    online = forms.BooleanField(label=_("Online event"), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False, help_text=_("e.g. the name of the building or room."))
    address = forms.CharField(label=_("Address of the venue"), max_length=300, required=False)
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.order_by("name"), required=False, label=_("Municipality")
    )
    online_url = forms.CharField(
        label=_("Online link"), max_length=500, required=False, widget=forms.URLInput,
        help_text=_("An https:// address. Shown only to confirmed participants."),
    )  # fmt: skip
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=MAX_CAPACITY)
    max_per_company = forms.IntegerField(
        label=_("Maximum participants per company"), min_value=1, max_value=MAX_CAPACITY, required=False,
        help_text=_("Empty: no limit."),
    )  # fmt: skip
    registration_opens_at = _datetime_field(_("Registration opens"), required=False, help_text=_("Empty: at once."))
    registration_closes_at = _datetime_field(
        _("Registration closes"), required=False, help_text=_("Empty: when the event starts.")
    )
    target_group = forms.CharField(label=_("Target group"), max_length=300, required=False)
    offer = _OfferField(queryset=Offer.objects.order_by("title"), required=False, label=_("Linked offer"))
    questions = forms.CharField(
        label=_("Extra questions"), required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=QUESTIONS_HELP
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(EventStatus.DRAFT, _("Draft (not public yet)")), (EventStatus.PUBLISHED, _("Published"))],
        initial=EventStatus.DRAFT,
        widget=forms.RadioSelect,
    )
    # Set by the second submit after the warning that participants will be told of a new time or place.
    confirm_schedule = forms.BooleanField(required=False, widget=forms.HiddenInput)

    SERVICE_FIELDS = (
        "title", "kind", "module", "summary", "description", "starts_at", "ends_at", "online", "venue", "address",
        "municipality", "online_url", "capacity", "max_per_company", "registration_opens_at", "registration_closes_at",
        "target_group", "offer", "co_organiser", "questions",
    )  # fmt: skip

    def __init__(self, *args: Any, user: User, event: Event | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.event = event
        if event is None:
            if not user.is_coordinator and user.organisation_id:
                self.initial.setdefault("organisations", [user.organisation_id])
        else:
            del self.fields["status"]
            for name in self.SERVICE_FIELDS:
                if name != "questions":
                    self.initial.setdefault(name, getattr(event, name))
            self.initial.setdefault("questions", questions_text(event.questions))
            self.initial.setdefault("topics", list(event.topics.all()))
            self.initial.setdefault("organisations", list(event.organisations.all()))
        if not user.is_coordinator:
            self.fields["organisations"].help_text = _("Your own agency must be among the organisers.")

    def clean_questions(self) -> list[dict[str, Any]]:
        questions, errors = parse_questions(self.cleaned_data.get("questions") or "")
        if errors:
            raise forms.ValidationError(errors)
        return questions

    def clean_organisations(self) -> Any:
        organisations = self.cleaned_data["organisations"]
        if not self.user.is_coordinator and self.user.organisation_id not in {o.pk for o in organisations}:
            raise forms.ValidationError(_("Your own agency must be among the organisers."))
        return organisations

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        if not data.get("online") and not (data.get("venue") or data.get("address")) and "venue" not in self.errors:
            self.add_error("venue", _("Please give the venue, or mark the event as online."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}
        for name in ("description", "venue", "address", "online_url", "target_group"):
            data[name] = data[name] or ""
        if "status" in self.fields:
            data["status"] = self.cleaned_data["status"]
        return data

    def schedule_changes(self) -> list[str]:
        """The fields of time or place this edit changes (participants are told about them)."""
        if self.event is None:
            return []
        changed = []
        for name in SCHEDULE_FIELDS:
            new, old = self.cleaned_data.get(name), getattr(self.event, name)
            if isinstance(new, str) or isinstance(old, str):
                new, old = " ".join(str(new or "").split()), " ".join(str(old or "").split())
            if new != old:
                changed.append(name)
        return changed


class EventListForm(forms.Form):
    """The backoffice list's GET filters. Invalid values are left out (never a 500)."""

    VIEWS = (("upcoming", _("Upcoming")), ("past", _("Past")), ("drafts", _("Drafts")))

    view = forms.ChoiceField(label=_("Show"), choices=VIEWS, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    module = forms.ChoiceField(label=_("Module"), required=False)
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    organisation = forms.ChoiceField(label=_("Organised by"), required=False)

    def __init__(self, data: Any, *, organisations: list[Organisation]) -> None:
        super().__init__(data)
        self.fields["module"].choices = [("", _("all modules")), *Module.choices]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("all kinds")), *EventKind.choices]  # type: ignore[attr-defined]
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", _("all agencies")), *[(o.key, o.short_name) for o in organisations]
        ]

    def values(self) -> dict[str, str]:
        """The valid values (call after `is_valid`); the view defaults to the upcoming events."""
        data = getattr(self, "cleaned_data", {})
        values = {name: ("" if name in self.errors else data.get(name) or "") for name in self.fields}
        values["view"] = values["view"] or "upcoming"
        return values

    @property
    def is_active(self) -> bool:
        return any(self.data.get(name) for name in ("q", "module", "kind", "organisation"))


class ParticipantFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.fields["status"].choices = [("", _("all but cancelled")), *RegistrationStatus.choices]  # type: ignore[attr-defined]

    def values(self) -> tuple[str, str]:
        data = getattr(self, "cleaned_data", {})
        status = "" if "status" in self.errors else data.get("status") or ""
        q = "" if "q" in self.errors else " ".join((data.get("q") or "").split())
        return status, q


def question_field(question: dict[str, Any]) -> forms.Field:
    """The form field of one extra question."""
    label, required = question["label"], bool(question.get("required"))
    if question["kind"] == "choice":
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "–"), *[(c, c) for c in question.get("choices") or []]]
        )
    if question["kind"] == "yes_no":
        return forms.ChoiceField(label=label, required=required, choices=[("", "–"), ("yes", _("Yes")), ("no", _("No"))])
    return forms.CharField(label=label, required=required, max_length=MAX_ANSWER)


class ParticipantForm(forms.Form):
    """A participant added by staff (e.g. a registration by phone), with the event's extra questions."""

    required_css_class = "required"
    prefix = "participant"

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    company_name = forms.CharField(label=_("Company or organisation"), max_length=200)
    function = forms.CharField(label=_("Function"), max_length=150, required=False)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question_keys = []
        for question in event.questions or []:
            self.fields[question["key"]] = question_field(question)
            self.question_keys.append(question["key"])

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key in self.question_keys}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class EventStatusForm(forms.Form):
    status = forms.ChoiceField(choices=EventStatus.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent to every participant with the cancellation."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("status") == EventStatus.CANCELLED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please give the reason for the cancellation."))
        return data


class LinkCompanyForm(forms.Form):
    """The company record a participant is linked to; `unlink` removes the link."""

    company = forms.CharField(required=False, widget=forms.HiddenInput)
    unlink = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("unlink") and not data.get("company"):
            raise forms.ValidationError(_("Please choose a company."))
        return data


class NoShowForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, mark everyone not checked in as not attended."))
