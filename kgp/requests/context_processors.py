"""`package_count`: the number of offers in the visitor's package, for the link in the page header.

Lazy: nothing is read unless a template uses it (then once per page: one count query for company
users, the session for everybody else). Templates call the function and get an int.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from . import package


def package_count(request: HttpRequest) -> dict[str, Callable[[], int] | int]:
    if not hasattr(request, "session") or not hasattr(request, "user"):
        return {"package_count": 0}

    @cache
    def count() -> int:
        return package.count(request)

    return {"package_count": count}
