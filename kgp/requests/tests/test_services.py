"""Request services: routing by postcode, matching anonymous senders to companies without overwriting,
consent with its text, e-mails, status changes in the audit log and on the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from kgp.accounts.models import Role
from kgp.assessment.models import CheckResult, Questionnaire
from kgp.catalogue.models import OfferStatus
from kgp.companies.consents import VERSION, consent_text
from kgp.companies.models import Company, Consent
from kgp.companies.queries import company_timeline
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.requests import services
from kgp.requests.models import Request, RequestItem
from kgp.testing.factories import CompanyFactory, OfferFactory, UserFactory, org

pytestmark = pytest.mark.django_db

# One postcode per partner (main ranges of kgp/organisations/data/region.json) and one outside.
ROUTES = [
    ("44139", "Dortmund", "dortmund"),
    ("44801", "Bochum", "bochum"),
    ("58095", "Hagen", "hagen"),
    ("59065", "Hamm", "hamm"),
    ("59423", "Unna", "unna"),
    ("44532", "Lünen", "unna"),  # a municipality of Kreis Unna with its own postcode range
    ("10115", "Berlin", None),  # outside the region: the network coordination
]


def company_data(**overrides):
    return {
        "name": "Neuwerk Metall GmbH", "street": "Hafenstraße 1", "postcode": "44139", "city": "Dortmund",
        "register_court": "", "register_number": "", "website": "", "employees_band": "10-49",
    } | overrides  # fmt: skip


def submit(*, offers=None, **overrides):
    offers = offers if offers is not None else [OfferFactory()]
    kwargs = {
        "actor": None,
        "company_data": company_data(),
        "contact": {"name": "Erika Beispiel", "email": "erika@example.org", "phone": "0231 1234"},
        "message": "Wir wollen Energie sparen.",
        "channel": "phone",
        "preferred_time": "vormittags",
        "offers_with_notes": [(o, f"Notiz zu {o.title}") for o in offers],
        "consent_given": True,
        "language": "de",
    }
    return services.request_submit(**(kwargs | overrides))


@pytest.fixture
def team(db):
    """One consultant per agency and a coordinator."""
    users = {key: UserFactory(email=f"beratung.{key}@example.org", role=Role.CONSULTANT, organisation=org(key))
             for key in ("dortmund", "bochum", "hagen", "hamm", "unna")}  # fmt: skip
    users["coordinator"] = UserFactory(email="koordination@example.org", role=Role.COORDINATOR, organisation=org("dortmund"))
    return users


@pytest.mark.parametrize(("postcode", "city", "partner"), ROUTES)
def test_a_request_is_routed_by_the_postcode(team, django_capture_on_commit_callbacks, postcode, city, partner):
    offer = OfferFactory(title="Energieeffizienz-Coaching")
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(offers=[offer], company_data=company_data(postcode=postcode, city=city))
    assert (req.partner.key if req.partner else None) == partner
    assert req.company.responsible_partner == req.partner
    # The agency's team (the coordination outside the region) is told, and only they.
    expected = team[partner].email if partner else team["coordinator"].email
    notices = [m for m in mail.outbox if m.to != ["erika@example.org"]]
    assert [m.to for m in notices] == [[expected]]
    assert f"/backoffice/requests/{req.pk}/" in notices[0].body
    confirmation = next(m for m in mail.outbox if m.to == ["erika@example.org"])
    agency = req.partner.name if req.partner else org("dortmund").name  # the coordination sits at the lead partner
    assert agency in confirmation.subject and agency in confirmation.body


def test_agency_without_consultants_falls_back_to_the_coordination(django_capture_on_commit_callbacks):
    coordinator = UserFactory(role=Role.COORDINATOR, organisation=org("dortmund"))
    UserFactory(role=Role.CONSULTANT, organisation=org("hagen"), is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(company_data=company_data(postcode="58095", city="Hagen"))
    assert [m.to for m in mail.outbox if m.to != ["erika@example.org"]] == [[coordinator.email]]


def test_confirmation_mail_has_the_package_summary_in_the_request_language(team, django_capture_on_commit_callbacks):
    first, second = OfferFactory(title="CO2-Bilanz-Workshop"), OfferFactory(title="Hochschulkontakte")
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(
            offers=[first, second],
            offers_with_notes=[(first, "Gern im März"), (second, "")],
            language="en",
        )
    confirmation = next(m for m in mail.outbox if m.to == ["erika@example.org"])
    body = confirmation.body
    assert req.number in confirmation.subject and req.number in body
    assert "CO2-Bilanz-Workshop" in body and "Hochschulkontakte" in body
    assert "Wirtschaftsförderung Dortmund" in body
    # The address is not verified: nothing typed in freely is repeated (no relay for any text).
    for free_text in ("Gern im März", "Erika Beispiel", "Energie sparen", "vormittags", "Neuwerk Metall GmbH"):
        assert free_text not in body and free_text not in confirmation.subject
    assert "What happens next" in body  # English source text: the request was sent in English
    assert "/portal/" not in body  # an anonymous sender has no portal page
    notice = next(m for m in mail.outbox if m.to == [team["dortmund"].email])
    # The agency notice names the company and links the backoffice, but carries no personal data.
    assert "Neuwerk Metall GmbH" in notice.body
    for private in ("Erika", "erika@example.org", "0231 1234", "Energie sparen", "Gern im März"):
        assert private not in notice.body and private not in notice.subject


def test_no_mail_before_the_transaction_commits(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit()
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_items_keep_the_title_and_note_and_unavailable_offers_are_left_out(team):
    live = OfferFactory(title="Alter Titel")
    archived = OfferFactory(status=OfferStatus.ARCHIVED)
    expired = OfferFactory(valid_until=timezone.localdate() - dt.timedelta(days=1))
    req = submit(offers=[live, archived, expired])
    live.title = "Neuer Titel"
    live.save()
    item = RequestItem.objects.get(request=req)
    assert (item.offer_id, item.offer_title, item.note) == (live.pk, "Alter Titel", "Notiz zu Alter Titel")


def test_a_request_needs_an_available_offer_and_nothing_is_written(team):
    archived = OfferFactory(status=OfferStatus.ARCHIVED)
    with pytest.raises(ServiceError) as exc:
        submit(offers=[archived])
    assert exc.value.field == "offers"
    assert not Request.objects.exists() and not Company.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent_given": False}, "consent"),
        ({"contact": {"name": "", "email": "a@example.org"}}, "contact_name"),
        ({"contact": {"name": "A", "email": "kein-mail"}}, "contact_email"),
        ({"contact": {"name": "A", "email": "a@example.org", "phone": "1" * 41}}, "contact_phone"),
        ({"channel": "fax"}, "preferred_channel"),
        ({"message": "x" * 5001}, "message"),
        ({"preferred_time": "x" * 201}, "preferred_time"),
        ({"company_data": company_data(postcode="4413")}, "postcode"),
        ({"company_data": company_data(name="")}, "name"),
        ({"company_data": company_data(city="")}, "city"),
        ({"company_data": company_data(register_number="12345", register_court="AG Dortmund")}, "register_number"),
        ({"company_data": company_data(website="javascript:alert(1)")}, "website"),
        ({"company_data": company_data(employees_band="viele")}, "employees_band"),
    ],
)
def test_bad_input_raises_with_the_field_and_writes_nothing(team, overrides, field):
    offer = OfferFactory()
    before = (Company.objects.count(), Consent.objects.count(), AuditLogEntry.objects.count())
    with pytest.raises(ServiceError) as exc:
        submit(offers=[offer], **overrides)
    assert exc.value.field == field
    assert exc.value.message
    assert not Request.objects.exists()
    assert (Company.objects.count(), Consent.objects.count(), AuditLogEntry.objects.count()) == before


def test_anonymous_request_for_a_new_company_creates_it_from_the_request(team):
    req = submit()
    company = req.company
    assert (company.name, company.postcode, company.responsible_partner.key) == ("Neuwerk Metall GmbH", "44139", "dortmund")
    assert company.created_by is None
    assert not req.matched_existing and req.possible_duplicates == []
    assert req.submitted_company["employees_band"] == "10-49"
    assert req.source == "public" and req.created_by is None
    created = AuditLogEntry.objects.get(company=company, object_type="companies.company", action="create")
    assert created.changes["source"] == [None, "request"]


def test_anonymous_request_matches_a_known_register_entry_and_never_overwrites(team):
    known = CompanyFactory(
        name="Altbau Stahl GmbH", postcode="44139", city="Dortmund", street="Alte Straße 5",
        register_court="Amtsgericht Dortmund", register_number="HRB 4711", website="https://alt.example.org",
    )  # fmt: skip
    req = submit(
        company_data=company_data(
            name="Stahl Altbau GmbH & Co. KG", street="Neue Straße 9", register_court="AG Dortmund",
            register_number="hrb4711", website="https://neu.example.org",
        )  # fmt: skip
    )
    assert req.company == known and req.matched_existing
    known.refresh_from_db()
    assert (known.name, known.street, known.website) == ("Altbau Stahl GmbH", "Alte Straße 5", "https://alt.example.org")
    assert req.submitted_company["street"] == "Neue Straße 9"
    assert req.submitted_company["register_number"] == "HRB 4711"
    assert Company.objects.count() == 1
    assert not AuditLogEntry.objects.filter(company=known, object_type="companies.company", action="update").exists()


def test_anonymous_request_matches_the_only_similar_name_in_the_municipality(team):
    known = CompanyFactory(name="Maschinenbau Krause GmbH", postcode="59065", city="Hamm")
    req = submit(company_data=company_data(name="Maschinenbau Krause GmbH", postcode="59063", city="Hamm", street="Weg 1"))
    assert req.company == known and req.matched_existing
    assert req.partner.key == "hamm"
    assert Company.objects.count() == 1


def test_a_similar_name_with_another_register_number_is_another_company(team):
    CompanyFactory(name="Maschinenbau Krause GmbH", postcode="59065", city="Hamm", register_court="Amtsgericht Hamm", register_number="HRB 1")
    req = submit(
        company_data=company_data(
            name="Maschinenbau Krause GmbH", postcode="59065", city="Hamm", register_court="AG Hamm", register_number="HRB 2"
        )
    )
    assert not req.matched_existing and Company.objects.count() == 2


def test_several_look_alikes_link_none_and_are_listed_for_review(team):
    first = CompanyFactory(name="Schmidt Metallbau GmbH", postcode="44139", city="Dortmund")
    second = CompanyFactory(name="Schmidt Metallbau KG", postcode="44141", city="Dortmund")
    req = submit(company_data=company_data(name="Schmidt Metallbau GmbH"))
    assert req.company not in (first, second) and not req.matched_existing
    assert sorted(req.possible_duplicates) == sorted([first.pk, second.pk])
    first.refresh_from_db()
    assert first.name == "Schmidt Metallbau GmbH"


def test_same_name_in_another_municipality_is_not_a_match(team):
    CompanyFactory(name="Neuwerk Metall GmbH", postcode="44801", city="Bochum")
    req = submit()
    assert not req.matched_existing and req.company.responsible_partner.key == "dortmund"


def test_the_consent_is_stored_with_the_exact_text_in_the_language_shown(team):
    req = submit(language="en")
    consent = req.consent
    assert (consent.kind, consent.granted, consent.source) == ("request", True, "public")
    assert consent.text == consent_text("request", "en") and consent.text_version == VERSION
    assert consent.company == req.company
    assert consent.contact_label == "Erika Beispiel <erika@example.org>"
    assert AuditLogEntry.objects.filter(company=req.company, action="consent").exists()


def test_a_company_user_sends_for_their_company(team, company, company_user):
    offer = OfferFactory()
    req = submit(actor=company_user, company=company, company_data=None, offers=[offer])
    assert (req.company, req.partner.key, req.source, req.created_by) == (company, "dortmund", "portal", company_user)
    assert req.consent.source == "portal" and req.consent.recorded_by == company_user
    assert req.submitted_company == {} and not req.matched_existing


def test_the_request_is_on_the_company_timeline(team, company, company_user):
    req = submit(actor=company_user, company=company, company_data=None)
    entry = AuditLogEntry.objects.get(object_type="requests.request", object_id=str(req.pk), action="create")
    assert entry.company == company and entry.actor == company_user
    assert entry.changes["status"] == [None, "new"]
    assert entry.changes["partner"] == [None, "Wirtschaftsförderung Dortmund"]
    assert req.number in entry.object_repr
    assert any(item.obj == entry for item in company_timeline(company))


def test_status_change_is_audited_with_the_time(team, company, company_user):
    req = submit(actor=company_user, company=company, company_data=None)
    consultant = team["dortmund"]
    changed = services.request_status_set(actor=consultant, req=req, status="consultation_agreed")
    assert changed.status == "consultation_agreed" and changed.status_changed_at is not None
    entry = AuditLogEntry.objects.get(object_type="requests.request", object_id=str(req.pk), action="update")
    assert entry.changes == {"status": ["new", "consultation_agreed"]}
    assert entry.actor == consultant and entry.company == company
    # The same status again changes nothing and logs nothing.
    services.request_status_set(actor=consultant, req=req, status="consultation_agreed")
    assert AuditLogEntry.objects.filter(object_type="requests.request", action="update").count() == 1
    with pytest.raises(ServiceError):
        services.request_status_set(actor=consultant, req=req, status="done")


def test_status_entries_of_a_merged_company_go_to_the_kept_one(team, company, company_user):
    from kgp.companies import services as company_services

    other = CompanyFactory(name="Zweitwerk GmbH", postcode="44139", city="Dortmund")
    req = submit(actor=company_user, company=other, company_data=None)
    company_services.company_merge(actor=team["dortmund"], keep=company, remove=other)
    services.request_status_set(actor=team["dortmund"], req=req, status="in_progress")
    entry = AuditLogEntry.objects.get(object_type="requests.request", object_id=str(req.pk), action="update")
    assert entry.company == company


def _check_result(completed: bool) -> CheckResult:
    questionnaire = Questionnaire.objects.create(version=99, title="Test")
    return CheckResult.objects.create(
        token="t" * 40, questionnaire=questionnaire, completed_at=timezone.now() if completed else None
    )


def test_a_completed_check_result_can_be_sent_along(team):
    result = _check_result(completed=True)
    req = submit(check_result=result)
    assert req.check_result == result


def test_an_unfinished_check_result_is_refused(team):
    result = _check_result(completed=False)
    with pytest.raises(ServiceError) as exc:
        submit(check_result=result)
    assert exc.value.field == "send_check_result"
    assert not Request.objects.exists()


def test_the_request_number(team):
    req = submit()
    assert req.number == f"A-{timezone.localtime(req.created_at):%Y}-{req.pk:05d}"
    assert str(req).endswith(req.number)


def test_a_check_result_of_another_company_is_not_sent_along(team, company, company_user):
    result = _check_result(completed=True)
    result.company = CompanyFactory(name="Fremd GmbH", postcode="44787", city="Bochum")
    result.save()
    req = submit(actor=company_user, company=company, company_data=None, check_result=result)
    assert req.check_result is None  # ignored; the request itself is sent
    result.company = company
    result.save()
    assert submit(actor=company_user, company=company, company_data=None, check_result=result).check_result == result


def test_line_breaks_in_the_company_name_do_not_break_the_mail_subjects(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(company_data=company_data(name="Evil GmbH\nBcc: victim@example.org"))
    assert Request.objects.filter(pk=req.pk).exists()
    assert mail.outbox and all("\n" not in m.subject and "\r" not in m.subject for m in mail.outbox)
    assert any("Evil GmbH Bcc: victim@example.org" in m.subject for m in mail.outbox)


def test_control_characters_are_stripped_from_notes(team):
    offer = OfferFactory()
    req = submit(offers=[offer], offers_with_notes=[(offer, "a\x00b\x07c")])
    assert req.items.get().note == "abc"
