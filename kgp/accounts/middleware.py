"""Mandatory TOTP for staff (setting STAFF_MFA_REQUIRED)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class StaffMFAMiddleware:
    """Sends staff without an authenticator to the TOTP setup before they can use the backoffice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.STAFF_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and user.is_staff_member
            and request.path.startswith(("/backoffice/", "/admin/"))
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                return redirect("mfa_activate_totp")
        return self.get_response(request)
