"""Backoffice: a staff member switches their own daily digest e-mail on or off (from "my work").
There is no user id in the URL: the view only ever changes the signed-in user. Consultants and the
coordination get the digest; read-only staff get none, so they get a 403 here like on every write."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.journey import digest

from .decorators import editor_required


class DigestForm(forms.Form):
    daily_digest = forms.BooleanField(required=False)


@require_POST
@editor_required
def digest_toggle(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = DigestForm(request.POST)
    form.is_valid()  # a missing or unchecked box means "off"; the field cannot fail
    enabled = bool(form.cleaned_data.get("daily_digest"))
    digest.digest_subscription_set(user=user, enabled=enabled)
    if enabled:
        messages.success(request, _("You will get the daily digest e-mail on working days."))
    else:
        messages.success(request, _("The daily digest e-mail is switched off."))
    return redirect("backoffice:my_work")
