"""Authentication of the JSON API: personal API tokens sent as `Authorization: Bearer <token>`.

There is deliberately no session authentication on the API, so a browser session never
authorises an API call and no CSRF token is involved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from kgp.accounts.models import User
from kgp.accounts.services import api_token_authenticate

STAFF_ONLY_MESSAGE = gettext_lazy(
    "This part of the API is open only to the staff of the partners and of the network coordination."
)


class ApiTokenAuth(HttpBearer):
    """Any active user with a valid, unrevoked token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return api_token_authenticate((token or "").strip())


class StaffTokenAuth(ApiTokenAuth):
    """Staff only (coordinator, consultant, read-only staff); other valid tokens get 403."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = super().authenticate(request, token)
        if user is not None and not user.is_staff_member:
            raise AuthorizationError(message=str(STAFF_ONLY_MESSAGE))
        return user


def api_user(request: HttpRequest) -> User:
    """The user the request's token belongs to (set by the auth class)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # an endpoint without ApiTokenAuth: treat as not logged in
        raise AuthenticationError()
    return user


def viewer(context: "Mapping[str, Any] | None") -> User:
    """The user of the request behind a schema's resolver context."""
    return api_user((context or {})["request"])
