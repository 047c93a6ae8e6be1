"""Backoffice pages of the connect module: needs (list, record, from a check result, edit, close),
suggestions with their explanations, proposing introductions, recording a side's answer on its
behalf, withdrawing, the company profile for exchange and supply, and the synonym list.

The cast of conftest.py: Dortmund's consultant owns `company`; Bochum's consultant is another agency;
read-only staff of Dortmund read and get 403 on changes; the coordination sees and changes all.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kgp.assessment import services as check_services
from kgp.assessment.models import Questionnaire
from kgp.companies.models import Company
from kgp.competences import services as competence_services
from kgp.connect import services
from kgp.connect.models import (
    CompanyProfile,
    Decision,
    Introduction,
    IntroductionEvent,
    IntroductionStatus,
    Need,
    NeedSource,
    NeedStatus,
    SynonymList,
)
from kgp.core.models import AuditLogEntry
from kgp.organisations.models import Municipality
from kgp.testing.factories import CompanyFactory, ContactFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEEDS = reverse("backoffice:need_list")
INTRODUCTIONS = reverse("backoffice:introduction_list")
SYNONYMS = reverse("backoffice:synonyms")
NEED_TEXT = (
    "Unsere drei Kompressoren laufen rund um die Uhr. Wir möchten die Abwärme der Druckluftanlage für die "
    "Hallenheizung nutzen und suchen dafür fachliche Unterstützung."
)


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are asserted in English (the msgids); the German catalogue is maintained separately."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _profile(actor, external_id: str, *, city: str, institution: str, unit: str, keywords: list[str], text: str):
    return competence_services.profile_create(
        actor=actor, data={
            "external_id": external_id, "kind": "university", "institution": institution, "unit": unit,
            "municipality": Municipality.objects.get(name=city), "description": text,
            "keywords": keywords, "transfer_formats": ["contract_research", "thesis"], "status": "published",
        },
    )  # fmt: skip


@pytest.fixture
def profiles(coordinator):
    heat = _profile(
        coordinator, "tu-waerme", city="Dortmund", institution="TU Dortmund", unit="Lehrstuhl für Energieeffizienz",
        keywords=["Abwärme", "Wärmerückgewinnung", "Druckluft"],
        text="Der Lehrstuhl untersucht die Nutzung von Abwärme in der Produktion, Wärmerückgewinnung an Kompressoren "
        "und effiziente Druckluftsysteme für kleine und mittlere Unternehmen.",
    )  # fmt: skip
    robots = _profile(
        coordinator, "rub-robotik", city="Bochum", institution="Ruhr-Universität Bochum", unit="Lehrstuhl für Robotik",
        keywords=["Robotik", "Greifer", "Bildverarbeitung"],
        text="Der Lehrstuhl entwickelt Greifsysteme und Bildverarbeitung für die flexible Automatisierung in der "
        "Montage und bietet Studienprojekte und Abschlussarbeiten mit Unternehmen an.",
    )  # fmt: skip
    return heat, robots


@pytest.fixture
def need(consultant, company):
    return services.need_create(
        actor=consultant, company=company, kind="competence", title="Abwärme der Kompressoren nutzen", text=NEED_TEXT,
        topics=["energy"], formats=["contract_research"],
    )  # fmt: skip


def _company_with_profile(name: str, postcode: str, city: str, actor, *, shared: bool = False, **profile):
    company = CompanyFactory(name=name, postcode=postcode, city=city, network_sharing=shared)
    services.company_profile_save(actor=actor, company=company, **profile)
    return company


@pytest.fixture
def peers(coordinator):
    """Companies with a profile: one of Dortmund, one shared and one unshared of Bochum."""
    challenge = "Hohe Energiekosten durch die Druckluft; wir wollen die Abwärme der Kompressoren nutzen."
    own = _company_with_profile("Gießerei Dortmund GmbH", "44145", "Dortmund", coordinator, peer_exchange=True, challenges=challenge)
    shared = _company_with_profile(
        "Härterei Bochum GmbH", "44787", "Bochum", coordinator, shared=True, peer_exchange=True, challenges=challenge
    )
    hidden = _company_with_profile("Presswerk Bochum GmbH", "44789", "Bochum", coordinator, peer_exchange=True, challenges=challenge)
    return own, shared, hidden


def _names(response) -> list[str]:
    return [s.name for s in response.context["suggestions"]]


def _propose(client, need, target: str, **data):
    return client.post(
        reverse("backoffice:introduction_propose", args=[need.pk]),
        {"target": target, "message": "Der Lehrstuhl forscht genau zu diesem Thema.", **data},
    )


# --- needs ----------------------------------------------------------------------------------------


def test_need_list_is_scoped_to_the_agency(client, need, consultant, other_consultant, readonly, coordinator):
    bochum = CompanyFactory(name="Bochumer Guss GmbH", postcode="44787", city="Bochum")
    other = services.need_create(actor=other_consultant, company=bochum, title="Gießerei-Sand aufbereiten", text=NEED_TEXT)
    seen = {}
    for user in (consultant, other_consultant, readonly, coordinator):
        client.force_login(user)
        seen[user.email] = {n.pk for n in client.get(NEEDS).context["page"].object_list}
    assert seen[consultant.email] == seen[readonly.email] == {need.pk}
    assert seen[other_consultant.email] == {other.pk}
    assert seen[coordinator.email] == {need.pk, other.pk}
    client.force_login(other_consultant)
    assert client.get(reverse("backoffice:need_detail", args=[need.pk])).status_code == 404
    assert client.get(reverse("backoffice:need_edit", args=[need.pk])).status_code == 404
    client.force_login(readonly)
    assert client.get(reverse("backoffice:need_detail", args=[need.pk])).status_code == 200
    assert client.get(reverse("backoffice:need_edit", args=[need.pk])).status_code == 403
    assert client.post(reverse("backoffice:need_status", args=[need.pk]), {"status": "closed"}).status_code == 403
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN


def test_need_list_filters(client, consultant, company, need):
    other = CompanyFactory(name="Kunststofftechnik Hörde GmbH", postcode="44263")
    peer = services.need_create(actor=consultant, company=other, kind="peer", title="Austausch zu Energiekosten", text=NEED_TEXT)
    closed = services.need_create(actor=consultant, company=other, kind="supplier", title="Pulverbeschichter gesucht", text=NEED_TEXT)
    services.need_update(actor=consultant, need=closed, kind="supplier", title=closed.title, text=closed.text, status="closed")
    client.force_login(consultant)

    def pks(**params) -> set[int]:
        return {n.pk for n in client.get(NEEDS, params).context["page"].object_list}

    assert pks() == {need.pk, peer.pk}  # open needs by default
    assert pks(status="closed") == {closed.pk}
    assert pks(status="all") == {need.pk, peer.pk, closed.pk}
    assert pks(kind="peer") == {peer.pk}
    assert pks(q="hoerde", status="all") == {peer.pk, closed.pk}  # folded company search
    assert pks(q="Stahlbau beispiel") == {need.pk}
    assert pks(company=str(company.pk)) == {need.pk}
    response = client.get(NEEDS, {"company": str(company.pk)})
    assert response.context["company"] == company
    assert pks(status="nonsense", kind="nonsense", company="x") == {need.pk, peer.pk}  # bad values: ignored


def test_need_list_paginates_with_a_constant_number_of_queries(client, consultant, company):
    def make(n: int) -> None:
        for i in range(n):
            services.need_create(actor=consultant, company=company, title=f"Bedarf {i}", text=NEED_TEXT)

    client.force_login(consultant)
    make(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(NEEDS).status_code == 200
    make(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(NEEDS)
    assert len(response.context["page"].object_list) == 25 and response.context["page"].paginator.count == 30
    assert len(many) == len(few)
    assert client.get(NEEDS, {"page": "2"}).context["page"].object_list.__len__() == 5


def test_record_a_need_for_a_company(client, consultant, company):
    client.force_login(consultant)
    url = reverse("backoffice:need_create", args=[company.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "kind": "competence", "title": "Abwärme nutzen", "text": NEED_TEXT, "topics": ["energy"],
        "formats": ["thesis"],
    })  # fmt: skip
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:need_detail", args=[need.pk])
    assert need.source == NeedSource.CONSULTANT and need.organisation == company.responsible_partner
    assert need.municipality == company.municipality and need.topics == ["energy"] and need.formats == ["thesis"]
    assert AuditLogEntry.objects.filter(object_type="connect.need", object_id=str(need.pk), action="create").exists()


def test_recording_a_need_refuses_bad_input_and_writes_nothing(client, consultant, company):
    client.force_login(consultant)
    url = reverse("backoffice:need_create", args=[company.pk])
    response = client.post(url, {"kind": "competence", "title": "Abwärme", "text": "zu kurz"})
    assert response.status_code == 400
    assert "at least 20 characters" in response.content.decode()
    assert response.context["form"].errors["text"]
    response = client.post(url, {"kind": "elsewhere", "title": "", "text": NEED_TEXT, "topics": ["nope"]})
    assert response.status_code == 400
    assert {"kind", "title", "topics"} <= set(response.context["form"].errors)
    assert not Need.objects.exists()


def test_need_pages_for_other_agencies_and_read_only_staff(client, company, other_consultant, readonly):
    url = reverse("backoffice:need_create", args=[company.pk])
    client.force_login(other_consultant)
    assert client.get(url).status_code == 404
    company.network_sharing = True
    company.save()
    assert client.get(url).status_code == 403  # shared: readable, not changeable
    client.force_login(readonly)
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "competence", "title": "x", "text": NEED_TEXT}).status_code == 403
    assert not Need.objects.exists()


def _shared_check(company, company_user, *, shared: bool = True):
    questionnaire = Questionnaire.objects.get(version=1)
    result = check_services.check_start(size_class="small", user=company_user, company=company)
    result = check_services.check_complete(result=result, answers={q.key: 2 for q in questionnaire.questions.all()})
    return check_services.check_share(result=result, shared=True, actor=company_user) if shared else result


def test_need_proposed_from_a_shared_check_result(client, consultant, company, company_user):
    result = _shared_check(company, company_user)
    client.force_login(consultant)
    url = reverse("backoffice:need_create", args=[company.pk])
    page = client.get(url)
    assert page.context["latest_check"] == result
    assert f"?check={result.pk}" in page.content.decode()
    response = client.get(url, {"check": result.pk})
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["title"].startswith("From the Transformations-Check") and initial["check_result"] == result.pk
    assert initial["topics"]
    response = client.post(url, {
        "kind": "competence", "title": initial["title"], "text": initial["text"], "topics": initial["topics"],
        "check_result": result.pk,
    })  # fmt: skip
    assert response.status_code == 302
    need = Need.objects.get()
    assert need.source == NeedSource.CHECK and need.check_result == result


def test_need_from_a_check_result_the_staff_may_not_read(client, consultant, company, company_user):
    unshared = _shared_check(company, company_user, shared=False)
    other = CompanyFactory(name="Fremdbetrieb GmbH", postcode="44139")
    MembershipFactory(user=company_user, company=other)
    foreign = _shared_check(other, company_user)  # shared, but of another company
    client.force_login(consultant)
    url = reverse("backoffice:need_create", args=[company.pk])
    assert client.get(url).context["latest_check"] is None
    assert client.get(url, {"check": unshared.pk}).status_code == 404
    assert client.get(url, {"check": foreign.pk}).status_code == 404
    response = client.post(url, {"kind": "competence", "title": "Aus dem Check", "text": NEED_TEXT, "check_result": foreign.pk})
    assert response.status_code == 400
    assert "belongs to another company" in response.content.decode()
    assert not Need.objects.exists()


def test_edit_and_close_a_need(client, consultant, need):
    client.force_login(consultant)
    url = reverse("backoffice:need_edit", args=[need.pk])
    assert client.get(url).context["form"].initial["title"] == need.title
    response = client.post(url, {"kind": "competence", "title": "Abwärme und Druckluft", "text": NEED_TEXT, "status": "open"})
    assert response.status_code == 302
    assert Need.objects.get(pk=need.pk).title == "Abwärme und Druckluft"
    response = client.post(url, {"kind": "competence", "title": "", "text": NEED_TEXT, "status": "open"})
    assert response.status_code == 400 and Need.objects.get(pk=need.pk).title == "Abwärme und Druckluft"
    status_url = reverse("backoffice:need_status", args=[need.pk])
    assert client.post(status_url, {"status": "closed"}).status_code == 302
    assert Need.objects.get(pk=need.pk).status == NeedStatus.CLOSED
    detail = client.get(reverse("backoffice:need_detail", args=[need.pk]))
    assert detail.context["suggestions"] == []  # a closed need gets no suggestions
    assert client.post(status_url, {"status": "bogus"}).status_code == 302
    assert Need.objects.get(pk=need.pk).status == NeedStatus.CLOSED
    client.post(status_url, {"status": "open"})
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN


# --- suggestions ----------------------------------------------------------------------------------


def test_competence_suggestions_with_explanations(client, consultant, need, profiles):
    heat, _robots = profiles
    client.force_login(consultant)
    response = client.get(reverse("backoffice:need_detail", args=[need.pk]))
    assert response.status_code == 200
    suggestions = response.context["suggestions"]
    assert suggestions[0].name == heat.name and suggestions[0].target == "profile:tu-waerme"
    assert suggestions[0].url == reverse("web:competence_detail", args=["tu-waerme"])
    assert any(line.startswith("Matching terms") for line in suggestions[0].lines)
    html = response.content.decode()
    assert "Matching terms" in html and "Propose an introduction" in html
    assert "?target=profile%3Atu-waerme" in html


def test_company_suggestions_follow_what_the_user_may_read(client, consultant, coordinator, company, peers):
    own, shared, hidden = peers
    services.company_profile_save(actor=coordinator, company=company, peer_exchange=True, challenges="Abwärme nutzen")
    need = services.need_create(
        actor=consultant, company=company, kind="peer", title="Abwärme der Kompressoren", text=NEED_TEXT
    )
    url = reverse("backoffice:need_detail", args=[need.pk])
    client.force_login(consultant)
    names = _names(client.get(url))
    assert own.name in names and shared.name in names
    assert hidden.name not in names and company.name not in names  # another agency's unshared company; the need's own
    client.force_login(coordinator)
    names = _names(client.get(url))
    assert hidden.name in names and company.name not in names
    first = client.get(url).context["suggestions"][0]
    assert first.url.startswith("/backoffice/companies/") and first.lines


def test_supplier_suggestions_mark_companies_that_did_not_opt_in(client, consultant, coordinator, company):
    supplier = _company_with_profile(
        "Laserteile Hörde GmbH", "44263", "Dortmund", coordinator, supplier=True, processes=["Laserschneiden"],
        capabilities="Laserschneiden und Kanten von Blechteilen in kleinen Serien.",
    )  # fmt: skip
    quiet = _company_with_profile(
        "Blechbau Aplerbeck GmbH", "44287", "Dortmund", coordinator, processes=["Laserschneiden", "Kanten"],
        capabilities="Laserschneiden von Edelstahl.",
    )  # fmt: skip
    need = services.need_create(
        actor=consultant, company=company, kind="supplier", title="Laserschneiden von Blechteilen", text=NEED_TEXT + " Laserschneiden"
    )
    client.force_login(consultant)
    suggestions = {s.name: s for s in client.get(reverse("backoffice:need_detail", args=[need.pk])).context["suggestions"]}
    assert {supplier.name, quiet.name} <= set(suggestions)
    assert not any(css == "warn" for _label, css in suggestions[supplier.name].badges)
    assert any(css == "warn" for _label, css in suggestions[quiet.name].badges)


# --- proposing an introduction ----------------------------------------------------------------------


def test_propose_an_introduction_to_a_competence_holder(client, consultant, need, profiles, company):
    with_mail = ContactFactory(company=company, first_name="Anna", last_name="Berger", email="anna.berger@example.org")
    ContactFactory(company=company, first_name="Ohne", last_name="Adresse", email="")
    client.force_login(consultant)
    url = reverse("backoffice:introduction_propose", args=[need.pk])
    page = client.get(url, {"target": "profile:tu-waerme"})
    assert page.status_code == 200
    form = page.context["form"]
    assert need.title in form.initial["message"] and company.name in form.initial["message"]
    assert list(form.fields["contact"].queryset) == [with_mail]  # only contacts with an e-mail address
    assert page.context["lines"]
    response = _propose(client, need, "profile:tu-waerme", contact=with_mail.pk)
    intro = Introduction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:introduction_detail", args=[intro.pk])
    assert intro.status == IntroductionStatus.PROPOSED and intro.need == need and intro.profile.external_id == "tu-waerme"
    assert intro.reasons and intro.company_person["email"] == "anna.berger@example.org"
    assert intro.activity is not None and intro.case.company == company
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert "anna.berger@example.org" not in html  # contact persons only after both agreed
    assert "shown once both sides have agreed" in html
    # The suggestion now links to the introduction under way instead of proposing another one.
    suggestions = client.get(reverse("backoffice:need_detail", args=[need.pk])).context["suggestions"]
    assert next(s for s in suggestions if s.target == "profile:tu-waerme").introduction == intro


def test_propose_without_a_valid_target_goes_back_to_the_need(client, consultant, need, profiles):
    client.force_login(consultant)
    url = reverse("backoffice:introduction_propose", args=[need.pk])
    for target in ("", "profile:gibt-es-nicht", "company:1", "evil:1"):
        response = client.get(url, {"target": target})
        assert response.status_code == 302 and response["Location"] == reverse("backoffice:need_detail", args=[need.pk])


def test_propose_refuses_bad_input_and_writes_nothing(client, consultant, need, profiles, peers):
    _own, _shared, hidden = peers
    client.force_login(consultant)
    response = _propose(client, need, "profile:tu-waerme", message="kurz")
    assert response.status_code == 400 and "why this contact could help" in response.content.decode()
    assert response.context["form"].errors["message"]
    response = _propose(client, need, "company:%d" % hidden.pk)  # a company for a competence need, and unreadable
    assert response.status_code == 400 and "choose one of the suggestions" in response.content.decode()
    response = _propose(client, need, "nonsense")
    assert response.status_code == 400
    other = CompanyFactory(name="Ohne Kontakt GmbH", postcode="44139")
    foreign_contact = ContactFactory(company=other)
    response = _propose(client, need, "profile:tu-waerme", contact=foreign_contact.pk)
    assert response.status_code == 400 and response.context["form"].errors["contact"]
    assert not Introduction.objects.exists()
    _propose(client, need, "profile:tu-waerme")
    response = _propose(client, need, "profile:tu-waerme")  # a second one to the same contact
    assert response.status_code == 400 and "already under way" in response.content.decode()
    assert Introduction.objects.count() == 1


def test_propose_on_a_closed_need_is_refused(client, consultant, need, profiles):
    services.need_update(actor=consultant, need=need, kind=need.kind, title=need.title, text=need.text, status="closed")
    client.force_login(consultant)
    response = _propose(client, need, "profile:tu-waerme")
    assert response.status_code == 400 and "This need is closed" in response.content.decode()
    assert not Introduction.objects.exists()


def test_propose_an_introduction_to_another_company(client, consultant, coordinator, company, peers):
    own, _shared, hidden = peers
    need = services.need_create(actor=consultant, company=company, kind="peer", title="Abwärme nutzen", text=NEED_TEXT)
    client.force_login(consultant)
    assert _propose(client, need, f"company:{hidden.pk}").status_code == 400  # not readable for Dortmund
    assert _propose(client, need, f"company:{company.pk}").status_code == 400  # the need's own company
    response = _propose(client, need, f"company:{own.pk}")
    assert response.status_code == 302
    intro = Introduction.objects.get()
    assert intro.target_company == own and intro.kind == "peer" and intro.reasons


def test_propose_for_other_agencies_and_read_only_staff(client, need, profiles, other_consultant, readonly):
    url = reverse("backoffice:introduction_propose", args=[need.pk])
    client.force_login(other_consultant)
    assert client.get(url, {"target": "profile:tu-waerme"}).status_code == 404
    assert _propose(client, need, "profile:tu-waerme").status_code == 404
    client.force_login(readonly)
    assert _propose(client, need, "profile:tu-waerme").status_code == 403
    assert not Introduction.objects.exists()


# --- introductions ----------------------------------------------------------------------------------


@pytest.fixture
def intro(consultant, need, profiles, company):
    return services.introduction_propose(
        actor=consultant, company=company, profile=profiles[0], need=need, message="Passt sehr gut zum Bedarf.",
        company_person={"name": "Anna Berger", "email": "anna.berger@example.org"},
    )  # fmt: skip


def _decide(client, intro, **data):
    return client.post(reverse("backoffice:introduction_decide", args=[intro.pk]), data)


def test_record_both_answers_on_behalf_then_contacts_are_shown(client, consultant, intro):
    client.force_login(consultant)
    url = reverse("backoffice:introduction_detail", args=[intro.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Record an answer" in page.content.decode()
    response = _decide(client, intro, side="company", decision="accept", name="Anna Berger", email="anna.berger@example.org",
                       note="telefonisch zugestimmt")  # fmt: skip
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.company_decision == Decision.ACCEPTED and intro.status == IntroductionStatus.PROPOSED
    assert "anna.berger@example.org" not in client.get(url).content.decode()
    response = _decide(client, intro, side="target", decision="accept", name="Dr. Jana Wolf", function="Oberingenieurin",
                       email="jana.wolf@example.org", phone="0231 755-0", note="per E-Mail zugestimmt")  # fmt: skip
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.ACCEPTED and intro.accepted_at is not None
    html = client.get(url).content.decode()
    assert "anna.berger@example.org" in html and "jana.wolf@example.org" in html and "Oberingenieurin" in html
    assert "telefonisch zugestimmt" in html and "recorded by the agency on behalf of the side" in html
    events = list(intro.events.values_list("what", "on_behalf", "actor_id"))
    assert events[0][0] == IntroductionEvent.What.PROPOSED
    assert events[1:] == [("company_accepted", True, consultant.pk), ("target_accepted", True, consultant.pk)]
    assert "Record an answer" not in html  # nothing left to answer


def test_recording_an_answer_refuses_bad_input_and_writes_nothing(client, consultant, intro):
    client.force_login(consultant)
    response = _decide(client, intro, side="target", decision="accept", name="", email="")
    assert response.status_code == 400
    errors = response.context["decision_form"].errors
    assert "name" in errors and "email" in errors
    assert "Please name the contact person of this side." in response.content.decode()
    response = _decide(client, intro, side="target", decision="accept", name="Jana Wolf", email="keine-adresse")
    assert response.status_code == 400 and "email" in response.context["decision_form"].errors
    response = _decide(client, intro, side="elsewhere", decision="maybe")
    assert response.status_code == 400
    response = _decide(client, intro, side="target", decision="decline", note="x" * 600)
    assert response.status_code == 400 and "note" in response.context["decision_form"].errors
    intro.refresh_from_db()
    assert intro.target_decision == intro.company_decision == Decision.PENDING
    assert intro.events.count() == 1


def test_a_decline_ends_the_introduction(client, consultant, intro):
    client.force_login(consultant)
    assert _decide(client, intro, side="target", decision="decline", note="keine Kapazität").status_code == 302
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.DECLINED and intro.target_person == {}
    response = _decide(client, intro, side="company", decision="accept", name="Anna", email="anna@example.org")
    assert response.status_code == 400
    assert "no longer waiting for an answer" in response.content.decode()


def test_withdraw_an_introduction(client, consultant, intro):
    client.force_login(consultant)
    url = reverse("backoffice:introduction_withdraw", args=[intro.pk])
    response = client.post(url, {"note": "x" * 600})
    assert response.status_code == 400 and "note" in response.context["withdraw_form"].errors
    assert client.post(url, {"note": "Unternehmen hat kein Interesse mehr"}).status_code == 302
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.WITHDRAWN
    assert intro.events.last().note == "Unternehmen hat kein Interesse mehr"
    response = client.post(url, {})
    assert response.status_code == 400 and "still waiting for an answer" in response.content.decode()


def test_introductions_for_other_agencies_and_read_only_staff(client, intro, other_consultant, readonly, coordinator):
    detail = reverse("backoffice:introduction_detail", args=[intro.pk])
    client.force_login(other_consultant)
    assert client.get(detail).status_code == 404
    assert intro.pk not in {i.pk for i in client.get(INTRODUCTIONS).context["page"].object_list}
    assert _decide(client, intro, side="target", decision="decline").status_code == 404
    client.force_login(readonly)
    page = client.get(detail)
    assert page.status_code == 200 and "decision_form" not in page.context
    assert "Read only" in page.content.decode()
    assert _decide(client, intro, side="target", decision="decline").status_code == 403
    assert client.post(reverse("backoffice:introduction_withdraw", args=[intro.pk])).status_code == 403
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.PROPOSED
    client.force_login(coordinator)
    assert _decide(client, intro, side="target", decision="decline").status_code == 302


def test_the_contacted_company_s_agency_reads_but_does_not_record(client, consultant, other_consultant, coordinator, company):
    target = _company_with_profile("Härterei Bochum GmbH", "44787", "Bochum", coordinator, peer_exchange=True, challenges="Abwärme")
    intro = services.introduction_propose(actor=consultant, company=company, target_company=target, message="Beide haben Abwärme.")
    client.force_login(other_consultant)
    page = client.get(reverse("backoffice:introduction_detail", args=[intro.pk]))
    assert page.status_code == 200 and not page.context["can_record"] and not page.context["company_readable"]
    assert intro.pk in {i.pk for i in client.get(INTRODUCTIONS).context["page"].object_list}
    assert _decide(client, intro, side="target", decision="accept", name="X", email="x@example.org").status_code == 403
    assert client.post(reverse("backoffice:introduction_withdraw", args=[intro.pk])).status_code == 403


def test_introduction_list_filters_by_status_with_constant_queries(client, consultant, coordinator, company, profiles):
    def make(n: int) -> None:
        for i in range(n):
            other = CompanyFactory(name=f"Zielbetrieb {Company.objects.count()} GmbH", postcode="44139")
            services.company_profile_save(actor=coordinator, company=other, peer_exchange=True, challenges="Abwärme")
            services.introduction_propose(actor=consultant, company=company, target_company=other, message="Gute Ergänzung.")

    client.force_login(consultant)
    make(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INTRODUCTIONS).status_code == 200
    make(28)
    with CaptureQueriesContext(connection) as many:
        response = client.get(INTRODUCTIONS)
    assert response.context["page"].paginator.count == 30 and len(response.context["page"].object_list) == 25
    assert len(many) == len(few)
    first = Introduction.objects.order_by("pk").first()
    services.introduction_withdraw(actor=consultant, introduction=first)
    withdrawn = client.get(INTRODUCTIONS, {"status": "withdrawn"})
    assert [i.pk for i in withdrawn.context["page"].object_list] == [first.pk]
    assert dict((v, n) for v, _label, n in withdrawn.context["tabs"])["withdrawn"] == 1
    assert client.get(INTRODUCTIONS, {"status": "proposed"}).context["page"].paginator.count == 29
    assert client.get(INTRODUCTIONS, {"status": "bogus"}).context["status"] == "all"


# --- company profile for exchange and supply --------------------------------------------------------


def test_company_profile_on_the_company_page_and_its_edit_page(client, consultant, company):
    client.force_login(consultant)
    page = client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    assert "No profile for exchange and supply yet" in page
    assert reverse("backoffice:need_create", args=[company.pk]) in page
    assert reverse("backoffice:company_profile_edit", args=[company.pk]) in page
    url = reverse("backoffice:company_profile_edit", args=[company.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "challenges": "Steigende Energiekosten", "capabilities": "Laserschneiden bis 20 mm",
        "processes": "Laserschneiden, CNC-Fräsen\nPulverbeschichtung;", "materials": "Edelstahl; Aluminium",
        "certifications": "ISO 9001, ISO 14001", "peer_exchange": "on", "supplier": "on",
    })  # fmt: skip
    assert response.status_code == 302
    profile = CompanyProfile.objects.get(company=company)
    assert profile.processes == ["Laserschneiden", "CNC-Fräsen", "Pulverbeschichtung"]
    assert profile.materials == ["Edelstahl", "Aluminium"] and profile.certifications == ["ISO 9001", "ISO 14001"]
    assert profile.peer_exchange and profile.supplier
    page = client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    assert "CNC-Fräsen" in page and "Steigende Energiekosten" in page
    assert client.get(url).context["form"].initial["processes"] == "Laserschneiden, CNC-Fräsen, Pulverbeschichtung"


def test_company_profile_refuses_bad_input_and_writes_nothing(client, consultant, company):
    client.force_login(consultant)
    url = reverse("backoffice:company_profile_edit", args=[company.pk])
    response = client.post(url, {"supplier": "on"})
    assert response.status_code == 400 and response.context["form"].errors["capabilities"]
    assert "To be suggested as a supplier" in response.content.decode()
    response = client.post(url, {"peer_exchange": "on", "capabilities": "Fräsen"})
    assert response.status_code == 400 and response.context["form"].errors["challenges"]
    response = client.post(url, {"processes": ", ".join(f"Verfahren {i}" for i in range(40))})
    assert response.status_code == 400 and response.context["form"].errors["processes"]
    assert not CompanyProfile.objects.exists()


def test_company_profile_for_other_agencies_and_read_only_staff(client, company, other_consultant, readonly, coordinator):
    url = reverse("backoffice:company_profile_edit", args=[company.pk])
    services.company_profile_save(actor=coordinator, company=company, peer_exchange=True, challenges="Geheime Herausforderung")
    client.force_login(other_consultant)
    assert client.get(url).status_code == 404
    company.network_sharing = True
    company.save()
    assert client.get(url).status_code == 403
    page = client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    assert "Geheime Herausforderung" not in page  # sharing covers master data, not the connect profile
    client.force_login(readonly)
    assert client.post(url, {"challenges": "x"}).status_code == 403
    page = client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    assert "Geheime Herausforderung" in page and url not in page


# --- the synonym list -------------------------------------------------------------------------------


def test_synonyms_only_for_the_coordination(client, consultant, other_consultant, readonly, coordinator, company_user):
    for user in (consultant, other_consultant, readonly):
        client.force_login(user)
        assert client.get(SYNONYMS).status_code == 403
        assert client.post(SYNONYMS, {"text": "Druckluft, Pressluft"}).status_code == 403
        assert "synonyme/" not in client.get(reverse("backoffice:home")).content.decode()
    client.force_login(company_user)
    assert client.get(SYNONYMS).status_code == 404
    assert not SynonymList.objects.exists()
    client.force_login(coordinator)
    page = client.get(SYNONYMS)
    assert page.status_code == 200 and page.context["in_force"] is None
    assert "Druckluft" in page.context["form"].initial["text"]  # the engine's default list
    assert SYNONYMS in client.get(reverse("backoffice:home")).content.decode()


def test_save_a_synonym_list_version(client, coordinator):
    client.force_login(coordinator)
    response = client.post(SYNONYMS, {"text": "Druckluft, Pressluft\n~ Abwärme, Prozesswärme\n", "note": "Erste eigene Liste"})
    assert response.status_code == 302
    version = SynonymList.objects.get()
    assert version.groups == 2 and version.note == "Erste eigene Liste" and version.created_by == coordinator
    page = client.get(SYNONYMS)
    assert page.context["in_force"] == version.pk
    assert page.context["form"].initial["text"].startswith("Druckluft, Pressluft")
    assert "Erste eigene Liste" in page.content.decode()


def test_synonym_list_line_errors_are_shown_and_nothing_is_saved(client, coordinator):
    client.force_login(coordinator)
    response = client.post(SYNONYMS, {"text": "Druckluft, Pressluft\nKompressor\n# Kommentar\n" + "x" * 90 + ", y"})
    assert response.status_code == 400
    errors = response.context["form"].errors["text"]
    assert any("Line 2" in e for e in errors) and any("Line 4" in e for e in errors)
    assert "Line 2: a group needs at least two terms" in response.content.decode()
    assert client.post(SYNONYMS, {"text": "# nur ein Kommentar"}).status_code == 400
    assert client.post(SYNONYMS, {"text": "Druckluft, Pressluft", "note": "n" * 300}).status_code == 400
    assert not SynonymList.objects.exists()


def test_try_a_query_shows_the_effect_of_the_list(client, coordinator, profiles):
    client.force_login(coordinator)
    before = client.get(SYNONYMS, {"q": "Pressluftleitungen abdichten"})
    assert before.status_code == 200 and before.context["tried"]
    services.synonyms_save(actor=coordinator, text="Druckluft, Pressluft\nAbwärme, Prozesswärme")
    after = client.get(SYNONYMS, {"q": "Pressluft"})
    results = after.context["results"]
    assert results and results[0]["profile"].external_id == "tu-waerme" and results[0]["lines"]
    assert len(results) <= 5
    assert "synonym" in after.content.decode()
    partial = client.get(SYNONYMS, {"q": "Pressluft"}, headers={"HX-Request": "true", "HX-Target": "synonym-try"})
    assert partial.status_code == 200


def test_navigation_has_needs_and_introductions(client, readonly):
    client.force_login(readonly)
    html = client.get(reverse("backoffice:home")).content.decode()
    assert NEEDS in html and INTRODUCTIONS in html and SYNONYMS not in html


def test_contacts_of_a_user_are_not_needed_for_staff_views(client, consultant, intro):
    """A company user opening the backoffice pages of the connect module gets 404, anonymous the login."""
    member = UserFactory(role="company")
    client.force_login(member)
    for url in (NEEDS, INTRODUCTIONS, reverse("backoffice:introduction_detail", args=[intro.pk])):
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(NEEDS)["Location"].startswith(reverse("account_login"))
