"""The Baukasten in the portal: collecting offers across pages, notes, archived offers, the merge at
login, sending the request (anonymous and as a company user), spam protection, the confirmation, and
the company user's view of its requests."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kgp.accounts.models import Role
from kgp.catalogue.models import OfferStatus
from kgp.companies.consents import consent_text
from kgp.companies.models import Company, Consent
from kgp.core.models import AuditLogEntry
from kgp.requests import forms as request_forms
from kgp.requests.models import PackageItem, Request
from kgp.testing.factories import PASSWORD, CompanyFactory, MembershipFactory, OfferFactory, RequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def add(client, offer, **data):
    return client.post(reverse("web:package_add"), {"offer": offer.pk, **data})


def session_items(client):
    return client.session.get("package", [])


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The send limit per client address is counted in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def stamp(client, age=60):
    """A form stamp issued to the client's session (as when the form is shown), `age` seconds ago."""
    session = client.session
    value = request_forms.issue_stamp(session, at=time.time() - age)
    session.save()
    return value


def public_form(client, **overrides):
    data = {
        "name": "Neuwerk Metall GmbH", "street": "Hafenstraße 1", "postcode": "44139", "city": "Dortmund",
        "register_court": "", "register_number": "", "website": "", "employees_band": "10-49",
        "contact_name": "Erika Beispiel", "contact_email": "erika@example.org", "contact_phone": "",
        "message": "Bitte rufen Sie uns an.", "preferred_channel": "phone", "preferred_time": "vormittags",
        "consent": "on", "fax": "", "started": stamp(client) if "started" not in overrides else None,
    }  # fmt: skip
    return {k: v for k, v in (data | overrides).items() if v is not None}


def member_form(client, **overrides):
    data = public_form(client, **overrides)
    for key in ("name", "street", "postcode", "city", "register_court", "register_number", "website", "employees_band"):
        data.pop(key, None)
    return data


def written():
    return (Request.objects.count(), Company.objects.count(), Consent.objects.count(), AuditLogEntry.objects.count())


# --- collecting ----------------------------------------------------------------------------------


def test_the_package_urls():
    assert reverse("web:package") == "/baukasten/"
    assert reverse("web:package_send") == "/baukasten/anfrage/"


def test_anonymous_package_is_kept_across_pages(client):
    first, second = OfferFactory(title="Energie-Coaching"), OfferFactory(title="Hochschul-Speeddating")
    response = add(client, first, next="/datenschutz/")
    assert response.status_code == 302 and response["Location"] == "/datenschutz/"
    add(client, second)
    add(client, first)  # twice: still once
    assert [i[0] for i in session_items(client)] == [first.pk, second.pk]
    client.get("/")
    page = client.get(reverse("web:package"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Energie-Coaching" in body and "Hochschul-Speeddating" in body
    assert body.index("Energie-Coaching") < body.index("Hochschul-Speeddating")
    assert "no-store" in page["Cache-Control"]


def test_the_header_count_comes_from_the_context_processor(client, company_user):
    offer = OfferFactory()
    add(client, offer)
    response = client.get(reverse("web:package"))
    assert response.context["package_count"]() == 1
    PackageItem.objects.create(user=company_user, offer=OfferFactory())
    PackageItem.objects.create(user=company_user, offer=OfferFactory())
    client.force_login(company_user)  # the session's offer moves into the account
    assert client.get("/").context["package_count"]() == 3


def test_next_must_be_a_local_path(client):
    offer = OfferFactory()
    for target in ("https://evil.example.org/", "//evil.example.org/x", "javascript:alert(1)", "/\\evil.example.org"):
        response = add(client, offer, next=target)
        assert response["Location"] == reverse("web:package"), target


def test_only_public_offers_can_be_added(client):
    draft = OfferFactory(status=OfferStatus.DRAFT)
    archived = OfferFactory(status=OfferStatus.ARCHIVED)
    expired = OfferFactory(valid_until=timezone.localdate() - dt.timedelta(days=1))
    for offer in (draft, archived, expired):
        assert add(client, offer).status_code == 404
    assert client.post(reverse("web:package_add"), {"offer": "abc"}).status_code == 404
    assert client.get(reverse("web:package_add")).status_code == 405
    assert session_items(client) == []


def test_htmx_add_answers_with_a_fragment_and_the_new_count(client):
    offer = OfferFactory(title="Digitalisierungs-Check")
    response = client.post(reverse("web:package_add"), {"offer": offer.pk}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="package-count"' in body and 'hx-swap-oob="true"' in body
    assert re.search(r'id="package-count"[^>]*>\s*1\s*<', body)
    assert "HX-Request" in response["Vary"]


def test_notes_are_saved_and_removing_keeps_other_notes(client):
    first, second = OfferFactory(), OfferFactory()
    add(client, first)
    add(client, second)
    response = client.post(reverse("web:package_note"), {f"note-{first.pk}": "Gern im März", f"note-{second.pk}": ""})
    assert response.status_code == 302
    assert session_items(client) == [[first.pk, "Gern im März"], [second.pk, ""]]
    # The remove button is part of the notes form: a note typed meanwhile is saved, too.
    client.post(reverse("web:package_remove"), {"offer": first.pk, f"note-{first.pk}": "egal", f"note-{second.pk}": "Neu"})
    assert session_items(client) == [[second.pk, "Neu"]]


def test_too_long_note_is_400_and_nothing_is_saved(client):
    offer = OfferFactory()
    add(client, offer)
    client.post(reverse("web:package_note"), {f"note-{offer.pk}": "alt"})
    response = client.post(reverse("web:package_note"), {f"note-{offer.pk}": "x" * 1001})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert session_items(client) == [[offer.pk, "alt"]]


def test_continue_saves_the_notes_and_opens_the_request_form(client):
    offer = OfferFactory()
    add(client, offer)
    response = client.post(reverse("web:package_note"), {f"note-{offer.pk}": "Bitte bald", "continue": "1"})
    assert response["Location"] == reverse("web:package_send")
    assert session_items(client) == [[offer.pk, "Bitte bald"]]


def test_archived_offers_are_shown_as_unavailable_and_not_sent(client, django_capture_on_commit_callbacks):
    live, gone = OfferFactory(title="Bleibt"), OfferFactory(title="Archiviert")
    add(client, live)
    add(client, gone)
    gone.status = OfferStatus.ARCHIVED
    gone.save()
    body = client.get(reverse("web:package")).content.decode()
    assert "No longer available" in body or "nicht mehr" in body
    assert f'name="note-{gone.pk}"' not in body and f'name="note-{live.pk}"' in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:package_send"), public_form(client))
    assert response.status_code == 302
    req = Request.objects.get()
    assert [i.offer_title for i in req.items.all()] == ["Bleibt"]


def test_company_users_keep_the_package_in_their_account(client, company_user):
    offer = OfferFactory()
    client.force_login(company_user)
    add(client, offer)
    client.post(reverse("web:package_note"), {f"note-{offer.pk}": "Im Konto"})
    assert list(PackageItem.objects.filter(user=company_user).values_list("offer_id", "note")) == [(offer.pk, "Im Konto")]
    assert session_items(client) == []
    client.post(reverse("web:package_remove"), {"offer": offer.pk})
    assert not PackageItem.objects.exists()


def test_login_merges_the_session_package_into_the_account(client):
    user = UserFactory(email="firma@example.org", role=Role.COMPANY)
    kept, new = OfferFactory(), OfferFactory()
    PackageItem.objects.create(user=user, offer=kept, note="")
    add(client, kept)
    add(client, new)
    client.post(reverse("web:package_note"), {f"note-{kept.pk}": "aus der Sitzung", f"note-{new.pk}": "neu"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    items = dict(PackageItem.objects.filter(user=user).values_list("offer_id", "note"))
    assert items == {kept.pk: "aus der Sitzung", new.pk: "neu"}
    assert session_items(client) == []
    assert "aus der Sitzung" in client.get(reverse("web:package")).content.decode()


def test_staff_keep_a_session_package(client, consultant):
    client.force_login(consultant)
    offer = OfferFactory()
    add(client, offer)
    assert [i[0] for i in session_items(client)] == [offer.pk]
    assert not PackageItem.objects.exists()


# --- sending -------------------------------------------------------------------------------------


def test_empty_package_redirects_from_the_request_form(client):
    response = client.get(reverse("web:package_send"))
    assert response["Location"] == reverse("web:package")


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_form_shows_the_exact_consent_text(client, settings, language):
    add(client, OfferFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(reverse("web:package_send")).content.decode()
    from django.utils.html import escape

    assert escape(consent_text("request", language)) in body
    assert 'name="fax"' in body and 'class="hp"' in body
    assert 'name="send_check_result"' not in body


def test_anonymous_visitor_sends_the_package(client, consultant, django_capture_on_commit_callbacks):
    offer = OfferFactory(title="Ressourceneffizienz-Beratung")
    add(client, offer)
    client.post(reverse("web:package_note"), {f"note-{offer.pk}": "Zwei Standorte"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:package_send"), public_form(client))
    assert response.status_code == 302 and response["Location"] == reverse("web:package_sent")
    req = Request.objects.get()
    assert (req.company.name, req.partner.key, req.source, req.language) == ("Neuwerk Metall GmbH", "dortmund", "public", "de")
    assert (req.contact_name, req.contact_email, req.preferred_channel, req.preferred_time) == (
        "Erika Beispiel", "erika@example.org", "phone", "vormittags",
    )  # fmt: skip
    assert req.items.get().note == "Zwei Standorte"
    assert req.consent.text == consent_text("request", "de")
    assert session_items(client) == []  # the package is empty after sending
    sent = client.get(reverse("web:package_sent"))
    body = sent.content.decode()
    assert req.number in body and "Wirtschaftsförderung Dortmund" in body and "erika@example.org" in body
    assert {tuple(m.to) for m in mail.outbox} == {("erika@example.org",), (consultant.email,)}


def test_the_confirmation_page_shows_only_the_own_request(client):
    RequestFactory()
    assert client.get(reverse("web:package_sent"))["Location"] == reverse("web:package")


def test_request_outside_the_region_goes_to_the_coordination(client):
    add(client, OfferFactory())
    client.post(reverse("web:package_send"), public_form(client, postcode="10115", city="Berlin"))
    req = Request.objects.get()
    assert req.partner is None
    # The coordination sits at the lead partner.
    assert "Wirtschaftsförderung Dortmund" in client.get(reverse("web:package_sent")).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": None}, "consent"),
        ({"contact_email": "kein-mail"}, "contact_email"),
        ({"contact_name": ""}, "contact_name"),
        ({"postcode": "4413"}, "postcode"),
        ({"name": ""}, "name"),
        ({"preferred_channel": "fax"}, "preferred_channel"),
        ({"register_number": "HRB 5", "register_court": ""}, "register_court"),
        ({"register_number": "12345", "register_court": "AG Dortmund"}, "register_number"),
        ({"message": "x" * 5001}, "message"),
    ],
)
def test_bad_input_is_400_with_messages_and_nothing_written(client, overrides, field):
    add(client, OfferFactory())
    before = written()
    response = client.post(reverse("web:package_send"), public_form(client, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert written() == before
    assert len(session_items(client)) == 1  # the package is still there


def test_honeypot_and_a_too_quick_submission_are_refused(client, monkeypatch):
    add(client, OfferFactory())
    before = written()
    assert client.post(reverse("web:package_send"), public_form(client, fax="spam")).status_code == 400
    response = client.post(reverse("web:package_send"), public_form(client, started=request_forms.form_stamp()))
    assert response.status_code == 400
    # The form comes back with a fresh stamp, so a person can simply send again.
    fresh = re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)
    assert request_forms.stamp_age(fresh) is not None
    assert client.post(reverse("web:package_send"), public_form(client, started="forged")).status_code == 400
    assert written() == before
    monkeypatch.setattr(request_forms, "MIN_FILL_SECONDS", 0)
    assert client.post(reverse("web:package_send"), public_form(client, started=fresh)).status_code == 302


def test_company_user_sends_with_company_data_from_the_account(client, company, company_user, django_capture_on_commit_callbacks):
    offer = OfferFactory()
    client.force_login(company_user)
    add(client, offer)
    page = client.get(reverse("web:package_send"))
    body = page.content.decode()
    assert company.name in body
    assert 'name="postcode"' not in body  # company data are not editable here
    assert page.context["form"].initial["contact_email"] == company_user.email
    with django_capture_on_commit_callbacks(execute=True):
        # A company field sent anyway is ignored: the record is what goes out.
        response = client.post(reverse("web:package_send"), member_form(client, company=company.pk, name="Anders GmbH"))
    assert response.status_code == 302
    req = Request.objects.get()
    assert (req.company, req.source, req.created_by) == (company, "portal", company_user)
    company.refresh_from_db()
    assert company.name == "Stahlbau Beispiel GmbH"
    assert not PackageItem.objects.filter(user=company_user).exists()
    assert f"/portal/anfragen/{req.pk}/" in next(m for m in mail.outbox if m.to == ["erika@example.org"]).body
    assert reverse("web:portal_request", args=[req.pk]) in client.get(reverse("web:package_sent")).content.decode()


def test_member_of_several_companies_chooses_and_cannot_pick_another(client, company, company_user):
    second = CompanyFactory(name="Zweitfirma GmbH", postcode="59065", city="Hamm")
    MembershipFactory(user=company_user, company=second)
    stranger = CompanyFactory(name="Fremd GmbH")
    client.force_login(company_user)
    add(client, OfferFactory())
    body = client.get(reverse("web:package_send")).content.decode()
    assert "Zweitfirma GmbH" in body and "Fremd GmbH" not in body
    before = written()
    assert client.post(reverse("web:package_send"), member_form(client, company=stranger.pk)).status_code == 400
    assert written() == before
    assert client.post(reverse("web:package_send"), member_form(client, company=second.pk)).status_code == 302
    assert Request.objects.get().partner.key == "hamm"


def _check_result(completed=True):
    from kgp.assessment.models import CheckResult, Questionnaire

    questionnaire = Questionnaire.objects.create(version=98, title="Test")
    return CheckResult.objects.create(token="k" * 40, questionnaire=questionnaire, completed_at=timezone.now() if completed else None)


def _with_check_token(client, token):
    session = client.session
    session["check_result_token"] = token
    session.save()


def test_a_completed_check_result_can_be_sent_along(client):
    result = _check_result()
    add(client, OfferFactory())
    _with_check_token(client, result.token)
    assert 'name="send_check_result"' in client.get(reverse("web:package_send")).content.decode()
    client.post(reverse("web:package_send"), public_form(client, send_check_result="on"))
    assert Request.objects.get().check_result == result


def test_the_check_result_stays_private_without_the_tick(client):
    result = _check_result()
    add(client, OfferFactory())
    _with_check_token(client, result.token)
    client.post(reverse("web:package_send"), public_form(client))
    assert Request.objects.get().check_result is None


def test_an_unfinished_check_result_is_not_offered(client):
    result = _check_result(completed=False)
    add(client, OfferFactory())
    _with_check_token(client, result.token)
    assert 'name="send_check_result"' not in client.get(reverse("web:package_send")).content.decode()
    client.post(reverse("web:package_send"), public_form(client, send_check_result="on"))
    assert Request.objects.get().check_result is None


# --- the company's account ------------------------------------------------------------------------


def test_portal_home_lists_the_company_requests_with_status(client, company, company_user):
    req = RequestFactory(company=company, status="consultation_agreed")
    other = RequestFactory(company=CompanyFactory(name="Andere GmbH"))
    client.force_login(company_user)
    body = client.get(reverse("web:portal")).content.decode()
    assert req.number in body and other.number not in body
    assert reverse("web:portal_request", args=[req.pk]) in body
    assert reverse("web:package") in body


def test_portal_request_page_and_other_companies_requests_are_404(client, company, company_user):
    offer = OfferFactory(title="Transferprojekt Sensorik")
    req = RequestFactory(company=company, offers=[offer], status="in_progress")
    other = RequestFactory(company=CompanyFactory(name="Andere GmbH"))
    client.force_login(company_user)
    response = client.get(reverse("web:portal_request", args=[req.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Transferprojekt Sensorik" in body and req.number in body and "Wirtschaftsförderung Dortmund" in body
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("web:portal_request", args=[other.pk])).status_code == 404
    assert client.get(reverse("web:portal_request", args=[999999])).status_code == 404


def test_portal_request_page_is_for_company_users_only(client, company, consultant):
    req = RequestFactory(company=company)
    assert client.get(reverse("web:portal_request", args=[req.pk])).status_code == 302  # login
    client.force_login(consultant)
    assert client.get(reverse("web:portal_request", args=[req.pk])).status_code == 404


def test_a_sender_without_a_confirmed_company_sees_own_request_with_the_data_entered(client):
    known = CompanyFactory(name="Altbau Stahl GmbH", register_court="Amtsgericht Dortmund", register_number="HRB 4711")
    user = UserFactory(role=Role.COMPANY)
    client.force_login(user)
    add(client, OfferFactory())
    client.post(
        reverse("web:package_send"),
        public_form(client, name="Stahl Neu GmbH", register_court="AG Dortmund", register_number="HRB 4711"),
    )
    req = Request.objects.get()
    assert req.company == known and req.matched_existing and req.created_by == user
    body = client.get(reverse("web:portal_request", args=[req.pk])).content.decode()
    assert "Stahl Neu GmbH" in body and "Altbau Stahl GmbH" not in body


def test_package_pages_follow_the_csp(client):
    offer = OfferFactory()
    add(client, offer)
    for url in (reverse("web:package"), reverse("web:package_send")):
        body = client.get(url).content.decode()
        assert "<script>" not in body and " style=" not in body and "<style" not in body, url


# --- review fixes: spam, input hardening, privacy ---------------------------------------------------


def test_a_form_stamp_is_single_use_and_bound_to_the_session(client, monkeypatch):
    add(client, OfferFactory())
    data = public_form(client)
    assert client.post(reverse("web:package_send"), data).status_code == 302
    # The same stamp again (a replay), also from another browser session: refused, nothing written.
    add(client, OfferFactory())
    before = written()
    replay = client.post(reverse("web:package_send"), data)
    assert replay.status_code == 400
    assert de("This form was already sent or was not opened in this browser. Please check it and send it again.") in str(
        replay.context["form"].non_field_errors()
    )
    from django.test import Client

    other = Client()
    add(other, OfferFactory())
    assert other.post(reverse("web:package_send"), data).status_code == 400
    # A stamp without a nonce (signed, but never issued to a session) is refused too.
    assert client.post(reverse("web:package_send"), public_form(client, started=request_forms.form_stamp(time.time() - 60))).status_code == 400
    assert written() == before
    # The form shown again carries a fresh stamp that works.
    fresh = re.search(r'name="started" value="([^"]+)"', replay.content.decode()).group(1)
    monkeypatch.setattr(request_forms, "MIN_FILL_SECONDS", 0)
    assert client.post(reverse("web:package_send"), public_form(client, started=fresh)).status_code == 302


def test_the_session_keeps_only_a_few_stamps(client):
    add(client, OfferFactory())
    for _i in range(request_forms.MAX_NONCES + 3):
        client.get(reverse("web:package_send"))
    assert len(client.session[request_forms.NONCE_SESSION_KEY]) == request_forms.MAX_NONCES


def test_sending_is_limited_per_client_address(client, monkeypatch):
    monkeypatch.setattr("kgp.web.views_package.SEND_LIMIT", 2)
    for _i in range(2):
        add(client, OfferFactory())
        assert client.post(reverse("web:package_send"), public_form(client), REMOTE_ADDR="203.0.113.5").status_code == 302
    add(client, OfferFactory())
    before = written()
    response = client.post(reverse("web:package_send"), public_form(client), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert de("Too many requests were sent from your connection. Please try again in an hour.") in response.content.decode()
    assert written() == before
    # Another address is not affected.
    assert client.post(reverse("web:package_send"), public_form(client), REMOTE_ADDR="203.0.113.6").status_code == 302


def test_the_confirmation_mail_repeats_no_free_text(client, consultant, django_capture_on_commit_callbacks):
    offer = OfferFactory(title="Ressourceneffizienz-Beratung")
    add(client, offer)
    client.post(reverse("web:package_note"), {f"note-{offer.pk}": "Click https://phish.example/login"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:package_send"), public_form(client, message="Visit https://phish.example"))
    confirmation = next(m for m in mail.outbox if m.to == ["erika@example.org"])
    assert "Ressourceneffizienz-Beratung" in confirmation.body and Request.objects.get().number in confirmation.body
    assert "phish.example" not in confirmation.body


@pytest.mark.parametrize("field", ["name", "street", "city", "contact_name", "preferred_time"])
def test_single_line_fields_refuse_line_breaks_and_control_characters(client, field):
    add(client, OfferFactory())
    before = written()
    for bad in ("Evil GmbH\nBcc: victim@example.org", "Evil\rGmbH", "Evil\x1bGmbH"):
        response = client.post(reverse("web:package_send"), public_form(client, **{field: bad}))
        assert response.status_code == 400
        assert field in response.context["form"].errors
    assert written() == before


@pytest.mark.parametrize("role", ["consultant", "readonly", "coordinator"])
def test_staff_cannot_send_through_the_public_form(client, request, role):
    client.force_login(request.getfixturevalue(role))
    add(client, OfferFactory())  # collecting is still allowed
    assert len(session_items(client)) == 1
    before = written()
    assert client.get(reverse("web:package_send")).status_code == 403
    assert client.post(reverse("web:package_send"), public_form(client)).status_code == 403
    assert written() == before


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("web:package_note", {"note-²": "x"}),
        ("web:package_note", {"offer": "²", "note": "x"}),
        ("web:package_note", {"note-99999999999999999999999": "x"}),
        ("web:package_note", {"offer": "99999999999999999999999", "note": "x"}),
        ("web:package_remove", {"offer": "²"}),
        ("web:package_remove", {"offer": "99999999999999999999999"}),
        ("web:package_add", {"offer": "99999999999999999999999"}),
        ("web:package_add", {"offer": "²"}),
    ],
)
@pytest.mark.parametrize("as_company_user", [False, True])
def test_odd_ids_are_ignored_or_404_never_500(client, company_user, url, data, as_company_user):
    if as_company_user:
        client.force_login(company_user)
    offer = OfferFactory()
    add(client, offer)
    response = client.post(reverse(url), data)
    assert response.status_code in (302, 404)
    # Removing with an odd note key next to it still works.
    response = client.post(reverse("web:package_remove"), {"offer": offer.pk, "note-²": "x"})
    assert response.status_code == 302


@pytest.mark.parametrize("as_company_user", [False, True])
def test_control_characters_in_notes_never_reach_the_database(client, company, company_user, as_company_user, django_capture_on_commit_callbacks):
    if as_company_user:
        client.force_login(company_user)
    offer = OfferFactory()
    add(client, offer)
    assert client.post(reverse("web:package_note"), {f"note-{offer.pk}": "a\x00b\x07c"}).status_code == 302
    if as_company_user:
        assert PackageItem.objects.get(user=company_user).note == "abc"
        data = member_form(client, company=company.pk)
    else:
        assert session_items(client) == [[offer.pk, "abc"]]
        data = public_form(client)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("web:package_send"), data).status_code == 302
    assert Request.objects.get().items.get().note == "abc"


def test_other_members_do_not_see_the_details_of_an_anonymous_request(client, company, company_user):
    req = RequestFactory(company=company, offers=[OfferFactory(title="Transferprojekt Sensorik")], source="public",
                         message="Vertraulich: Stellenabbau", preferred_time="nur abends")  # fmt: skip
    req.items.update(note="private Notiz")
    client.force_login(company_user)
    body = client.get(reverse("web:portal_request", args=[req.pk])).content.decode()
    assert "Transferprojekt Sensorik" in body and req.number in body
    for private in ("Stellenabbau", "private Notiz", "nur abends", req.contact_name, req.contact_email):
        assert private not in body
    # The member who sent it (logged in) sees everything.
    Request.objects.filter(pk=req.pk).update(created_by=company_user)
    body = client.get(reverse("web:portal_request", args=[req.pk])).content.decode()
    assert "Stellenabbau" in body and "private Notiz" in body and "nur abends" in body
    # Requests sent through the portal are the company's: every member sees the details.
    Request.objects.filter(pk=req.pk).update(created_by=None, source="portal")
    assert "Stellenabbau" in client.get(reverse("web:portal_request", args=[req.pk])).content.decode()


def test_a_huge_portal_request_id_is_404(client, company_user):
    client.force_login(company_user)
    assert client.get("/portal/anfragen/99999999999999999999999/").status_code == 404


def de(text: str) -> str:
    """The German UI text of a source string, as the server renders it."""
    with translation.override("de"):
        return gettext(text)
