"""One error shape for every 4xx answer of the API: {"detail": "...", ...}.

- 400 ServiceError (a business rule of a service): {"detail", "field", "code"}
- 401 no or an invalid token, 403 not allowed, 404 not found or not visible: {"detail"}
- 422 invalid input (schema or filter values): {"detail", "errors": [{"field", "location", "message", "type"}]}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kgp.core.errors import ServiceError

# Lazy: the texts come out in the request's language; str() them where they are used.
UNAUTHORIZED_MESSAGE = gettext_lazy("Not signed in: a valid API token is expected as “Authorization: Bearer <token>”.")
FORBIDDEN_MESSAGE = gettext_lazy("You do not have permission for this.")
NOT_FOUND_MESSAGE = gettext_lazy("Not found.")
MALFORMED_BODY_MESSAGE = gettext_lazy("The request body is not valid JSON.")
MISSING_BODY_MESSAGE = gettext_lazy("The request body is missing; a JSON object is expected.")

# Translated texts for the pydantic errors a client can run into; anything else keeps pydantic's text.
# The %(name)s placeholders are filled from the error's ctx (which also picks the plural form).
_MESSAGES = {
    "missing": gettext_lazy("A required value is missing."),
    "string_too_short": ngettext_lazy(
        "At least %(min_length)s character is required.", "At least %(min_length)s characters are required.", "min_length"
    ),
    "string_too_long": ngettext_lazy(
        "At most %(max_length)s character is allowed.", "At most %(max_length)s characters are allowed.", "max_length"
    ),
    "string_type": gettext_lazy("Expected a string."),
    "string_unicode": gettext_lazy("The string contains invalid Unicode characters."),
    "literal_error": gettext_lazy("Allowed values are: %(expected)s."),
    "int_parsing": gettext_lazy("Expected a whole number."),
    "int_type": gettext_lazy("Expected a whole number."),
    "int_from_float": gettext_lazy("Expected a whole number."),
    "greater_than_equal": gettext_lazy("The value must be at least %(ge)s."),
    "less_than_equal": gettext_lazy("The value must be at most %(le)s."),
    "bool_parsing": gettext_lazy("Expected true or false."),
    "bool_type": gettext_lazy("Expected true or false."),
    "list_type": gettext_lazy("Expected a list."),
    "too_long": ngettext_lazy(
        "At most %(max_length)s entry is allowed.", "At most %(max_length)s entries are allowed.", "max_length"
    ),
    "extra_forbidden": gettext_lazy("This field does not exist or cannot be set."),
    "model_attributes_type": gettext_lazy("Expected a JSON object."),
    "dict_type": gettext_lazy("Expected a JSON object."),
}


class ApiError(Exception):
    """An error an endpoint answers directly, with a status and the usual body."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def error_item(error: dict[str, Any], *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """One pydantic/ninja error as {field, location, message, type}."""
    loc = [str(part) for part in error.get("loc", ())]
    location = loc[0] if loc else None
    parts = [part for part in loc[1:] if part not in skip]
    template = _MESSAGES.get(error.get("type", ""))
    if location == "body" and not parts and error.get("type") == "missing":
        template = MISSING_BODY_MESSAGE
    try:
        message = template % error.get("ctx", {}) if template is not None else str(error.get("msg", ""))
    except (KeyError, TypeError, ValueError):
        message = str(error.get("msg", ""))
    return {
        "field": ".".join(parts) or None,
        "location": location,
        "message": message,
        "type": error.get("type"),
    }


def summary(items: list[dict[str, Any]]) -> str:
    """'The input is invalid: postcode: …; name: …' (in the request's language)."""
    parts = [f"{item['field']}: {item['message']}" if item["field"] else item["message"] for item in items]
    if not parts:
        return _("The input is invalid.")
    return _("The input is invalid: %(problems)s") % {"problems": "; ".join(parts)}


def install_error_handlers(api: NinjaAPI, *, body_params: tuple[str, ...] = ()) -> None:
    """Register the handlers; `body_params` are the names of body parameters, left out of `field`."""

    def respond(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.detail, **exc.extra)

    def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return respond(request, 400, exc.message, field=exc.field, code=exc.code)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        items = [error_item(error, skip=body_params) for error in exc.errors]
        return respond(request, 422, summary(items), errors=items)

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, str(UNAUTHORIZED_MESSAGE))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises HttpError(400, "Cannot parse request body") for malformed JSON.
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return respond(request, 400, str(MALFORMED_BODY_MESSAGE))
        return respond(request, exc.status_code, str(exc))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or str(FORBIDDEN_MESSAGE))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Deliberately the same body for "does not exist" and "not visible to you".
        return respond(request, 404, str(NOT_FOUND_MESSAGE))

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ServiceError, on_service_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(Http404, on_not_found)


@contextmanager
def renamed_fields(mapping: Mapping[str, str], rename: Callable[[str], str | None] | None = None) -> Iterator[None]:
    """Name a service error's field as the request body names it (need -> need_id); `rename` may map
    the others."""
    try:
        yield
    except ServiceError as exc:
        if exc.field in mapping:
            exc.field = mapping[exc.field]
        elif exc.field and rename is not None:
            exc.field = rename(exc.field) or exc.field
        raise
