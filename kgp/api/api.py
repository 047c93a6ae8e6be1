"""The JSON API, mounted at /api/v1/ (docs at /api/v1/docs, schema at /api/v1/openapi.json)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from .appointments import router as appointments_router
from .check import router as check_router
from .climate import company_footprints_router
from .climate import router as climate_router
from .companies import router as companies_router
from .competences import router as competences_router
from .connect import introductions_router, needs_router
from .errors import install_error_handlers
from .events import me_router as events_me_router
from .events import router as events_router
from .journey import activities_router, cases_router
from .offers import router as offers_router

# < > & never appear literally in a response: harmless even if a client sniffs the body as HTML.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


class HtmlSafeJSONRenderer(JSONRenderer):
    """JSON in which <, > and & are written as \\u escapes (same data once parsed)."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> str:
        # Outside of strings JSON never contains these characters, so replacing them is safe.
        return json.dumps(data, cls=self.encoder_class, **self.json_dumps_params).translate(_HTML_SAFE)


api = NinjaAPI(
    title="Kompetenzregion grüne Produktion API",
    version="1",
    # Lazy: the schema is built per request, so the description follows the request's language.
    description=gettext_lazy(
        "Company data of the Kompetenzregion for the staff of the partners. "
        "Sign in with a personal API token: `Authorization: Bearer <token>` "
        "(created with `manage.py api_token create EMAIL`)."
    ),
    urls_namespace="api",
    renderer=HtmlSafeJSONRenderer(),
    # Swagger UI from ninja's own static files; no call to the public validator service.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api, body_params=("payload",))
api.add_router("/companies", companies_router)
api.add_router("/offers", offers_router)
api.add_router("/check", check_router)
api.add_router("/slots", appointments_router)
api.add_router("/cases", cases_router)
api.add_router("/activities", activities_router)
api.add_router("/competences", competences_router)
api.add_router("/needs", needs_router)
api.add_router("/introductions", introductions_router)
api.add_router("/events", events_router)
api.add_router("/me", events_me_router)
api.add_router("/climate", climate_router)
api.add_router("/companies", company_footprints_router)
