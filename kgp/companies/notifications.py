"""E-mails about join requests. Sent after the transaction commits, through the task queue."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User

from .models import CompanyMembership


def _editors_of(membership: CompanyMembership) -> list[str]:
    """The consultants of the responsible agency; the coordination for companies outside the region."""
    partner_id = membership.company.responsible_partner_id
    editors = User.objects.filter(is_active=True)
    if partner_id:
        editors = editors.filter(role=Role.CONSULTANT, organisation_id=partner_id)
    else:
        editors = editors.filter(role=Role.COORDINATOR)
    return list(editors.values_list("email", flat=True))


def join_requested(membership: CompanyMembership) -> None:
    recipients = _editors_of(membership)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New join request for %(company)s") % {"company": membership.company.name}
        body = _(
            "%(email)s asks to join the company %(company)s as a company user.\n\n"
            "Please confirm or reject the request in the backoffice: %(url)s"
        ) % {
            "email": membership.user.email,
            "company": membership.company.name,
            "url": settings.SITE_URL + reverse("backoffice:membership_list"),
        }
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))


def join_decided(membership: CompanyMembership) -> None:
    approved = membership.status == CompanyMembership.Status.APPROVED
    with translation.override(settings.LANGUAGE_CODE):
        if approved:
            subject = _("Your join request was confirmed")
            body = _(
                "Your agency has confirmed that you belong to %(company)s. You can now edit the company's "
                "profile in the portal: %(url)s"
            ) % {"company": membership.company.name, "url": settings.SITE_URL + reverse("web:portal")}
        else:
            subject = _("Your join request was not confirmed")
            body = _(
                "Your agency could not confirm your request to join a registered company. If you think this "
                "is a mistake, please contact your economic development agency."
            )
    recipient = membership.user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
