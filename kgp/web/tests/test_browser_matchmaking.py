"""End-to-end: a consultant records a need for a company, picks a suggested institute and proposes an
introduction; the institute's competence-holder user agrees in the portal; the company agrees too and
then sees the institute's contact person (double opt-in: nothing is shown before both agreed).

The need page (backoffice) and the introduction page (portal) are scanned with axe-core. Visible texts
are translated with the server's catalogues, so the test holds whether or not a msgid is translated.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kgp.accounts.models import Role
from kgp.competences import services as competence_services
from kgp.competences.models import SubjectArea
from kgp.connect.models import Introduction, IntroductionStatus, Need
from kgp.journey.models import Activity, ActivityKind
from kgp.organisations.models import Municipality
from kgp.testing.factories import UserFactory

from .test_browser import PageWatch, de
from .test_browser_journey import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEED_TEXT = (
    "Unser Druckluftverbrauch ist im letzten Jahr deutlich gestiegen, ohne dass wir mehr produzieren. "
    "Wir vermuten Leckagen im Netz und suchen jemanden, der systematisch misst und auswertet."
)


@pytest.fixture
def institute(db):
    """A published profile about compressed-air leaks, maintained by a competence-holder user, and a
    distractor about plastics."""
    if not SubjectArea.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("kgp.competences.migrations.0002_subject_areas").load(apps, None)
    dortmund = Municipality.objects.get(name="Dortmund")
    profile = competence_services.profile_create(
        actor=None,
        data={
            "external_id": "fh-druckluftlabor", "kind": "uas", "institution": "Fachhochschule Beispielstadt",
            "unit": "Labor für Druckluft und Energieeffizienz", "municipality": dortmund,
            "description": (
                "Das Labor misst Druckluftnetze in Fertigungsbetrieben, ortet Leckagen mit Ultraschall und zeigt, "
                "wie sich der Energiebedarf von Kompressoren senken lässt. Messkampagnen vor Ort und Abschlussarbeiten."
            ),
            "keywords": ["Druckluft", "Leckageortung", "Kompressoren"], "transfer_formats": ["thesis", "lab_use"],
            "languages": ["de"], "status": "published",
        },
    )  # fmt: skip
    competence_services.profile_create(
        actor=None,
        data={
            "external_id": "kunststoff-lehrstuhl", "kind": "university", "institution": "Technische Universität Beispiel",
            "unit": "Lehrstuhl Kunststoffverarbeitung", "municipality": dortmund,
            "description": (
                "Der Lehrstuhl forscht zur Verarbeitung und zum Recycling von Kunststoffen im Spritzguss, zu Rezyklaten "
                "und zur Qualitätssicherung von Formteilen. Verbundprojekte und Materialprüfung für Unternehmen."
            ),
            "keywords": ["Spritzguss", "Rezyklat"], "languages": ["de"], "status": "published",
        },
    )  # fmt: skip
    holder = UserFactory(email="laborleitung@example.org", role=Role.COMPETENCE, first_name="Eva", last_name="Muster")
    competence_services.member_add(actor=None, profile=profile, user=holder)
    return profile, holder


def test_consultant_proposes_an_introduction_both_agree_and_the_company_sees_the_contact(
    page: Page, live_server, consultant, company, company_user, institute
):
    profile, holder = institute
    watch = PageWatch(page)

    # --- 1. The consultant records a need on the company page. ---
    log_in(page, live_server, consultant.email)
    page.goto(f"{live_server.url}/backoffice/companies/{company.pk}/")
    page.get_by_role("link", name=de("Record a need")).click()
    page.get_by_label(de("Title")).fill("Druckluftleckagen finden")
    page.get_by_label(de("Description of the need")).fill(NEED_TEXT)
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    need = Need.objects.get(company=company)
    expect(page).to_have_url(re.compile(rf"/backoffice/bedarfe/{need.pk}/$"))

    # --- 2. The suggestions list the institute first, with the reasons. ---
    suggestions = page.locator("main ol.suggestions > li")
    expect(suggestions.first).to_contain_text(profile.name)
    expect(suggestions.first).to_contain_text("druckluft")
    assert_accessible(page, "need_detail_with_suggestions")
    suggestions.first.get_by_role("link", name=re.compile(re.escape(de("Propose an introduction")))).click()
    expect(page.get_by_label(de("Why this contact"))).not_to_have_value("")
    with page.expect_navigation():
        page.get_by_role("button", name=de("Propose the introduction")).click()
    intro = Introduction.objects.get(company=company, profile=profile)
    assert intro.status == IntroductionStatus.PROPOSED
    expect(page).to_have_url(re.compile(rf"/backoffice/vermittlungen/{intro.pk}/$"))
    activity = Activity.objects.get(pk=intro.activity_id)
    assert activity.kind == ActivityKind.INTRODUCTION and activity.module == "connect"

    # --- 3. The competence holder agrees in the portal. ---
    log_in(page, live_server, holder.email)
    page.goto(f"{live_server.url}/portal/vermittlungen/{intro.pk}/")
    expect(page.locator("main")).to_contain_text(company.name)
    expect(page.locator("main")).to_contain_text(de("Contact details appear here only after both sides have agreed."))
    assert "inhaberin@example.org" not in page.content()
    assert_accessible(page, "introduction_detail_competence")
    with page.expect_navigation():
        page.get_by_role("button", name=de("Agree"), exact=True).click()
    intro.refresh_from_db()
    assert intro.target_decision == "accepted" and intro.status == IntroductionStatus.PROPOSED

    # --- 4. The company sees no contact yet, agrees, and then sees the institute's contact person. ---
    log_in(page, live_server, company_user.email)
    page.goto(f"{live_server.url}/portal/vermittlungen/{intro.pk}/")
    assert holder.email not in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name=de("Agree"), exact=True).click()
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.ACCEPTED
    main = page.locator("main")
    expect(main).to_contain_text(de("Both sides agreed. Please get in touch directly."))
    expect(main.get_by_role("link", name=holder.email)).to_have_attribute("href", f"mailto:{holder.email}")
    assert_accessible(page, "introduction_detail_accepted")

    # --- 5. The consultant sees both contact persons now, and the case activity says so. ---
    log_in(page, live_server, consultant.email)
    page.goto(f"{live_server.url}/backoffice/vermittlungen/{intro.pk}/")
    expect(page.locator("main")).to_contain_text(holder.email)
    expect(page.locator("main")).to_contain_text(company_user.email)
    activity.refresh_from_db()
    assert str(IntroductionStatus.ACCEPTED.label) in activity.summary or de("Both sides agreed") in activity.summary

    assert not watch.page_errors, watch.page_errors
    csp = [e for e in watch.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp, csp
    foreign = [url for url in watch.requests if not (url.startswith(live_server.url + "/") or url.startswith("data:"))]
    assert not foreign, foreign
