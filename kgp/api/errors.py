"""One error shape for every 4xx answer of the API: {"detail": "...", ...}.

- 400 ServiceError (a business rule of a service): {"detail", "field", "code"}
- 401 no or an invalid token, 403 not allowed, 404 not found or not visible: {"detail"}
- 422 invalid input (schema or filter values): {"detail", "errors": [{"field", "location", "message", "type"}]}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kgp.core.errors import ServiceError

UNAUTHORIZED_MESSAGE = "Nicht angemeldet: erwartet wird ein gültiger API-Token als 'Authorization: Bearer <token>'."
FORBIDDEN_MESSAGE = "Dafür fehlt Ihnen die Berechtigung."
NOT_FOUND_MESSAGE = "Nicht gefunden."
INVALID_INPUT_MESSAGE = "Die Eingabe ist ungültig"
MALFORMED_BODY_MESSAGE = "Der Request-Body ist kein gültiges JSON."
MISSING_BODY_MESSAGE = "Der Request-Body fehlt; erwartet wird ein JSON-Objekt."

# German texts for the pydantic errors a client can run into; anything else keeps pydantic's text.
_MESSAGES: dict[str, str] = {
    "missing": "Pflichtangabe fehlt.",
    "string_too_short": "Mindestens {min_length} Zeichen erforderlich.",
    "string_too_long": "Höchstens {max_length} Zeichen erlaubt.",
    "string_type": "Erwartet wird eine Zeichenkette.",
    "string_unicode": "Die Zeichenkette enthält ungültige Unicode-Zeichen.",
    "literal_error": "Erlaubt sind: {expected}.",
    "int_parsing": "Erwartet wird eine ganze Zahl.",
    "int_type": "Erwartet wird eine ganze Zahl.",
    "int_from_float": "Erwartet wird eine ganze Zahl.",
    "greater_than_equal": "Der Wert muss mindestens {ge} sein.",
    "less_than_equal": "Der Wert darf höchstens {le} sein.",
    "bool_parsing": "Erwartet wird true oder false.",
    "bool_type": "Erwartet wird true oder false.",
    "list_type": "Erwartet wird eine Liste.",
    "too_long": "Höchstens {max_length} Einträge erlaubt.",
    "extra_forbidden": "Dieses Feld gibt es nicht oder es kann nicht gesetzt werden.",
    "model_attributes_type": "Erwartet wird ein JSON-Objekt.",
    "dict_type": "Erwartet wird ein JSON-Objekt.",
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
        message = template.format(**error.get("ctx", {})) if template else str(error.get("msg", ""))
    except (KeyError, IndexError):
        message = str(error.get("msg", ""))
    return {
        "field": ".".join(parts) or None,
        "location": location,
        "message": message,
        "type": error.get("type"),
    }


def summary(items: list[dict[str, Any]]) -> str:
    """'Die Eingabe ist ungültig: postcode: …; name: …'"""
    parts = [f"{item['field']}: {item['message']}" if item["field"] else item["message"] for item in items]
    return f"{INVALID_INPUT_MESSAGE}: " + "; ".join(parts) if parts else INVALID_INPUT_MESSAGE + "."


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
        response = respond(request, 401, UNAUTHORIZED_MESSAGE)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises HttpError(400, "Cannot parse request body") for malformed JSON.
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return respond(request, 400, MALFORMED_BODY_MESSAGE)
        return respond(request, exc.status_code, str(exc))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or FORBIDDEN_MESSAGE)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Deliberately the same body for "does not exist" and "not visible to you".
        return respond(request, 404, NOT_FOUND_MESSAGE)

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ServiceError, on_service_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(Http404, on_not_found)
