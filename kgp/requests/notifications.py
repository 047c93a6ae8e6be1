"""E-mails about requests. Sent after the transaction commits, through the task queue.

- the sender gets a confirmation in the language of the request, with the package summary;
- the consultants of the responsible agency (the coordination for companies outside the region, or
  when the agency has no active consultant) get a short notice: company name, number and a link to
  the backoffice, nothing more.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from kgp.accounts.models import Role, User
from kgp.organisations.queries import lead_partner

from .models import Request


def agency_name(req: Request) -> str:
    """Who answers the request, in words (the active language)."""
    if req.partner is not None:
        return req.partner.name
    lead = lead_partner()
    if lead is None:
        return str(pgettext("grammatical subject", "the network coordination"))
    return _("the network coordination (%(lead)s)") % {"lead": lead.name}


def _team_of(req: Request) -> list[str]:
    active = User.objects.filter(is_active=True)
    recipients: list[str] = []
    if req.partner_id:
        recipients = list(active.filter(role=Role.CONSULTANT, organisation_id=req.partner_id).values_list("email", flat=True))
    if not recipients:
        recipients = list(active.filter(role=Role.COORDINATOR).values_list("email", flat=True))
    return recipients


def one_line(value: object) -> str:
    """Text for an e-mail header: whitespace and line breaks collapsed to single spaces."""
    return " ".join(str(value).split())


def confirmation_text(req: Request) -> tuple[str, str]:
    """Subject and body of the sender's confirmation (the caller picks the language).

    The address was not verified, so the e-mail repeats nothing the sender typed in freely (names,
    message, notes, preferred time): only the offer titles, the number, the agency and what happens
    next. Otherwise the form could be used to send any text to any address."""
    agency = agency_name(req)
    lines = [
        _("Hello,"),
        "",
        _("thank you for your request. We have passed it on to %(agency)s, which is responsible for your company.")
        % {"agency": agency},
        "",
        _("Request number: %(number)s") % {"number": req.number},
        "",
        _("The offers you asked about:"),
    ]
    for item in req.items.all():
        lines.append(f"- {item.offer_title}")
    lines += ["", _("Preferred contact: %(channel)s") % {"channel": req.get_preferred_channel_display()}]
    if req.check_result_id:
        lines.append(_("Your Transformations-Check result is attached to the request."))
    lines += [
        "",
        _("What happens next"),
        _(
            "%(agency)s will get in touch with you within a few working days to agree on an initial consultation "
            "(free of charge). In this conversation you decide together which of the offers fit and what comes "
            "first."
        )
        % {"agency": agency},
    ]
    if req.source == "portal":
        lines += [
            "",
            _("You can follow the status of your request in the portal: %(url)s")
            % {"url": settings.SITE_URL + reverse("web:portal_request", args=[req.pk])},
        ]
    operator_email = (getattr(settings, "OPERATOR", None) or {}).get("email", "")
    if operator_email:
        lines += [
            "",
            _("If you did not send this request, please let us know: %(email)s") % {"email": operator_email},
        ]
    subject = _("Your request %(number)s to %(agency)s") % {"number": req.number, "agency": agency}
    return one_line(subject), "\n".join(lines) + "\n"


def team_text(req: Request) -> tuple[str, str]:
    """Subject and body of the notice to the agency: no personal data, only the company and a link."""
    count = req.items.count()
    subject = _("New request %(number)s from %(company)s") % {"number": req.number, "company": one_line(req.company.name)}
    body = ngettext(
        "%(company)s has sent a request for %(count)s offer.\n\n"
        "Please open it in the backoffice and get in touch with the company: %(url)s",
        "%(company)s has sent a request for %(count)s offers.\n\n"
        "Please open it in the backoffice and get in touch with the company: %(url)s",
        count,
    ) % {
        "company": req.company.name,
        "count": count,
        "url": settings.SITE_URL + reverse("backoffice:request_detail", args=[req.pk]),
    }
    return one_line(subject), body + "\n"


def request_submitted(req: Request) -> None:
    with translation.override(req.language or settings.LANGUAGE_CODE):
        confirmation = confirmation_text(req)
    with translation.override(settings.LANGUAGE_CODE):
        notice = team_text(req)
    sender = [req.contact_email]
    team = _team_of(req)

    def send() -> None:
        send_mail(confirmation[0], confirmation[1], None, sender)
        if team:
            send_mail(notice[0], notice[1], None, team)

    transaction.on_commit(send)
