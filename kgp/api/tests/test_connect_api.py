"""/api/v1/needs and /api/v1/introductions: scoped like the backoffice (kgp.connect.access).

Cast (see the root conftest): consultant = Dortmund, other_consultant = Bochum, readonly = Dortmund
read-only staff, coordinator = network coordination, company_user = member of `company` (Dortmund,
unshared). `bochum_company` is an unshared Bochum company.
"""

from __future__ import annotations

import pytest

from kgp.competences import services as competence_services
from kgp.competences.models import SubjectArea
from kgp.connect import services
from kgp.connect.models import Introduction, IntroductionEvent, Need
from kgp.journey.models import Activity, Case
from kgp.organisations.models import Municipality
from kgp.testing.factories import CompanyFactory

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/needs"
INTRODUCTIONS = "/api/v1/introductions"
EN = {"Accept-Language": "en"}
NEED_TEXT = "Unsere Druckluftanlage verliert an vielen Stellen Luft, wir suchen Hilfe bei der Leckagesuche."
PROFILE_TEXT = (
    "Das Labor untersucht Druckluftanlagen in Fertigungsbetrieben, findet jede Leckage mit Ultraschall, misst "
    "Verbräuche vor Ort und zeigt Maßnahmen, mit denen sich Energie und Kosten sparen lassen."
)
PERSON = {"name": "Erika Beispiel", "function": "Geschäftsführerin", "email": "erika@example.org", "phone": "0231 1234"}
TARGET_PERSON = {"name": "Prof. Dr. Max Muster", "function": "Laborleitung", "email": "muster@example.org"}
NEED_KEYS = {
    "id", "number", "company", "organisation", "kind", "kind_label", "title", "text", "topics", "formats",
    "municipality", "source", "check_result_id", "status", "created_by", "created_at", "updated_at", "can_edit",
}  # fmt: skip
INTRO_KEYS = {
    "id", "number", "company", "organisation", "case_id", "need", "kind", "target", "message", "status", "status_label",
    "company_decision", "target_decision", "reasons", "proposed_by", "created_at", "updated_at", "accepted_at", "can_record",
}  # fmt: skip


def need_url(need_id) -> str:
    return f"{NEEDS}/{need_id}"


def intro_url(intro_id, action: str = "") -> str:
    return f"{INTRODUCTIONS}/{intro_id}" + (f"/{action}" if action else "")


def make_profile(external_id: str = "labor-druckluft", status: str = "published", city: str = "Dortmund"):
    return competence_services.profile_create(
        actor=None,
        data={
            "external_id": external_id, "kind": "uas", "institution": "Hochschule Dortmund", "unit": "Labor für Druckluft",
            "municipality": Municipality.objects.get(name=city), "description": PROFILE_TEXT,
            "keywords": ["Druckluft", "Leckage"], "transfer_formats": ["thesis"], "languages": ["de"], "status": status,
        },  # fmt: skip
        subject_areas=SubjectArea.objects.filter(key="energy"),
    )


@pytest.fixture
def profile(db):
    return make_profile()


@pytest.fixture
def need(consultant, company):
    return services.need_create(
        actor=consultant, company=company, title="Druckluftleckagen finden", text=NEED_TEXT, topics=["energy"],
        formats=["thesis"],
    )  # fmt: skip


@pytest.fixture
def bochum_need(other_consultant, bochum_company):
    return services.need_create(
        actor=other_consultant, company=bochum_company, kind="supplier", title="Lohnbeschichter gesucht",
        text="Wir suchen einen regionalen Betrieb für Pulverbeschichtung von Blechteilen.",
    )  # fmt: skip


@pytest.fixture
def intro(consultant, company, profile, need):
    return services.introduction_propose(
        actor=consultant, company=company, profile=profile, need=need, message="Das Labor misst Druckluftleckagen.",
        company_person=PERSON,
    )  # fmt: skip


@pytest.fixture
def intro_to_bochum(consultant, company, bochum_company):
    """A Dortmund introduction whose other side is a Bochum company: Bochum's staff may read it."""
    return services.introduction_propose(
        actor=consultant, company=company, target_company=bochum_company, message="Beide Betriebe beschichten Bleche."
    )


# --- needs: reading ---------------------------------------------------------------------------


def test_needs_are_scoped_to_the_agency(api_as, consultant, other_consultant, readonly, coordinator, need, bochum_need):
    def listed(user):
        response = api_as(user).get(NEEDS)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert listed(consultant) == {need.pk}
    assert listed(readonly) == {need.pk}
    assert listed(other_consultant) == {bochum_need.pk}
    assert listed(coordinator) == {need.pk, bochum_need.pk}


def test_need_detail(api_as, consultant, need, company):
    response = api_as(consultant).get(need_url(need.pk))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == NEED_KEYS
    assert body["number"] == need.number and body["company"] == {"id": company.pk, "name": company.name}
    assert body["organisation"]["key"] == "dortmund" and body["municipality"]["key"] == "dortmund"
    assert body["kind"] == "competence" and body["topics"] == ["energy"] and body["formats"] == ["thesis"]
    assert body["source"] == "consultant" and body["status"] == "open" and body["can_edit"] is True


@pytest.mark.parametrize("need_id", ["999999", "abc", "0", "99999999999999999999"])
def test_unknown_need_is_404(api_as, consultant, need, need_id):
    response = api_as(consultant).get(need_url(need_id))
    assert response.status_code in (404, 422)
    if need_id == "999999":
        assert response.status_code == 404 and set(response.json()) == {"detail"}


def test_other_agency_gets_404_readonly_reads_without_edit(api_as, other_consultant, readonly, need):
    assert api_as(other_consultant).get(need_url(need.pk)).status_code == 404
    response = api_as(readonly).get(need_url(need.pk))
    assert response.status_code == 200 and response.json()["can_edit"] is False


def test_company_tokens_and_anonymous_are_refused(api_as, company_user, need, intro):
    for path in (NEEDS, need_url(need.pk), f"{need_url(need.pk)}/suggestions", INTRODUCTIONS, intro_url(intro.pk)):
        assert api_as(company_user).get(path).status_code == 403
        response = api_as(None).get(path)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert api_as(company_user).post(intro_url(intro.pk, "withdraw"), {}).status_code == 403


def test_need_list_filters(api_as, coordinator, consultant, company, need, bochum_need, bochum_company):
    services.need_update(
        actor=consultant, need=need, kind=need.kind, title=need.title, text=need.text, status="closed"
    )
    client = api_as(coordinator)

    def ids(params):
        response = client.get(NEEDS, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids({"company": company.pk}) == {need.pk}
    assert ids({"company": bochum_company.pk}) == {bochum_need.pk}
    assert ids({"status": "closed"}) == {need.pk}
    assert ids({"status": "open"}) == {bochum_need.pk}
    assert ids({"kind": "supplier"}) == {bochum_need.pk}
    assert client.get(NEEDS, {"kind": "astrologie"}).status_code == 422
    assert client.get(NEEDS, {"page_size": 201}).status_code == 422
    page = client.get(NEEDS, {"page_size": 1, "page": 2}).json()
    assert page["count"] == 2 and len(page["results"]) == 1


# --- needs: writing ---------------------------------------------------------------------------


def test_consultant_records_a_need(api_as, consultant, company):
    body = {"company_id": company.pk, "kind": "competence", "title": "Abwärme nutzen", "text": NEED_TEXT,
            "topics": ["energy"], "formats": ["lab_use"], "municipality": "unna"}  # fmt: skip
    response = api_as(consultant).post(NEEDS, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["title"] == "Abwärme nutzen" and data["municipality"]["key"] == "unna" and data["formats"] == ["lab_use"]
    need = Need.objects.get(pk=data["id"])
    assert need.organisation.key == "dortmund" and need.created_by == consultant and need.source == "consultant"


def test_need_municipality_defaults_to_the_companys(api_as, coordinator, company):
    response = api_as(coordinator).post(NEEDS, {"company_id": company.pk, "title": "Lieferant", "kind": "supplier", "text": NEED_TEXT})
    assert response.status_code == 201
    assert response.json()["municipality"]["key"] == "dortmund" and response.json()["organisation"]["key"] == "dortmund"


def test_who_may_record_a_need(api_as, readonly, other_consultant, company, shared_company):
    body = {"company_id": company.pk, "title": "Titel", "text": NEED_TEXT}
    assert api_as(readonly).post(NEEDS, body).status_code == 403
    response = api_as(other_consultant).post(NEEDS, body)
    assert response.status_code == 404 and response.json()["field"] == "company_id"
    # Another agency's shared company: readable, not editable.
    assert api_as(other_consultant).post(NEEDS, body | {"company_id": shared_company.pk}).status_code == 403
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"text": "zu kurz"}, 422, "text"),
        ({"title": ""}, 422, "title"),
        ({"title": "x" * 201}, 422, "title"),
        ({"kind": "astrologie"}, 422, "kind"),
        ({"formats": ["praktikum"]}, 422, "formats.0"),
        ({"company_id": "1"}, 422, "company_id"),
        ({"company_id": True}, 422, "company_id"),
        ({"extra": 1}, 422, "extra"),
        ({"title": "Null\x00byte"}, 422, "title"),
        ({"topics": ["astrologie"]}, 400, "topics"),
        ({"municipality": "berlin"}, 400, "municipality"),
    ],
)
def test_need_input_errors(api_as, consultant, company, change, status, field):
    body = {"company_id": company.pk, "title": "Titel", "text": NEED_TEXT} | change
    response = api_as(consultant).post(NEEDS, body)
    assert response.status_code == status, response.content
    data = response.json()
    fields = [e["field"] for e in data["errors"]] if status == 422 else [data["field"]]
    assert field in fields
    assert not Need.objects.exists()


def test_need_update_changes_only_what_is_sent(api_as, consultant, need):
    response = api_as(consultant).patch(need_url(need.pk), {"status": "closed", "municipality": "hamm"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed" and body["municipality"]["key"] == "hamm"
    assert body["title"] == need.title and body["text"] == need.text and body["topics"] == ["energy"]
    assert api_as(consultant).patch(need_url(need.pk), {"title": None}).status_code == 422
    assert api_as(consultant).patch(need_url(need.pk), {"text": "kurz"}).status_code == 422


def test_who_may_change_a_need(api_as, readonly, other_consultant, coordinator, need):
    assert api_as(readonly).patch(need_url(need.pk), {"status": "closed"}).status_code == 403
    assert api_as(other_consultant).patch(need_url(need.pk), {"status": "closed"}).status_code == 404
    assert api_as(coordinator).patch(need_url(need.pk), {"status": "closed"}).status_code == 200


# --- suggestions ------------------------------------------------------------------------------


def test_competence_need_suggests_published_profiles_with_reasons(api_as, consultant, need, profile):
    make_profile("entwurf-druckluft", status="draft")
    client = api_as(consultant)
    response = client.client.get(f"{need_url(need.pk)}/suggestions", headers={**client._headers(), **EN})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["need_id"] == need.pk and body["kind"] == "competence"
    assert [row["external_id"] for row in body["results"]] == ["labor-druckluft"]
    first = body["results"][0]
    assert first["target"] == "profile" and first["company_id"] is None and first["distance_km"] == 0.0
    assert any(r["type"] == "term" for r in first["reasons"])
    assert any(r["type"] == "topic" and "energy" in r["topics"] for r in first["reasons"])
    assert first["explanation"] and first["explanation"][0].startswith("Matching terms")


def _connect_profile(actor, company, **values):
    return services.company_profile_save(actor=actor, company=company, **values)


def test_peer_need_suggests_visible_companies_only(api_as, consultant, coordinator, company, bochum_company, shared_company):
    challenges = "Hohe Energiekosten durch Druckluftleckagen in der Fertigung, wir suchen Erfahrungsaustausch."
    for c in (company, bochum_company, shared_company):
        _connect_profile(coordinator, c, challenges=challenges, peer_exchange=True)
    own_agency = CompanyFactory(name="Dortmunder Druckguss GmbH", postcode="44141", city="Dortmund")
    _connect_profile(coordinator, own_agency, challenges=challenges, peer_exchange=True)
    need = services.need_create(actor=consultant, company=company, kind="peer", title="Austausch Druckluft", text=challenges)

    def suggested(user):
        response = api_as(user).get(f"{need_url(need.pk)}/suggestions")
        assert response.status_code == 200, response.content
        rows = response.json()["results"]
        assert all(row["target"] == "company" and row["external_id"] is None and row["reasons"] for row in rows)
        return {row["company_id"] for row in rows}

    # Never the need's own company; Dortmund's consultant does not see the unshared Bochum company.
    assert suggested(consultant) == {shared_company.pk, own_agency.pk}
    assert suggested(coordinator) == {shared_company.pk, own_agency.pk, bochum_company.pk}


def test_supplier_need_suggests_companies_by_capability(api_as, coordinator, bochum_need, company):
    _connect_profile(coordinator, company, capabilities="Pulverbeschichtung und Nasslackierung von Blechteilen", supplier=True)
    response = api_as(coordinator).get(f"{need_url(bochum_need.pk)}/suggestions", {"limit": 5})
    assert response.status_code == 200
    assert [row["company_id"] for row in response.json()["results"]] == [company.pk]


def test_suggestions_scoping_and_limits(api_as, other_consultant, readonly, consultant, need, profile):
    assert api_as(other_consultant).get(f"{need_url(need.pk)}/suggestions").status_code == 404
    assert api_as(readonly).get(f"{need_url(need.pk)}/suggestions").status_code == 200
    for limit in (0, 51, "x"):
        assert api_as(consultant).get(f"{need_url(need.pk)}/suggestions", {"limit": limit}).status_code == 422


# --- introductions: proposing -----------------------------------------------------------------


def test_consultant_proposes_an_introduction_for_a_need(api_as, consultant, need, profile, company):
    body = {"need_id": need.pk, "target_profile": "labor-druckluft", "message": "Das Labor findet Leckagen.", "company_person": PERSON}
    response = api_as(consultant).post(INTRODUCTIONS, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(INTRO_KEYS) <= set(data) and {"events", "persons"} <= set(data)
    assert data["status"] == "proposed" and data["company_decision"] == data["target_decision"] == "pending"
    assert data["target"] == {"type": "profile", "external_id": "labor-druckluft", "company_id": None, "name": profile.name}
    assert data["need"] == {"id": need.pk, "number": need.number, "title": need.title}
    assert data["company"]["id"] == company.pk and data["can_record"] is True
    assert data["persons"] == {"company": None, "target": None}  # named, but shown only after both agreed
    assert [e["what"] for e in data["events"]] == ["proposed"]
    intro = Introduction.objects.get(pk=data["id"])
    assert intro.company_person["email"] == PERSON["email"]
    assert Case.objects.get(pk=data["case_id"]).company == company
    assert Activity.objects.filter(pk=intro.activity_id, kind="introduction").exists()


def test_propose_for_a_company_to_another_company(api_as, coordinator, company, bochum_company):
    body = {"company_id": company.pk, "target_company_id": bochum_company.pk, "message": "Beide beschichten Bleche."}
    response = api_as(coordinator).post(INTRODUCTIONS, body)
    assert response.status_code == 201, response.content
    assert response.json()["target"] == {"type": "company", "external_id": None, "company_id": bochum_company.pk, "name": bochum_company.name}
    assert response.json()["kind"] == "peer"


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"target_profile": None}, 400, "target"),
        ({"target_company_id": 1}, 400, "target"),
        ({"target_profile": "gibt-es-nicht"}, 404, "target_profile"),
        ({"target_profile": "entwurf"}, 400, "target_profile"),
        ({"need_id": None}, 400, "company_id"),
        ({"need_id": 999999}, 404, "need_id"),
        ({"message": "kurz"}, 422, "message"),
        ({"company_person": {"name": "Ohne Mail"}}, 422, "company_person.email"),
        ({"company_person": {"name": "X", "email": "keine-adresse"}}, 400, "company_person"),
    ],
)
def test_propose_input_errors(api_as, consultant, need, profile, change, status, field):
    make_profile("entwurf", status="draft")
    body = {"need_id": need.pk, "target_profile": "labor-druckluft", "message": "Das Labor findet Leckagen."} | change
    response = api_as(consultant).post(INTRODUCTIONS, {k: v for k, v in body.items() if v is not None})
    assert response.status_code == status, response.content
    data = response.json()
    assert field in ([e["field"] for e in data["errors"]] if status == 422 else [data.get("field")])
    assert not Introduction.objects.exists()


def test_need_and_company_must_agree(api_as, consultant, need, profile, shared_company):
    body = {"need_id": need.pk, "company_id": shared_company.pk, "target_profile": "labor-druckluft", "message": "Das Labor hilft."}
    response = api_as(consultant).post(INTRODUCTIONS, body)
    assert response.status_code == 400 and response.json()["field"] == "need_id"


def test_a_second_open_introduction_is_refused(api_as, consultant, intro, need):
    body = {"need_id": need.pk, "target_profile": "labor-druckluft", "message": "Noch einmal, bitte."}
    response = api_as(consultant).post(INTRODUCTIONS, body)
    assert response.status_code == 400 and response.json()["code"] == "duplicate"
    assert response.json()["field"] == "target_profile"


def test_who_may_propose(api_as, readonly, other_consultant, company, bochum_company, profile):
    body = {"company_id": company.pk, "target_profile": "labor-druckluft", "message": "Das Labor hilft sicher."}
    assert api_as(readonly).post(INTRODUCTIONS, body).status_code == 403
    response = api_as(other_consultant).post(INTRODUCTIONS, body)
    assert response.status_code == 404 and response.json()["field"] == "company_id"
    # A target company the consultant cannot read answers 404 too.
    own = {"company_id": bochum_company.pk, "target_company_id": company.pk, "message": "Beide beschichten Bleche."}
    response = api_as(other_consultant).post(INTRODUCTIONS, own)
    assert response.status_code == 404 and response.json()["field"] == "target_company_id"
    assert not Introduction.objects.exists()


# --- introductions: reading -------------------------------------------------------------------


def test_introductions_are_scoped(api_as, consultant, other_consultant, readonly, coordinator, intro, intro_to_bochum):
    def listed(user):
        response = api_as(user).get(INTRODUCTIONS)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert listed(consultant) == {intro.pk, intro_to_bochum.pk}
    assert listed(readonly) == {intro.pk, intro_to_bochum.pk}
    assert listed(coordinator) == {intro.pk, intro_to_bochum.pk}
    assert listed(other_consultant) == {intro_to_bochum.pk}  # the other side is a Bochum company
    assert api_as(other_consultant).get(intro_url(intro.pk)).status_code == 404
    response = api_as(other_consultant).get(intro_url(intro_to_bochum.pk))
    assert response.status_code == 200 and response.json()["can_record"] is False


def test_introduction_list_filters(api_as, coordinator, intro, intro_to_bochum, need, company):
    client = api_as(coordinator)

    def ids(params):
        return {row["id"] for row in client.get(INTRODUCTIONS, params).json()["results"]}

    assert ids({"need": need.pk}) == {intro.pk}
    assert ids({"company": company.pk}) == {intro.pk, intro_to_bochum.pk}
    assert ids({"status": "proposed"}) == {intro.pk, intro_to_bochum.pk}
    assert ids({"status": "accepted"}) == set()
    assert client.get(INTRODUCTIONS, {"status": "vielleicht"}).status_code == 422


# --- introductions: double opt-in -------------------------------------------------------------


def test_contact_persons_appear_only_after_both_sides_agreed(api_as, consultant, intro):
    client = api_as(consultant)
    response = client.post(intro_url(intro.pk, "decision"), {"side": "company", "accept": True, "person": PERSON})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["company_decision"] == "accepted" and data["status"] == "proposed"
    assert data["persons"] == {"company": None, "target": None}
    assert PERSON["email"] not in response.content.decode()

    response = client.post(intro_url(intro.pk, "decision"), {"side": "target", "accept": True, "person": TARGET_PERSON})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "accepted" and data["accepted_at"]
    assert data["persons"]["company"] == PERSON
    assert data["persons"]["target"] == TARGET_PERSON | {"phone": ""}
    events = data["events"]
    assert [e["what"] for e in events] == ["proposed", "company_accepted", "target_accepted"]
    assert all(e["on_behalf"] for e in events[1:]) and events[1]["actor"]["id"] == consultant.pk
    assert client.get(intro_url(intro.pk)).json()["persons"] == data["persons"]


def test_agreeing_on_behalf_needs_the_person(api_as, consultant, intro):
    response = api_as(consultant).post(intro_url(intro.pk, "decision"), {"side": "target", "accept": True})
    assert response.status_code == 400 and response.json()["field"] == "person"
    assert not IntroductionEvent.objects.filter(introduction=intro, what="target_accepted").exists()


def test_a_decline_ends_the_introduction(api_as, consultant, intro):
    client = api_as(consultant)
    response = client.post(intro_url(intro.pk, "decision"), {"side": "target", "accept": False, "note": "Keine Kapazität"})
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert response.json()["persons"] == {"company": None, "target": None}
    response = client.post(intro_url(intro.pk, "decision"), {"side": "company", "accept": True, "person": PERSON})
    assert response.status_code == 400 and response.json()["code"] == "not_pending"


def test_a_side_answers_once(api_as, consultant, intro):
    client = api_as(consultant)
    assert client.post(intro_url(intro.pk, "decision"), {"side": "company", "accept": True, "person": PERSON}).status_code == 200
    response = client.post(intro_url(intro.pk, "decision"), {"side": "company", "accept": False})
    assert response.status_code == 400 and response.json()["code"] == "answered"


@pytest.mark.parametrize(
    "body",
    [
        {"side": "beide", "accept": True},
        {"side": "company"},
        {"side": "company", "accept": "vielleicht"},
        {"side": "company", "accept": True, "person": {"name": "", "email": "a@example.org"}},
        {"side": "company", "accept": True, "on_behalf": False},
    ],
)
def test_decision_input_errors(api_as, consultant, intro, body):
    assert api_as(consultant).post(intro_url(intro.pk, "decision"), body).status_code == 422


def test_withdraw(api_as, consultant, intro):
    client = api_as(consultant)
    response = client.post(intro_url(intro.pk, "withdraw"), {"note": "Hat sich erledigt"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert response.json()["events"][-1]["what"] == "withdrawn"
    response = client.post(intro_url(intro.pk, "withdraw"), {})
    assert response.status_code == 400 and response.json()["code"] == "not_pending"


def test_withdraw_needs_no_body(api_as, consultant, intro):
    client = api_as(consultant)
    response = client.client.post(intro_url(intro.pk, "withdraw"), content_type="application/json", headers=client._headers())
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_who_may_answer_and_withdraw(api_as, readonly, other_consultant, coordinator, intro, intro_to_bochum):
    decision = {"side": "company", "accept": False}
    assert api_as(readonly).post(intro_url(intro.pk, "decision"), decision).status_code == 403
    assert api_as(readonly).post(intro_url(intro.pk, "withdraw"), {}).status_code == 403
    assert api_as(other_consultant).post(intro_url(intro.pk, "decision"), decision).status_code == 404
    assert api_as(other_consultant).post(intro_url(intro.pk, "withdraw"), {}).status_code == 404
    # Bochum reads the introduction to its company but does not record for it.
    assert api_as(other_consultant).post(intro_url(intro_to_bochum.pk, "decision"), decision).status_code == 403
    assert api_as(other_consultant).post(intro_url(intro_to_bochum.pk, "withdraw"), {}).status_code == 403
    assert api_as(coordinator).post(intro_url(intro_to_bochum.pk, "withdraw"), {}).status_code == 200
    intro.refresh_from_db()
    assert intro.status == "proposed"
