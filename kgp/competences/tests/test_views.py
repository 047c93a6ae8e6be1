"""Public competence map, the competence holders' self-service and the backoffice curation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kgp.accounts.models import Role
from kgp.competences import access, services
from kgp.competences.models import CompetenceProfile
from kgp.testing.factories import UserFactory

from .conftest import make_profile, profile_data

pytestmark = pytest.mark.django_db

LIST = "/kompetenzen/"
ROBOT_TEXT = "Das Labor automatisiert Handhabung und Montage mit Industrierobotern, Greifern und Kameras für kleine Stückzahlen in Betrieben."
TESTING_TEXT = "Das Prüflabor untersucht metallische Bauteile und Schweißverbindungen auf Härte, Festigkeit, Gefüge und Risse für Erstmuster."


def names(response) -> list[str]:
    return re.findall(r'<h3 id="profile-\d+" class="break"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def profiles():
    return {
        "druckluft": make_profile("labor-druckluft"),
        "robotik": make_profile("hagen-robotik", institution="Fachhochschule Südwestfalen", unit="Labor für Robotik",
                                kind="uas", municipality=_m("Hagen"), keywords=["Roboter", "Greifer"], transfer_formats=["training"],
                                areas=("electrical_automation",), description=ROBOT_TEXT),
        "firma": make_profile("pruef-firma", institution="Prüflabor Schwerte GmbH", unit="", kind="company",
                              municipality=_m("Schwerte"), keywords=["Werkstoffprüfung"], transfer_formats=["contract_research"],
                              areas=("materials",), description=TESTING_TEXT),
        "entwurf": make_profile("entwurf", institution="Entwurf Institut", status="draft"),
    }  # fmt: skip


def _m(name):
    from kgp.organisations.models import Municipality

    return Municipality.objects.get(name=name)


# --- public ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Fachhochschule Dortmund", "Fachhochschule Südwestfalen", "Prüflabor Schwerte GmbH"]),
        ({"q": "ROBOTIK südwestfalen"}, ["Fachhochschule Südwestfalen"]),
        ({"q": "druckluft abwaerme"}, ["Fachhochschule Dortmund"]),
        ({"q": "druckluft roboter"}, []),
        ({"kind": "company"}, ["Prüflabor Schwerte GmbH"]),
        ({"area": "electrical_automation"}, ["Fachhochschule Südwestfalen"]),
        ({"format": "thesis"}, ["Fachhochschule Dortmund"]),
        ({"municipality": "schwerte"}, ["Prüflabor Schwerte GmbH"]),
        ({"q": "Entwurf"}, []),  # drafts are never public
    ],
)
def test_public_list_search_and_filters(client, profiles, params, expected):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert names(response) == expected


def test_unknown_filter_values_are_reported(client, profiles):
    body = client.get(LIST, {"kind": "hochschule", "municipality": "essen"}).content.decode()
    assert "hochschule" in body and "essen" in body and 'role="alert"' in body


def test_public_list_paginates_with_a_constant_number_of_queries(client):
    for i in range(45):
        make_profile(f"profil-{i:02d}", institution=f"Institut {i:02d}", areas=("energy", "materials"))
    counts = {}
    for label, params in {"p1": {}, "p3": {"page": 3}, "q": {"q": "institut"}, "filtered": {"kind": "uas", "area": "energy",
                          "format": "thesis", "municipality": "dortmund", "page": 2}}.items():  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST, params).status_code == 200
        counts[label] = len(ctx)
    assert counts["p1"] == counts["p3"] == counts["q"]
    assert counts["filtered"] <= counts["p1"] + 2  # the subject area and municipality keys are checked
    assert len(names(client.get(LIST, {"page": 3}))) == 5
    assert 'href="?&amp;page=2"' in client.get(LIST).content.decode()


def test_profile_page_shows_public_contacts_only(client, profile):
    services.contact_add(actor=None, profile=profile, data={"name": "Dr. Offen", "email": "offen@example.org", "is_public": True})
    services.contact_add(actor=None, profile=profile, data={"name": "Dr. Intern", "email": "intern@example.org", "phone": "0231 123456"})
    services.profile_mark_reviewed(actor=None, profile=profile, on=dt.date(2026, 1, 5))
    body = client.get(reverse("web:competence_detail", args=[profile.external_id])).content.decode()
    assert "Dr. Offen" in body and "offen@example.org" in body
    assert "Dr. Intern" not in body and "intern@example.org" not in body and "123456" not in body
    assert "Druckluft" in body and "Energietechnik" in body and "Dortmund" in body
    assert "5. Januar 2026" in body  # last reviewed
    assert "style=" not in body and "<script>" not in body


def test_drafts_and_unknown_ids_are_404(client, profiles, django_assert_num_queries):
    assert client.get(reverse("web:competence_detail", args=["entwurf"])).status_code == 404
    assert client.get(reverse("web:competence_detail", args=["gibt-es-nicht"])).status_code == 404
    assert client.get("/kompetenzen/Gro%C3%9F/").status_code == 404
    with django_assert_num_queries(0), pytest.raises(Exception):  # noqa: B017
        access.public_profile("a" * 101)


def test_nav_has_the_competence_map(client):
    assert f'href="{LIST}"' in client.get("/").content.decode()


# --- competence holders' self-service -----------------------------------------------------------


def test_competence_user_edits_only_their_own_profile(client, competence_user, profiles):
    own, other = profiles["druckluft"], profiles["robotik"]
    services.member_add(actor=None, profile=own, user=competence_user)
    client.force_login(competence_user)
    assert client.get("/accounts/login/").status_code in (200, 302)
    listing = client.get(reverse("web:portal_competences")).content.decode()
    assert own.name in listing and other.name not in listing
    assert client.get(reverse("web:portal_competence_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("web:portal_competence_reviewed", args=[other.pk])).status_code == 404
    url = reverse("web:portal_competence_edit", args=[own.pk])
    assert client.get(url).status_code == 200
    data = {
        "kind": "uas", "institution": "Fachhochschule Dortmund", "unit": "Labor für Druckluft und Abwärme",
        "municipality": own.municipality_id, "description": own.description, "keywords": "Druckluft, Abwärme, Leckage",
        "subject_areas": [], "transfer_formats": ["thesis"], "languages": ["de", "en"],
        "external_id": "gekapert", "status": "draft",
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    own.refresh_from_db()
    assert own.unit == "Labor für Druckluft und Abwärme" and own.keywords == ["Druckluft", "Abwärme", "Leckage"]
    assert own.external_id == "labor-druckluft" and own.status == "published"  # not theirs to change
    bad = client.post(url, data | {"description": "Kurz."})
    assert bad.status_code == 400 and "100" in bad.content.decode()
    assert client.post(reverse("web:portal_competence_reviewed", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.reviewed_on == timezone.localdate()


def test_competence_user_manages_contacts_of_their_profile_only(client, competence_user, profiles):
    own, other = profiles["druckluft"], profiles["robotik"]
    services.member_add(actor=None, profile=own, user=competence_user)
    foreign = services.contact_add(actor=None, profile=other, data={"name": "Fremd"})
    client.force_login(competence_user)
    create = reverse("web:portal_competence_contact_create", args=[own.pk])
    assert client.post(create, {"name": "Dr. Neu", "email": "neu@example.org", "is_public": "on"}).status_code == 302
    contact = own.contacts.get()
    assert contact.is_public
    assert client.get(reverse("web:portal_competence_contact_edit", args=[own.pk, foreign.pk])).status_code == 404
    assert client.get(reverse("web:portal_competence_contact_edit", args=[other.pk, foreign.pk])).status_code == 404
    assert client.post(reverse("web:portal_competence_contact_delete", args=[own.pk, contact.pk])).status_code == 302
    assert not own.contacts.exists() and other.contacts.exists()


@pytest.mark.parametrize("role", [Role.COMPANY, Role.CONSULTANT, Role.COORDINATOR])
def test_portal_pages_are_404_for_other_roles(client, profile, role):
    from kgp.testing.factories import org

    user = UserFactory(role=role, organisation=org("dortmund") if role != Role.COMPANY else None)
    client.force_login(user)
    assert client.get(reverse("web:portal_competences")).status_code == 404
    assert client.get(reverse("web:portal_competence_edit", args=[profile.pk])).status_code == 404


def test_anonymous_goes_to_the_login(client, profile):
    response = client.get(reverse("web:portal_competences"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- backoffice curation --------------------------------------------------------------------------


def test_backoffice_list_filters_needs_review(client, consultant, profiles):
    services.profile_mark_reviewed(actor=None, profile=profiles["robotik"])
    CompetenceProfile.objects.filter(pk=profiles["firma"].pk).update(reviewed_on=timezone.localdate() - dt.timedelta(days=400))
    client.force_login(consultant)
    body = client.get(reverse("backoffice:competence_list"), {"review": "due"}).content.decode()
    assert "Prüflabor Schwerte" in body and "Entwurf Institut" in body and "Südwestfalen" not in body
    body = client.get(reverse("backoffice:competence_list"), {"review": "due", "kind": "company"}).content.decode()
    assert "Prüflabor Schwerte" in body and "Entwurf Institut" not in body


def test_staff_curate_every_profile(client, other_consultant, readonly, competence_user, profiles):
    draft = profiles["entwurf"]
    client.force_login(other_consultant)  # Bochum edits a Dortmund profile: the map is the whole network's
    status_url = reverse("backoffice:competence_status", args=[draft.pk])
    assert client.post(status_url, {"status": "published"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    create = client.post(reverse("backoffice:competence_create"), profile_data("neu-im-netz", municipality=_m("Hamm").pk,
                         keywords="Logistik, Lager", transfer_formats=["thesis"], languages=["de"]))  # fmt: skip
    assert create.status_code == 302
    new = CompetenceProfile.objects.get(external_id="neu-im-netz")
    assert new.status == "draft" and new.keywords == ["Logistik", "Lager"]
    member_url = reverse("backoffice:competence_member_add", args=[new.pk])
    assert client.post(member_url, {"user": competence_user.pk}).status_code == 302
    assert client.post(member_url, {"user": competence_user.pk}).status_code == 400  # already a member
    detail = client.get(reverse("backoffice:competence_detail", args=[new.pk])).content.decode()
    assert competence_user.email in detail
    client.force_login(readonly)
    assert client.get(reverse("backoffice:competence_detail", args=[new.pk])).status_code == 200
    assert client.post(status_url, {"status": "draft"}).status_code == 403
    assert client.get(reverse("backoffice:competence_edit", args=[new.pk])).status_code == 403


def test_after_login_sends_competence_users_to_their_profiles(client, competence_user):
    client.force_login(competence_user)
    response = client.get(reverse("web:after_login"))
    assert response["Location"] == reverse("web:portal_competences")
