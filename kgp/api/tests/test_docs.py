"""The OpenAPI schema and the interactive docs: served without a token, and without any CDN."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

ASSET_RE = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', re.IGNORECASE)


@pytest.fixture
def openapi(db) -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_the_endpoints(openapi):
    paths = openapi["paths"]
    assert set(paths["/api/v1/companies"]) == {"get", "post"}
    assert set(paths["/api/v1/companies/{company_id}"]) == {"get", "patch"}
    list_params = {p["name"] for p in paths["/api/v1/companies"]["get"]["parameters"]}
    assert {"q", "municipality", "partner", "sector", "size_class", "topic", "sort", "page", "page_size"} <= list_params
    assert set(paths["/api/v1/climate/factors"]) == {"get"} and set(paths["/api/v1/climate/calculate"]) == {"post"}


def test_openapi_declares_bearer_auth_on_every_operation(openapi):
    schemes = openapi["components"]["securitySchemes"]
    assert {s["scheme"] for s in schemes.values()} == {"bearer"}  # staff tokens, and company tokens for events
    for path, operations in openapi["paths"].items():
        for operation in operations.values():
            if path.startswith("/api/v1/offers"):  # the public offer catalogue
                assert "security" not in operation, operation["operationId"]
                continue
            if path.startswith("/api/v1/check/"):  # the public Transformations-Check
                assert "security" not in operation, operation["operationId"]
                continue
            if path.startswith("/api/v1/competences"):  # the public competence map
                assert "security" not in operation, operation["operationId"]
                continue
            if path in ("/api/v1/events", "/api/v1/events/{slug}"):  # the public event list and pages
                assert "security" not in operation, operation["operationId"]
                continue
            if path.startswith("/api/v1/climate/"):  # the public climate quick check
                assert "security" not in operation, operation["operationId"]
                continue
            assert operation["security"], operation["operationId"]


def test_openapi_documents_the_error_shape(openapi):
    get_company = openapi["paths"]["/api/v1/companies/{company_id}"]["get"]
    assert {"200", "401", "403", "404"} <= set(get_company["responses"])
    assert "ErrorOut" in openapi["components"]["schemas"]


def test_docs_use_only_local_assets(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = ASSET_RE.findall(html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file"
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert '"validatorUrl": null' in html  # Swagger UI must not call the public validator


def test_docs_init_script_calls_no_external_host(db):
    path = finders.find("ninja/swagger-ui-init.js")
    assert path
    with open(path, encoding="utf-8") as handle:
        script = handle.read()
    assert "http://" not in script and "https://" not in script
