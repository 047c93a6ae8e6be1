"""Forms of the Baukasten and the request. They validate input only; the services save."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from kgp.companies.models import POSTCODE_VALIDATOR, REGISTER_NUMBER_VALIDATOR, Company
from kgp.companies.parsing import normalise_court, normalise_register_number

from .models import ContactChannel, EmployeesBand, RequestStatus

# A person needs a few seconds to fill in the form; a robot sends at once. A form older than a day is
# sent again with a fresh stamp (the session may have changed meanwhile).
MIN_FILL_SECONDS = 3
MAX_FORM_AGE = 24 * 3600
_SIGNER_SALT = "kgp.requests.form-started"


# Each stamp carries a random nonce that is kept in the session when the form is shown and consumed
# when the form is sent, so a stamp can be used once and only in the session it was issued to.
NONCE_SESSION_KEY = "request_form_nonces"
MAX_NONCES = 5

# Single-line fields: no line breaks or other control characters (they end up in e-mail headers).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def form_stamp(at: float | None = None, nonce: str = "") -> str:
    """A signed note of when the form was shown (and its single-use nonce)."""
    return signing.dumps({"t": time.time() if at is None else at, "n": nonce}, salt=_SIGNER_SALT, compress=True)


def _stamp_data(stamp: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(stamp, salt=_SIGNER_SALT, max_age=MAX_FORM_AGE)
        return {"t": float(data["t"]), "n": str(data.get("n") or "")}
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None


def stamp_age(stamp: str) -> float | None:
    """Seconds since the form was shown, or None for a missing, forged or too old stamp."""
    data = _stamp_data(stamp)
    return None if data is None else time.time() - data["t"]


def stamp_nonce(stamp: str) -> str:
    """The nonce of a valid stamp ("" for none)."""
    data = _stamp_data(stamp)
    return "" if data is None else data["n"]


def _nonces(session: Any) -> list[str]:
    raw = session.get(NONCE_SESSION_KEY) if session is not None else None
    return [n for n in raw if isinstance(n, str)] if isinstance(raw, list) else []


def issue_stamp(session: Any, at: float | None = None) -> str:
    """A fresh stamp whose nonce is kept in the session (only the last few are kept)."""
    nonce = secrets.token_urlsafe(16)
    session[NONCE_SESSION_KEY] = (_nonces(session) + [nonce])[-MAX_NONCES:]
    return form_stamp(at, nonce)


def nonce_is_open(session: Any, stamp: str) -> bool:
    nonce = stamp_nonce(stamp)
    return bool(nonce) and nonce in _nonces(session)


def consume_stamp(session: Any, stamp: str) -> bool:
    """Use up the stamp's nonce; False if it was not (or no longer) issued to this session."""
    nonce = stamp_nonce(stamp)
    nonces = _nonces(session)
    if not nonce or nonce not in nonces:
        return False
    session[NONCE_SESSION_KEY] = [n for n in nonces if n != nonce]
    return True


def single_line(value: str) -> str:
    """Raise a ValidationError for line breaks and other control characters."""
    if _CONTROL.search(value or ""):
        raise forms.ValidationError(_("Please enter this on one line, without line breaks or control characters."), code="control")
    return value


class CompanyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Company) -> str:
        return f"{obj.name} ({obj.postcode} {obj.city})"


class RequestForm(forms.Form):
    """The request form. `member_companies` (a company user's approved companies) switches the company
    part from editable fields to a choice among them; `offer_check` adds "send my check result along"."""

    required_css_class = "required"

    company = CompanyChoiceField(queryset=Company.objects.none(), label=_("For which company?"), empty_label=None)

    name = forms.CharField(label=_("Company name"), max_length=200)
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=5,
        validators=[POSTCODE_VALIDATOR],
        help_text=_("The postcode of your (main) site decides which agency is responsible."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    city = forms.CharField(label=_("City"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    register_court = forms.CharField(label=_("Register court (optional)"), max_length=100, required=False)
    register_number = forms.CharField(
        label=_("Register number (optional)"), max_length=20, required=False, help_text=_("e.g. HRB 12345")
    )
    website = forms.URLField(label=_("Website (optional)"), max_length=300, required=False)
    employees_band = forms.ChoiceField(
        label=_("Number of employees"),
        choices=[("", _("Please choose"))] + list(EmployeesBand.choices),
        required=False,
    )

    contact_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    contact_phone = forms.CharField(
        label=_("Phone (optional)"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    message = forms.CharField(
        label=_("Your message (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What would you like to achieve? What should the agency know before the first conversation?"),
    )
    preferred_channel = forms.ChoiceField(
        label=_("How should we contact you?"), choices=ContactChannel.choices, widget=forms.RadioSelect, initial=ContactChannel.EMAIL
    )
    preferred_time = forms.CharField(
        label=_("When suits you best? (optional)"), max_length=200, required=False, help_text=_("e.g. Tuesday and Thursday mornings")
    )
    send_check_result = forms.BooleanField(label=_("Send my Transformations-Check result along"), required=False)
    consent = forms.BooleanField(label=_("I agree to the processing of my request as described above."))
    # Spam protection: a field people do not see (hidden with CSS, skipped by the keyboard) and a
    # signed time stamp of when the form was shown.
    fax = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    COMPANY_FIELDS = ("name", "street", "postcode", "city", "register_court", "register_number", "website", "employees_band")

    def __init__(
        self, *args: Any, member_companies: Any = None, offer_check: bool = False, session: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.member_mode = member_companies is not None
        if self.member_mode:
            for name in self.COMPANY_FIELDS:
                del self.fields[name]
            self.fields["company"].queryset = member_companies
        else:
            del self.fields["company"]
        if not offer_check:
            del self.fields["send_check_result"]
        self.fields["fax"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["consent"].widget.attrs["aria-describedby"] = "consent-text"
        if "send_check_result" in self.fields:
            self.fields["send_check_result"].widget.attrs["aria-describedby"] = "check-hint"
        if not self.is_bound:
            self.initial["started"] = self._new_stamp()

    def _new_stamp(self) -> str:
        return issue_stamp(self.session) if self.session is not None else form_stamp()

    def clean_name(self) -> str:
        return single_line(self.cleaned_data.get("name") or "")

    def clean_street(self) -> str:
        return single_line(self.cleaned_data.get("street") or "")

    def clean_city(self) -> str:
        return single_line(self.cleaned_data.get("city") or "")

    def clean_contact_name(self) -> str:
        return single_line(self.cleaned_data.get("contact_name") or "")

    def clean_preferred_time(self) -> str:
        return single_line(self.cleaned_data.get("preferred_time") or "")

    def clean_register_number(self) -> str:
        value = " ".join((self.cleaned_data.get("register_number") or "").upper().split())
        if not value:
            return ""
        normalised = normalise_register_number(value)
        if normalised is None:
            REGISTER_NUMBER_VALIDATOR(value)
        return normalised or value

    def clean_register_court(self) -> str:
        return normalise_court(self.cleaned_data.get("register_court") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("fax"):
            raise forms.ValidationError(_("Your request could not be sent. Please try again."), code="spam")
        age = stamp_age(data.get("started") or "")
        if age is None:
            self._refresh_stamp()
            raise forms.ValidationError(
                _("The form was open for a long time or could not be read. Please check it and send it again."),
                code="stamp",
            )
        if self.session is not None and not nonce_is_open(self.session, data.get("started") or ""):
            self._refresh_stamp()
            raise forms.ValidationError(
                _("This form was already sent or was not opened in this browser. Please check it and send it again."),
                code="stamp_used",
            )
        if age < MIN_FILL_SECONDS:
            self._refresh_stamp()
            raise forms.ValidationError(_("That was very quick. Please check your details and send again."), code="too_fast")
        if not self.member_mode and data.get("register_number") and not data.get("register_court"):
            self.add_error("register_court", _("Please enter the register court for the register number."))
        return data

    def _refresh_stamp(self) -> None:
        """After a stamp error the form is shown again with a fresh stamp (the bound data is copied)."""
        self.data = self.data.copy()
        self.data[self.add_prefix("started")] = self._new_stamp()

    def consume_stamp(self) -> bool:
        """Use up the stamp of a valid form (False: replayed meanwhile); a fresh one is put in its place."""
        used = self.session is None or consume_stamp(self.session, self.cleaned_data.get("started") or "")
        self._refresh_stamp()
        return used

    def company_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k, "") for k in self.COMPANY_FIELDS}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RequestStatus.choices)
