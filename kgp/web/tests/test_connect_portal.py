"""Portal: needs, suggestions, the company profile for exchange and supply, and introductions with
double opt-in, for company users and competence-holder users.

The cast: `company_user` (approved member of `company`, Dortmund), `outsider` (member of another
company), `holder` (competence-holder user of `profile`), `other_holder` (of another profile), and
companies of the region with and without a profile for exchange and supply.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from kgp.accounts.models import Role
from kgp.assessment import queries as check_queries
from kgp.assessment import services as check_services
from kgp.assessment.models import Questionnaire
from kgp.companies.models import Company
from kgp.competences import services as competence_services
from kgp.competences.models import SubjectArea
from kgp.connect import services
from kgp.connect.models import CompanyProfile, Decision, Introduction, IntroductionStatus, Need, NeedKind, NeedSource
from kgp.organisations.models import Municipality
from kgp.testing.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE_TEXT = (
    "Das Labor untersucht Druckluftanlagen und Abwärme in Fertigungsbetrieben, misst Verbräuche vor Ort "
    "und zeigt Maßnahmen, mit denen sich Energie und Kosten sparen lassen."
)
NEED_TEXT = "Unsere Druckluftanlage verliert viel Energie; wir suchen Unterstützung, um die Abwärme zu nutzen."


def _profile(external_id: str, **overrides):
    data = {
        "external_id": external_id, "kind": "uas", "institution": "Fachhochschule Dortmund",
        "unit": "Labor für Druckluft", "municipality": Municipality.objects.get(name="Dortmund"),
        "description": PROFILE_TEXT, "keywords": ["Druckluft", "Abwärme"], "transfer_formats": ["thesis", "lab_use"],
        "languages": ["de"], "status": "published",
    } | overrides  # fmt: skip
    return competence_services.profile_create(
        actor=None, data=data, subject_areas=SubjectArea.objects.filter(key__in=["energy"])
    )


def _login(client: Client, user) -> Client:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the UI source strings are English
    return client


@pytest.fixture
def profile(db):
    return _profile("labor-druckluft")


@pytest.fixture
def holder(profile):
    user = UserFactory(email="professorin@example.org", first_name="Petra", last_name="Professorin", role=Role.COMPETENCE)
    competence_services.member_add(actor=None, profile=profile, user=user)
    return user


@pytest.fixture
def other_holder(db):
    other = _profile(
        "institut-logistik", institution="Institut für Logistik", unit="", keywords=["Logistik"],
        description="Wir forschen an Lagerhaltung und Transport in den Lieferketten der Region und beraten "
        "Unternehmen bei der Planung ihrer Logistik und ihrer Lager.",
    )  # fmt: skip
    user = UserFactory(email="institut@example.org", role=Role.COMPETENCE)
    competence_services.member_add(actor=None, profile=other, user=user)
    return user


@pytest.fixture
def outsider(db):
    user = UserFactory(email="fremd@example.org", role=Role.COMPANY)
    MembershipFactory(user=user, company=CompanyFactory(name="Andere Firma GmbH", postcode="44139"))
    return user


@pytest.fixture
def owner(client, company_user):
    company_user.first_name, company_user.last_name = "Ines", "Inhaberin"
    company_user.save(update_fields=["first_name", "last_name"])
    return _login(client, company_user)


def _need(company, user, **overrides) -> Need:
    values = {"kind": NeedKind.COMPETENCE, "title": "Abwärme der Druckluft nutzen", "text": NEED_TEXT} | overrides
    return services.need_create(actor=user, company=company, **values)


def _introduction(company, user, profile, need=None) -> Introduction:
    return services.introduction_propose(
        actor=user, company=company, profile=profile, need=need, message="Das Labor kennt sich mit Druckluft aus."
    )


def _peer(name: str, postcode: str, *, email: str, **profile_values):
    """A company of the region with a profile for exchange and supply (and contact data that must never show)."""
    company = CompanyFactory(name=name, postcode=postcode, email=email, phone="+49 231 999999", street="Geheimweg 7")
    values = {"challenges": "Hohe Energiekosten der Druckluft und Abwärme, die ungenutzt bleibt."} | profile_values
    services.company_profile_save(actor=None, company=company, **values)
    return company


# --- scoping ----------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client, company):
    for url in (reverse("web:portal_needs"), reverse("web:introduction_list"), reverse("web:portal_exchange_profiles")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_companys_user_gets_404_everywhere(client, company, company_user, outsider, profile):
    need = _need(company, company_user)
    intro = _introduction(company, company_user, profile, need)
    _login(client, outsider)
    for url in (
        reverse("web:portal_need", args=[need.pk]),
        reverse("web:portal_need_create", args=[company.pk]),
        reverse("web:portal_need_from_check", args=[company.pk]),
        reverse("web:portal_exchange_profile", args=[company.pk]),
        reverse("web:introduction_detail", args=[intro.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (reverse("web:portal_need_propose", args=[need.pk]), reverse("web:introduction_accept", args=[intro.pk])):
        assert client.post(url, {"target": "profile:labor-druckluft", "message": "Bitte Kontakt herstellen."}).status_code == 404
    assert intro.pk not in [r.intro.pk for r in client.get(reverse("web:introduction_list")).context["others"]]
    assert "Abwärme der Druckluft" not in client.get(reverse("web:portal_needs")).content.decode()


def test_competence_user_of_another_profile_gets_404(client, company, company_user, holder, other_holder, profile):
    intro = _introduction(company, company_user, profile)
    _login(client, other_holder)
    assert client.get(reverse("web:introduction_detail", args=[intro.pk])).status_code == 404
    assert client.post(reverse("web:introduction_accept", args=[intro.pk]), {}).status_code == 404
    assert client.get(reverse("web:introduction_list")).status_code == 200
    # Competence users have no needs or company pages.
    assert client.get(reverse("web:portal_needs")).status_code == 404
    assert client.get(reverse("web:portal_need_create", args=[company.pk])).status_code == 404
    intro.refresh_from_db()
    assert intro.target_decision == Decision.PENDING


def test_staff_are_sent_to_the_backoffice(client, consultant, company, company_user, profile):
    intro = _introduction(company, company_user, profile)
    client.force_login(consultant)
    for url in (reverse("web:portal_needs"), reverse("web:introduction_list"), reverse("web:introduction_detail", args=[intro.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("backoffice:home")


def test_the_navigation_links_the_areas(client, company_user, holder):
    body = _login(client, company_user).get(reverse("web:portal")).content.decode()
    for name in ("web:portal_needs", "web:introduction_list", "web:portal_exchange_profiles"):
        assert f'href="{reverse(name)}"' in body
    client.logout()
    body = _login(client, holder).get(reverse("web:portal_competences")).content.decode()
    assert f'href="{reverse("web:introduction_list")}"' in body
    assert f'href="{reverse("web:portal_needs")}"' not in body


# --- needs ------------------------------------------------------------------------------------


def test_need_form_defaults_to_the_companys_municipality(owner, company):
    response = owner.get(reverse("web:portal_need_create", args=[company.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["municipality"] == company.municipality_id
    assert 'for="id_title"' in response.content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "competence", "title": "", "text": NEED_TEXT}, "title"),  # the form refuses
        ({"kind": "competence", "title": "Zu kurz", "text": "Nur kurz."}, "text"),  # the service refuses
        ({"kind": "nonsense", "title": "Abwärme", "text": NEED_TEXT}, "kind"),
        ({"kind": "competence", "title": "Abwärme", "text": NEED_TEXT, "topics": ["no-such-topic"]}, "topics"),
    ],
)
def test_need_with_bad_input_answers_400_and_writes_nothing(owner, company, data, field):
    response = owner.post(reverse("web:portal_need_create", args=[company.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert 'role="alert"' in response.content.decode()
    assert not Need.objects.exists()


def test_need_is_created_for_the_company(owner, company, company_user):
    response = owner.post(
        reverse("web:portal_need_create", args=[company.pk]),
        {"kind": "competence", "title": "Abwärme nutzen", "text": NEED_TEXT, "topics": ["energy"], "formats": ["thesis"]},
    )
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:portal_need", args=[need.pk])
    assert (need.company, need.source, need.created_by) == (company, NeedSource.COMPANY, company_user)
    assert need.municipality == company.municipality and need.topics == ["energy"] and need.formats == ["thesis"]
    body = owner.get(reverse("web:portal_needs")).content.decode()
    assert "Abwärme nutzen" in body and reverse("web:portal_need", args=[need.pk]) in body


def _completed_check(company, user, level: int = 1):
    spec = check_queries.spec_for(Questionnaire.objects.get(version=1))
    result = check_services.check_start(size_class="small", user=user, company=company)
    return check_services.check_complete(result=result, answers={q.key: level for q in spec.questions})


def test_a_need_is_proposed_from_the_latest_check(owner, company, company_user):
    url = reverse("web:portal_need_from_check", args=[company.pk])
    response = owner.get(url)  # no check yet: back to the empty form
    assert response.status_code == 302 and response["Location"] == reverse("web:portal_need_create", args=[company.pk])
    assert reverse("web:portal_need_from_check", args=[company.pk]) not in owner.get(reverse("web:portal_needs")).content.decode()

    result = _completed_check(company, company_user)
    assert url in owner.get(reverse("web:portal_needs")).content.decode()
    response = owner.get(url)
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["title"].startswith("From the Transformations-Check") and initial["check_result"] == result.pk
    assert initial["text"] and initial["topics"]
    body = response.content.decode()
    assert f'name="check_result" value="{result.pk}"' in body and initial["title"] in body

    data = {"kind": "competence", "title": initial["title"], "text": initial["text"], "topics": initial["topics"],
            "check_result": result.pk}  # fmt: skip
    assert owner.post(reverse("web:portal_need_create", args=[company.pk]), data).status_code == 302
    need = Need.objects.get()
    assert need.source == NeedSource.CHECK and need.check_result == result


def test_a_check_result_of_another_company_is_refused(owner, company, outsider):
    other = outsider.memberships.get().company
    result = _completed_check(other, outsider)
    data = {"kind": "competence", "title": "Abwärme", "text": NEED_TEXT, "check_result": result.pk}
    response = owner.post(reverse("web:portal_need_create", args=[company.pk]), data)
    assert response.status_code == 400 and not Need.objects.exists()


def test_competence_suggestions_are_explained(owner, company, company_user, profile):
    need = _need(company, company_user, topics=["energy"], formats=["thesis"])
    response = owner.get(reverse("web:portal_need", args=[need.pk]))
    assert response.status_code == 200
    [suggestion] = response.context["suggestions"]
    assert suggestion.name == profile.name and suggestion.target == "profile:labor-druckluft"
    assert any(line.startswith("Matching terms:") for line in suggestion.reasons)
    body = response.content.decode()
    assert profile.name in body and "Matching terms:" in body and "University of applied sciences" in body
    assert reverse("web:competence_detail", args=["labor-druckluft"]) in body
    assert "Request contact" in body and 'name="target" value="profile:labor-druckluft"' in body
    assert "<script>" not in body and 'style="' not in body


def test_company_suggestions_only_among_opted_in_companies_without_contact_data(owner, company, company_user):
    peer = _peer("Gießerei Partner GmbH", "44787", email="info@giesserei.example", peer_exchange=True)
    _peer("Verschwiegen GmbH", "44787", email="info@verschwiegen.example")  # a profile, but no opt-in
    _peer("Nur Zulieferer GmbH", "44139", email="info@zulieferer.example", supplier=True,
          capabilities="Wir bauen Druckluftanlagen mit Wärmerückgewinnung.")  # fmt: skip
    services.company_profile_save(actor=company_user, company=company, challenges="Druckluft und Abwärme", peer_exchange=True)
    need = _need(company, company_user, kind=NeedKind.PEER)
    response = owner.get(reverse("web:portal_need", args=[need.pk]))
    names = [s.name for s in response.context["suggestions"]]
    assert names == ["Gießerei Partner GmbH"]  # not the one without opt-in, not the supplier, not itself
    body = response.content.decode()
    assert "Hohe Energiekosten der Druckluft" in body  # the public profile fields
    assert "Bochum" in body and "Matching terms:" in body
    for secret in ("info@giesserei.example", "+49 231 999999", "Geheimweg", "Verschwiegen"):
        assert secret not in body

    supplier_need = _need(company, company_user, kind=NeedKind.SUPPLIER, title="Zulieferer für Druckluftanlagen")
    response = owner.get(reverse("web:portal_need", args=[supplier_need.pk]))
    assert [s.name for s in response.context["suggestions"]] == ["Nur Zulieferer GmbH"]
    assert "info@zulieferer.example" not in response.content.decode()

    # Asking for a company that did not opt in (a forged form) is refused and writes nothing.
    hidden = Company.objects.get(name="Verschwiegen GmbH")
    response = owner.post(
        reverse("web:portal_need_propose", args=[need.pk]), {"target": f"company:{hidden.pk}", "message": "Bitte um Kontakt."}
    )
    assert response.status_code == 400 and not Introduction.objects.exists()
    assert "This contact cannot be suggested" in response.content.decode()
    assert peer.pk  # used above


def test_propose_bad_message_answers_400(owner, company, company_user, profile):
    need = _need(company, company_user)
    response = owner.post(reverse("web:portal_need_propose", args=[need.pk]), {"target": "profile:labor-druckluft", "message": "kurz"})
    assert response.status_code == 400 and not Introduction.objects.exists()
    [suggestion] = response.context["suggestions"]
    assert suggestion.open and suggestion.form.errors["message"]
    assert "<details open>" in response.content.decode()


# --- introductions ----------------------------------------------------------------------------


def _propose(owner, need) -> Introduction:
    response = owner.post(
        reverse("web:portal_need_propose", args=[need.pk]),
        {"target": "profile:labor-druckluft", "message": "Wir möchten die Abwärme unserer Druckluft nutzen."},
    )
    intro = Introduction.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:introduction_detail", args=[intro.pk])
    return intro


def test_propose_is_pending_for_the_target(client, owner, company, company_user, holder, profile):
    need = _need(company, company_user)
    intro = _propose(owner, need)
    assert (intro.status, intro.company_decision, intro.target_decision) == (
        IntroductionStatus.PROPOSED, Decision.ACCEPTED, Decision.PENDING
    )
    assert intro.need == need and intro.reasons  # the engine's reasons are kept
    body = owner.get(reverse("web:introduction_detail", args=[intro.pk])).content.decode()
    assert "Contact details appear here only after both sides have agreed." in body
    assert holder.email not in body and 'action="' + reverse("web:introduction_accept", args=[intro.pk]) not in body
    assert "An introduction is under way" in owner.get(reverse("web:portal_need", args=[need.pk])).content.decode()

    client.logout()
    _login(client, holder)
    response = client.get(reverse("web:introduction_list"))
    assert [r.intro for r in response.context["waiting"]] == [intro]
    response = client.get(reverse("web:introduction_detail", args=[intro.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert company.name in body and "Wir möchten die Abwärme unserer Druckluft nutzen." in body
    assert escape(str(services.CONSENT_TEXT)) in body
    assert 'value="professorin@example.org"' in body  # the default contact person: the user
    assert company_user.email not in body  # not before both agreed
    assert '<button type="submit">Agree</button>' in body


def test_the_targets_accept_reveals_the_contacts_to_both(client, owner, company, company_user, holder, profile):
    intro = _propose(owner, _need(company, company_user))
    client.logout()
    _login(client, holder)
    response = client.post(
        reverse("web:introduction_accept", args=[intro.pk]),
        {"name": "Petra Professorin", "function": "Laborleitung", "email": "labor@fh.example", "phone": "0231 12345"},
    )
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.ACCEPTED and intro.target_person["email"] == "labor@fh.example"
    body = client.get(reverse("web:introduction_detail", args=[intro.pk])).content.decode()
    assert company_user.email in body and "Ines Inhaberin" in body and "Both sides agreed" in body
    client.logout()
    body = _login(client, company_user).get(reverse("web:introduction_detail", args=[intro.pk])).content.decode()
    assert "labor@fh.example" in body and "Laborleitung" in body and "0231 12345" in body
    assert 'href="mailto:labor@fh.example"' in body


def test_accept_with_an_incomplete_contact_person_answers_400(client, company, company_user, holder, profile):
    intro = _introduction(company, company_user, profile)
    _login(client, holder)
    response = client.post(reverse("web:introduction_accept", args=[intro.pk]), {"name": "Petra", "email": ""})
    assert response.status_code == 400 and response.context["agree_form"].errors["email"]
    intro.refresh_from_db()
    assert intro.target_decision == Decision.PENDING


def test_decline_never_shows_contacts(client, owner, company, company_user, holder, profile):
    intro = _propose(owner, _need(company, company_user))
    client.logout()
    _login(client, holder)
    response = client.post(reverse("web:introduction_decline", args=[intro.pk]), {"note": "Im Moment keine Kapazität."})
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.DECLINED and intro.target_person == {}
    body = client.get(reverse("web:introduction_detail", args=[intro.pk])).content.decode()
    assert company_user.email not in body and "No contact details are passed on" in body
    assert 'action="' + reverse("web:introduction_accept", args=[intro.pk]) not in body
    client.logout()
    body = _login(client, company_user).get(reverse("web:introduction_detail", args=[intro.pk])).content.decode()
    assert holder.email not in body and "Im Moment keine Kapazität." in body


def test_a_second_answer_is_an_error_message_not_a_500(client, company, company_user, holder, profile):
    intro = _introduction(company, company_user, profile)
    _login(client, holder)
    assert client.post(reverse("web:introduction_accept", args=[intro.pk]), {}).status_code == 302
    for url in (reverse("web:introduction_accept", args=[intro.pk]), reverse("web:introduction_decline", args=[intro.pk])):
        response = client.post(url, {})
        assert response.status_code == 400
        assert "no longer waiting for an answer" in response.content.decode()
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.ACCEPTED


def test_the_company_side_answers_a_consultants_proposal(client, consultant, company, company_user, holder, profile):
    intro = services.introduction_propose(
        actor=consultant, company=company, profile=profile, message="Die Agentur schlägt das Labor vor."
    )
    _login(client, company_user)
    assert [r.intro for r in client.get(reverse("web:introduction_list")).context["waiting"]] == [intro]
    response = client.post(reverse("web:introduction_accept", args=[intro.pk]), {})
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.company_decision == Decision.ACCEPTED and intro.company_person["email"] == company_user.email
    assert intro.status == IntroductionStatus.PROPOSED  # the competence holder has not answered yet
    response = client.post(reverse("web:introduction_accept", args=[intro.pk]), {})
    assert response.status_code == 400 and "This side has already answered." in response.content.decode()


def test_a_peer_company_answers_as_the_target(client, owner, company, company_user):
    peer = _peer("Gießerei Partner GmbH", "44787", email="info@giesserei.example", peer_exchange=True)
    peer_user = UserFactory(email="giesserei@example.org", role=Role.COMPANY)
    MembershipFactory(user=peer_user, company=peer)
    need = _need(company, company_user, kind=NeedKind.PEER)
    response = owner.post(
        reverse("web:portal_need_propose", args=[need.pk]), {"target": f"company:{peer.pk}", "message": "Austausch zur Abwärme?"}
    )
    intro = Introduction.objects.get()
    assert response.status_code == 302 and intro.target_company == peer
    client.logout()
    _login(client, peer_user)
    body = client.get(reverse("web:introduction_detail", args=[intro.pk])).content.decode()
    assert company.name in body and company_user.email not in body
    assert client.post(reverse("web:introduction_accept", args=[intro.pk]), {}).status_code == 302
    body = client.get(reverse("web:introduction_detail", args=[intro.pk])).content.decode()
    assert company_user.email in body


# --- the company profile for exchange and supply ----------------------------------------------


def test_exchange_profile_explains_the_opt_ins_and_saves(owner, company, company_user):
    response = owner.get(reverse("web:portal_exchange_profiles"))  # one company: straight to its form
    url = reverse("web:portal_exchange_profile", args=[company.pk])
    assert response.status_code == 302 and response["Location"] == url
    body = owner.get(url).content.decode()
    assert "never your contact details" in body and "Your company is not suggested to other companies." in body

    response = owner.post(url, {"supplier": "on"})  # a supplier must say what it can do
    assert response.status_code == 400 and response.context["form"].errors["capabilities"]
    assert not CompanyProfile.objects.exists()

    response = owner.post(url, {
        "challenges": "Energiekosten", "capabilities": "Laserschneiden", "processes": "Laserschneiden, Kanten",
        "materials": "Edelstahl", "certifications": "ISO 9001; ISO 50001", "peer_exchange": "on", "supplier": "on",
    })  # fmt: skip
    assert response.status_code == 302
    cp = CompanyProfile.objects.get(company=company)
    assert cp.processes == ["Laserschneiden", "Kanten"] and cp.certifications == ["ISO 9001", "ISO 50001"]
    assert cp.peer_exchange and cp.supplier
    body = owner.get(url).content.decode()
    assert "as a regional supplier" in body and "Laserschneiden, Kanten" in body
