"""E-mails about introductions, sent after the commit through the task queue.

- proposed: the users who answer for the contacted side (and, for a consultant's proposal, the
  company's members) are asked for their consent, with a link to the portal;
- accepted: both sides hear that the contact details are now visible (the details themselves are
  shown in the portal, not sent by e-mail);
- declined or withdrawn: the proposer hears of it.

No notes and no contact details in the e-mails, only names, the number and a link.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kgp.accounts.models import User

from .models import Introduction, IntroductionStatus


def _link(intro: Introduction, staff: bool) -> str:
    name = "backoffice:introduction_detail" if staff else "web:introduction_detail"
    return settings.SITE_URL + reverse(name, args=[intro.pk])


def _send(users: list[User], intro: Introduction, subject: str, lines: list[str], *, staff: bool = False) -> None:
    addresses = sorted({u.email for u in users if u.email})
    if not addresses:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = "\n".join([_("Hello,"), "", *lines, "", _link(intro, staff), "", _("Kompetenzregion für grüne Produktion")])
        # One message per person: the addresses of one side are not shown to the other.
        messages = [EmailMessage(subject=str(subject), body=body, to=[address]) for address in addresses]

    def send() -> None:
        for message in messages:
            message.send()

    transaction.on_commit(send)


def proposed(intro: Introduction) -> None:
    from .services import company_users, target_users

    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Introduction %(number)s: may we put you in touch?") % {"number": intro.number}
        target_lines = [
            _("%(company)s would like to get in touch with %(target)s.") % {"company": intro.company.name, "target": intro.target_name},
            _("Please say in the portal whether you agree. Contact details are passed on only when both sides agree."),
        ]
        _send(target_users(intro), intro, subject, target_lines)
        if intro.company_decision == "pending":
            company_lines = [
                _("Your agency suggests a contact for %(company)s: %(target)s.") % {"company": intro.company.name, "target": intro.target_name},
                _("Please say in the portal whether you agree. Contact details are passed on only when both sides agree."),
            ]
            _send(company_users(intro), intro, subject, company_lines)


def status_changed(intro: Introduction) -> None:
    from .services import company_users, target_users

    with translation.override(settings.LANGUAGE_CODE):
        if intro.status == IntroductionStatus.ACCEPTED:
            subject = _("Introduction %(number)s: both sides agreed") % {"number": intro.number}
            lines = [
                _("%(company)s and %(target)s agreed to get in touch.") % {"company": intro.company.name, "target": intro.target_name},
                _("The contact details are now shown in the portal."),
            ]
            _send(company_users(intro) + target_users(intro), intro, subject, lines)
            if intro.proposed_by and intro.proposed_by.is_staff_member:
                _send([intro.proposed_by], intro, subject, lines, staff=True)
        elif intro.status == IntroductionStatus.DECLINED and intro.proposed_by and intro.proposed_by.is_staff_member:
            subject = _("Introduction %(number)s was declined") % {"number": intro.number}
            _send([intro.proposed_by], intro, subject, [
                _("The introduction of %(company)s to %(target)s was declined.") % {"company": intro.company.name, "target": intro.target_name},
            ], staff=True)  # fmt: skip
