"""Private pages are never stored by browsers or proxies."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers

PRIVATE_PREFIXES = ("/backoffice/", "/portal/", "/accounts/", "/api/", "/admin/")


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES):
            if "Cache-Control" not in response:
                add_never_cache_headers(response)
            # htmx requests get partial pages: a cache must not mix them up with the full page.
            patch_vary_headers(response, ("HX-Request",))
        return response
