"""Helpers for the API tests: a JSON client that sends a personal API token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

COMPANIES = "/api/v1/companies"


def company_url(company_id: int | str) -> str:
    return f"{COMPANIES}/{company_id}"


class ApiClient:
    """Django's test client with `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, token: str | None = None, *, client: Client | None = None) -> None:
        self.token = token
        self.client = client or Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self._headers())

    def post(self, path: str, data: Any = None, *, raw: str | bytes | None = None) -> Any:
        body = raw if raw is not None else json.dumps(data)
        return self.client.post(path, body, content_type="application/json", headers=self._headers())

    def patch(self, path: str, data: Any = None, *, raw: str | bytes | None = None) -> Any:
        body = raw if raw is not None else json.dumps(data)
        return self.client.patch(path, body, content_type="application/json", headers=self._headers())
