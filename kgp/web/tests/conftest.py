"""Playwright fixtures for the browser tests (marker `browser`).

Chromium comes from the system (CHROMIUM_PATH, else `chromium` on PATH); Playwright never downloads
a browser. The pages run against pytest-django's in-process `live_server`.
"""

from __future__ import annotations

import os
from importlib import import_module

import pytest

from kgp.testing.browser import LAUNCH_ARGS as CHROMIUM_ARGS
from kgp.testing.browser import chromium_executable


@pytest.fixture(scope="module")
def browser():
    executable = chromium_executable()
    if executable is None:
        pytest.skip("no Chromium found (set CHROMIUM_PATH or install the chromium package)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM
    # calls made from the test (fixtures, assertions on the database) while that loop exists. Both the
    # loop and this variable live only as long as the browser (one module), so neither reaches other
    # tests or the subprocesses they start.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) and page for each test, German as the browser language."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _region_data(request):
    """Live-server tests run in committed transactions, and the database is flushed after each of
    them: this flush also removes what the data migrations loaded (partners, municipalities, postcode
    ranges, topics, the questionnaire of the Transformations-Check, the stages of the journey). Load it
    again before each such test.

    (serialized_rollback cannot do this reliably here: once Playwright's event loop runs in the test
    thread, Django's thread-critical connection storage switches to a per-context one, and the new
    connection object lacks the serialized contents taken at database setup.)
    """
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from kgp.assessment.models import Questionnaire
    from kgp.companies.models import Topic
    from kgp.journey.models import Stage
    from kgp.organisations.models import Organisation

    if not Organisation.objects.exists():
        import_module("kgp.organisations.migrations.0002_region_data").load(apps, None)
    if not Topic.objects.exists():
        import_module("kgp.companies.migrations.0002_topics").load(apps, None)
    if not Questionnaire.objects.exists():
        import_module("kgp.assessment.migrations.0002_questionnaire_v1").load(apps, None)
    if not Stage.objects.exists():
        import_module("kgp.journey.migrations.0002_stages").load(apps, None)
