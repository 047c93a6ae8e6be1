"""Portal: the events. The public list with its filters, the event page with its schema.org markup,
the registration of guests (double opt-in) and company users (two clicks), the waiting list with
offered seats, the participant's pages behind the registration's link, feedback, calendar feeds.

Events are created through `kgp.events.services` by `consultant` (Dortmund); `company_user` is an
approved member of `company`."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from html import unescape

import icalendar
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kgp.companies.models import Topic
from kgp.events import services
from kgp.events.models import Event, EventStatus, Feedback, Registration, RegistrationStatus
from kgp.organisations.models import Municipality
from kgp.requests.forms import form_stamp
from kgp.testing.factories import UserFactory, org

pytestmark = pytest.mark.django_db
S = RegistrationStatus
ONLINE_URL = "https://konferenz.example.org/raum/geheim-4711"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _english_and_fresh_cache(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the UI source strings are English
    cache.clear()  # the registration limit per client address
    yield
    cache.clear()


def _event(actor, *, days: float = 7, topics=("energy",), organisations=("dortmund",), **overrides) -> Event:
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    data = {
        "title": "Abwärme nutzen im Mittelstand", "kind": "workshop", "module": "inform",
        "summary": "Wie Betriebe ihre Abwärme nutzen können.", "description": "Praxisbeispiele aus der Region.",
        "starts_at": starts, "ends_at": starts + dt.timedelta(hours=3), "venue": "Wirtschaftsförderung Dortmund",
        "address": "Töllnerstraße 9–11", "municipality": Municipality.objects.get(key="dortmund"), "capacity": 20,
        "status": EventStatus.PUBLISHED,
    } | overrides  # fmt: skip
    return services.event_create(
        actor=actor, data=data, organisations=[org(k) for k in organisations], topics=Topic.objects.filter(key__in=topics)
    )


def _guest(email="gast@example.org", **overrides) -> dict[str, str]:
    return {
        "first_name": "Gerda", "last_name": "Gast", "email": email, "company_name": "Gießerei Gast KG",
        "function": "Energiemanagerin", "fax": "", "started": form_stamp(time.time() - 60),
    } | overrides  # fmt: skip


def _register(client, event, data, capture):
    with capture(execute=True):
        return client.post(reverse("web:event_register", args=[event.slug]), data)


def _confirm_link(message) -> str:
    match = re.search(r"https?://\S+/veranstaltungen/bestaetigen/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def _json_ld(response) -> dict:
    match = JSON_LD.search(response.content.decode())
    assert match, "no JSON-LD data block"
    return json.loads(match.group(1))


def _calendar(text: str | bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_upcoming_published_and_cancelled_events_only(client, consultant):
    published = _event(consultant, title="Energie-Stammtisch")
    cancelled = _event(consultant, title="Abgesagter Workshop")
    services.event_set_status(actor=consultant, event=cancelled, status=EventStatus.CANCELLED, reason="Krankheit")
    _event(consultant, title="Entwurf einer Veranstaltung", status=EventStatus.DRAFT)
    _event(consultant, title="Vergangene Veranstaltung", days=-3)
    response = client.get(reverse("web:event_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert published.title in html and cancelled.title in html
    assert "Entwurf einer Veranstaltung" not in html and "Vergangene Veranstaltung" not in html
    assert "Cancelled" in html
    assert "20 seats free" in html
    assert 'href="/veranstaltungen/kalender.ics"' in html
    # The nav marks the events as the current page.
    assert re.search(r'href="/veranstaltungen/" aria-current="page"', html)


def test_the_list_filters_by_topic_module_partner_kind_and_dates(client, consultant, coordinator):
    energy = _event(consultant, title="Energie-Workshop", topics=("energy",), days=5)
    circular = _event(consultant, title="Kreislauf-Webinar", topics=("circular",), kind="webinar", online=True,
                      venue="", address="", municipality=None, days=20)  # fmt: skip
    bochum = _event(coordinator, title="Bochumer Firmenbesuch", organisations=("bochum",), kind="company_visit",
                    module="connect", topics=(), days=40)  # fmt: skip

    def titles(**params):
        response = client.get(reverse("web:event_list"), params)
        assert response.status_code == 200
        html = response.content.decode()
        return {e.title for e in (energy, circular, bochum) if e.title in html}

    assert titles() == {energy.title, circular.title, bochum.title}
    assert titles(topic="energy") == {energy.title}
    assert titles(module="connect") == {bochum.title}
    assert titles(partner="bochum") == {bochum.title}
    assert titles(kind="webinar") == {circular.title}
    from_date = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    to_date = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d.%m.%Y")
    assert titles(date_from=from_date) == {circular.title, bochum.title}
    assert titles(date_from=from_date, date_to=to_date) == {circular.title}
    # The chosen topic's feed is offered.
    response = client.get(reverse("web:event_list"), {"topic": "energy"})
    assert reverse("web:event_feed_topic", args=["energy"]) in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"date_from": "31.02.2026"}, {"date_to": "gestern"}, {"date_from": "99999-01-01"}, {"date_from": "0001-01-01"},
     {"topic": "unbekannt"}, {"kind": "<script>"}, {"date_from": "2026-05-10", "date_to": "2026-05-01"}],
)  # fmt: skip
def test_invalid_filters_give_a_message_not_an_error(client, consultant, params):
    event = _event(consultant)
    response = client.get(reverse("web:event_list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert 'aria-invalid="true"' in html
    assert "<script>" not in html.split("<main", 1)[1]
    # The invalid filter is left out: the event is still listed.
    assert event.title in html


def test_an_invalid_page_number_shows_the_first_page(client, consultant):
    event = _event(consultant)
    for page in ("x", "0", "99999999999999999999"):
        response = client.get(reverse("web:event_list"), {"page": page})
        assert response.status_code == 200 and event.title in response.content.decode()


def test_the_list_needs_a_constant_number_of_queries_and_pages_by_20(client, consultant, coordinator):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("web:event_list")).status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        _event(consultant, title=f"Veranstaltung {n}", days=3 + n)
    few = count()
    for n in range(2, 23):
        event = _event(coordinator, title=f"Veranstaltung {n}", days=3 + n, organisations=("dortmund", "hagen"),
                       topics=("energy", "climate"))  # fmt: skip
        services.registration_create(
            event=event, email=f"p{n}@example.org", first_name="P", last_name=str(n), company_name="Firma", actor=consultant
        )
    assert count() == few
    page1 = client.get(reverse("web:event_list")).content.decode()
    assert page1.count('class="card event-card') == 20
    assert "19 seats free" in page1
    page2 = client.get(reverse("web:event_list"), {"page": 2}).content.decode()
    assert page2.count('class="card event-card') == 3


# --- the event page -------------------------------------------------------------------------------


def test_a_draft_answers_404_and_a_published_event_shows_its_details(client, consultant):
    draft = _event(consultant, status=EventStatus.DRAFT)
    assert client.get(reverse("web:event_detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("web:event_detail", args=["gibt-es-nicht"])).status_code == 404
    event = _event(consultant, target_group="Produzierende KMU", max_per_company=2)
    html = client.get(reverse("web:event_detail", args=[event.slug])).content.decode()
    for text in (event.title, event.summary, "Praxisbeispiele aus der Region.", "Töllnerstraße 9–11",
                 "Produzierende KMU", "Wirtschaftsförderung Dortmund", "at most 2 people", "20 seats are free."):  # fmt: skip
        assert text in unescape(html), text
    assert 'action="/veranstaltungen/' in html and 'name="email"' in html


def test_the_event_page_carries_schema_org_event_markup(client, consultant):
    event = _event(consultant, title="Abwärme </script><script>alert(1)</script> & mehr")
    response = client.get(reverse("web:event_detail", args=[event.slug]))
    html = response.content.decode()
    assert "</script><script>alert(1)" not in html
    data = _json_ld(response)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == event.title
    start = dt.datetime.fromisoformat(data["startDate"])
    assert start == event.starts_at and start.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert dt.datetime.fromisoformat(data["endDate"]) == event.ends_at
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["streetAddress"] == "Töllnerstraße 9–11"
    assert data["location"]["address"]["addressLocality"] == "Dortmund"
    assert data["organizer"] == [{"@type": "Organization", "name": "Wirtschaftsförderung Dortmund"}]
    assert data["url"].endswith(reverse("web:event_detail", args=[event.slug]))
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["description"] == event.summary

    online = _event(consultant, title="Webinar Förderprogramme", kind="webinar", online=True, online_url=ONLINE_URL,
                    venue="", address="", municipality=None)  # fmt: skip
    services.event_set_status(actor=consultant, event=online, status=EventStatus.CANCELLED, reason="Referent krank")
    response = client.get(reverse("web:event_detail", args=[online.slug]))
    assert ONLINE_URL not in response.content.decode()
    data = _json_ld(response)
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "name": "Online"}
    assert data["offers"]["availability"] == "https://schema.org/Discontinued"
    assert 'name="email"' not in response.content.decode()  # no form for a cancelled event


# --- guests: double opt-in ------------------------------------------------------------------------


def test_a_guest_registers_confirms_by_post_and_gets_a_calendar_file(
    client, consultant, mailoutbox, django_capture_on_commit_callbacks
):
    event = _event(consultant, questions=[{"label": "Essenswunsch?", "kind": "choice", "choices": ["vegetarisch", "vegan"]}])
    response = _register(client, event, _guest(q1="vegan"), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:event_register_sent", args=[event.slug])
    registration = Registration.objects.get(event=event)
    assert registration.status == S.PENDING and registration.answers == {"q1": "vegan"}
    assert registration.user is None
    sent = client.get(response["Location"]).content.decode()
    assert "gast@example.org" in sent and "Please confirm your e-mail address" in sent
    assert registration.token not in sent  # only the e-mail proves the address
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["gast@example.org"]
    token = _confirm_link(mailoutbox[0])
    assert token == registration.token

    # A GET (a mail scanner, a preview) changes nothing.
    confirm_url = reverse("web:event_confirm", args=[token])
    page = client.get(confirm_url)
    assert page.status_code == 200 and "Confirm registration" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url)
    assert response.status_code == 302 and response["Location"] == reverse("web:event_registration", args=[token])
    registration.refresh_from_db()
    assert registration.status == S.REGISTERED
    mail = mailoutbox[-1]
    assert len(mailoutbox) == 2 and mail.to == ["gast@example.org"]
    (name, content, mimetype), = mail.attachments
    assert mimetype == "text/calendar"
    vevent = _calendar(content).walk("VEVENT")[0]
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent.decoded("DTSTART") == event.starts_at
    page = client.get(response["Location"]).content.decode()
    assert "Registered" in page and "vegan" in page and "Essenswunsch?" in page
    # Confirming again is harmless.
    assert client.post(confirm_url).status_code == 302
    assert Registration.objects.filter(event=event).count() == 1


def test_registration_pages_need_a_valid_token(client, consultant):
    for name in ("web:event_registration", "web:event_confirm", "web:event_feedback", "web:event_ics"):
        assert client.get(reverse(name, args=["x" * 43])).status_code == 404
        assert client.get(reverse(name, args=["kurz"])).status_code == 404


def test_token_pages_are_not_stored_and_send_no_referrer(client, consultant, django_capture_on_commit_callbacks):
    event = _event(consultant, days=0.02)
    registration = services.registration_create(
        event=event, email="p@example.org", first_name="P", last_name="Q", company_name="Firma", actor=consultant
    )
    for name in ("web:event_registration", "web:event_confirm", "web:event_feedback", "web:event_ics"):
        response = client.get(reverse(name, args=[registration.token]))
        assert response.status_code == 200, name
        assert response["Cache-Control"] == "private, no-store", name
        assert response["Referrer-Policy"] == "same-origin", name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:event_cancel", args=[registration.token]))
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "same-origin"


def test_bad_input_answers_400_and_writes_nothing(client, consultant, mailoutbox, django_capture_on_commit_callbacks):
    event = _event(consultant, questions=[{"label": "Branche", "kind": "text", "required": True}])
    cases = [
        (_guest(email="kein-mail", q1="Metall"), 'id="id_email_error"'),
        (_guest(first_name="", q1="Metall"), 'id="id_first_name_error"'),
        (_guest(), 'id="id_q1_error"'),
        (_guest(company_name="Firma\nBcc: x@example.org", q1="Metall"), 'id="id_company_name_error"'),
        (_guest(fax="spam", q1="Metall"), "could not be sent"),
        (_guest(started=form_stamp(), q1="Metall"), "sent very quickly"),
        (_guest(started="gefälscht", q1="Metall"), "could not be read"),
        (_guest(first_name="x" * 101, q1="Metall"), 'id="id_first_name_error"'),
    ]
    for data, expected in cases:
        response = _register(client, event, data, django_capture_on_commit_callbacks)
        assert response.status_code == 400, data
        html = response.content.decode()
        assert expected in html, (expected, data)
        assert 'role="alert"' in html
    assert not Registration.objects.exists() and not mailoutbox
    # The errors are linked to their fields.
    response = _register(client, event, _guest(email="kein-mail", q1="Metall"), django_capture_on_commit_callbacks)
    assert re.search(r'<input[^>]*name="email"[^>]*aria-describedby="[^"]*id_email_error', response.content.decode())

    # A duplicate e-mail address (already confirmed): a clear message, nothing new.
    services.registration_create(
        event=event, email="gast@example.org", first_name="G", last_name="G", company_name="F", answers={"q1": "x"},
        actor=consultant,
    )  # fmt: skip
    response = _register(client, event, _guest(q1="Metall"), django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "already registered for this event" in response.content.decode()
    assert Registration.objects.count() == 1
    # GET on the form's address goes to the event page.
    assert client.get(reverse("web:event_register", args=[event.slug])).status_code == 302


def test_registration_is_refused_when_not_open(client, consultant, django_capture_on_commit_callbacks):
    event = _event(consultant, registration_opens_at=timezone.now() + dt.timedelta(days=2))
    html = client.get(reverse("web:event_detail", args=[event.slug])).content.decode()
    assert "Registration opens on" in html and 'name="email"' not in html
    response = _register(client, event, _guest(), django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "Registration opens on" in response.content.decode()
    assert not Registration.objects.exists()


def test_guest_registrations_per_client_are_limited(client, consultant, django_capture_on_commit_callbacks):
    event = _event(consultant, capacity=100)
    for n in range(10):
        assert _register(client, event, _guest(email=f"g{n}@example.org"), django_capture_on_commit_callbacks).status_code == 302
    response = _register(client, event, _guest(email="g10@example.org"), django_capture_on_commit_callbacks)
    assert response.status_code == 429 and "Too many registrations" in response.content.decode()
    assert Registration.objects.count() == 10


# --- waiting list and offered seats ---------------------------------------------------------------


def test_waiting_list_cancel_offer_and_accept_on_the_page(client, consultant, mailoutbox, django_capture_on_commit_callbacks):
    event = _event(consultant, capacity=1)
    first = services.registration_create(
        event=event, email="erste@example.org", first_name="E", last_name="Rste", company_name="A", actor=consultant
    )
    assert first.status == S.REGISTERED
    html = client.get(reverse("web:event_detail", args=[event.slug])).content.decode()
    assert "fully booked" in html and "Join the waiting list" in html
    assert "fully booked – waiting list" in client.get(reverse("web:event_list")).content.decode()
    _register(client, event, _guest(email="zweite@example.org"), django_capture_on_commit_callbacks)
    second = Registration.objects.get(email="zweite@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:event_confirm", args=[second.token]))
    second.refresh_from_db()
    assert second.status == S.WAITLISTED
    page = client.get(reverse("web:event_registration", args=[second.token])).content.decode()
    assert "waiting list" in page and "Leave the waiting list" in page
    assert client.get(reverse("web:event_ics", args=[second.token])).status_code == 404  # no seat, no calendar entry

    # The first cancels on their page: the seat is offered to the second.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:event_cancel", args=[first.token]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.CANCELLED and second.status == S.OFFERED
    assert second.offered_until is not None
    offer_mail = next(m for m in mailoutbox if m.to == ["zweite@example.org"])
    assert reverse("web:event_registration", args=[second.token]) in offer_mail.body
    page = client.get(reverse("web:event_registration", args=[second.token])).content.decode()
    assert "Accept the seat" in page and "Decline the seat" in page
    assert timezone.localtime(second.offered_until).strftime("%Y") in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:event_accept", args=[second.token]))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == S.REGISTERED
    # Accepting again: a clear message, status 400.
    response = client.post(reverse("web:event_accept", args=[second.token]))
    assert response.status_code == 400 and "No seat is offered" in response.content.decode()


def test_leaving_the_waiting_list(client, consultant, django_capture_on_commit_callbacks):
    event = _event(consultant, capacity=1)
    services.registration_create(event=event, email="a@example.org", first_name="A", last_name="A", company_name="A", actor=consultant)
    waiting = services.registration_create(
        event=event, email="b@example.org", first_name="B", last_name="B", company_name="B", actor=consultant
    )
    assert waiting.status == S.WAITLISTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:event_cancel", args=[waiting.token]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == S.CANCELLED
    page = client.get(response["Location"]).content.decode()
    assert "You have left the waiting list." in page and "Cancel registration" not in page


# --- the online link ------------------------------------------------------------------------------


def test_the_online_link_is_shown_only_to_confirmed_participants(client, consultant, django_capture_on_commit_callbacks):
    event = _event(consultant, capacity=1, kind="webinar", online=True, online_url=ONLINE_URL, venue="", address="",
                   municipality=None)  # fmt: skip
    assert ONLINE_URL not in client.get(reverse("web:event_detail", args=[event.slug])).content.decode()
    assert ONLINE_URL not in client.get(reverse("web:event_feed")).content.decode()
    _register(client, event, _guest(), django_capture_on_commit_callbacks)
    registration = Registration.objects.get()
    page_url = reverse("web:event_registration", args=[registration.token])
    assert ONLINE_URL not in client.get(page_url).content.decode()  # pending
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:event_confirm", args=[registration.token]))
    page = client.get(page_url).content.decode()
    assert ONLINE_URL in page
    calendar = client.get(reverse("web:event_ics", args=[registration.token]))
    assert calendar["Content-Type"].startswith("text/calendar")
    assert calendar["Content-Disposition"].startswith("attachment")
    assert ONLINE_URL in str(_calendar(calendar.content).walk("VEVENT")[0]["DESCRIPTION"])
    # On the waiting list: no link.
    waiting = services.registration_create(
        event=event, email="w@example.org", first_name="W", last_name="W", company_name="W", actor=consultant
    )
    assert waiting.status == S.WAITLISTED
    assert ONLINE_URL not in client.get(reverse("web:event_registration", args=[waiting.token])).content.decode()


# --- company users ------------------------------------------------------------------------------


def test_a_company_user_registers_in_two_clicks(client, consultant, company, company_user, django_capture_on_commit_callbacks, mailoutbox):
    company_user.first_name, company_user.last_name = "Inga", "Inhaberin"
    company_user.save()
    event = _event(consultant, questions=[{"label": "Anreise mit dem Auto?", "kind": "yes_no"}])
    client.force_login(company_user)
    # Click 1: the event page, with the form filled from the account.
    html = client.get(reverse("web:event_detail", args=[event.slug])).content.decode()
    assert 'name="email"' not in html and company_user.email in html
    assert 'value="Inga"' in html and 'value="Inhaberin"' in html
    assert f'name="company" value="{company.pk}"' in html
    # Click 2: register (the browser sends what the form holds).
    data = {"first_name": "Inga", "last_name": "Inhaberin", "company": company.pk, "function": "", "fax": ""}
    response = _register(client, event, data, django_capture_on_commit_callbacks)
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:event_registration", args=[registration.token])
    assert registration.status == S.REGISTERED
    assert registration.user == company_user and registration.company == company
    assert registration.company_name == company.name and registration.email == company_user.email
    assert mailoutbox[-1].attachments  # the confirmation with its calendar file
    # The event page now links to the registration instead of the form.
    html = client.get(reverse("web:event_detail", args=[event.slug])).content.decode()
    assert 'name="first_name"' not in html
    assert reverse("web:event_registration", args=[registration.token]) in html
    # A company that is not theirs: refused.
    other = _event(consultant, title="Noch ein Workshop")
    response = _register(client, other, data | {"company": company.pk + 1000}, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and not other.registrations.exists()
    # "My events" lists the registration.
    page = client.get(reverse("web:my_events"))
    assert page.status_code == 200
    assert event.title in page.content.decode()
    assert reverse("web:event_registration", args=[registration.token]) in page.content.decode()


def test_my_events_is_for_company_users_only(client, consultant):
    assert client.get(reverse("web:my_events")).status_code == 302  # to the login
    client.force_login(consultant)
    assert client.get(reverse("web:my_events")).status_code == 404
    client.force_login(UserFactory(email="kompetenz@example.org", role="competence"))
    assert client.get(reverse("web:my_events")).status_code == 404


def test_a_company_user_without_an_approved_company_registers_as_a_guest(client, consultant, django_capture_on_commit_callbacks):
    user = UserFactory(email="neu@example.org", role="company")
    client.force_login(user)
    event = _event(consultant)
    html = client.get(reverse("web:event_detail", args=[event.slug])).content.decode()
    assert 'name="email"' in html and 'value="neu@example.org"' in html
    response = _register(client, event, _guest(email="neu@example.org"), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Registration.objects.get().status == S.PENDING


# --- feedback -----------------------------------------------------------------------------------


def test_feedback_only_from_those_who_attended_and_once(client, consultant):
    event = _event(consultant, days=0.02)
    attended = services.registration_create(
        event=event, email="da@example.org", first_name="D", last_name="A", company_name="F", actor=consultant
    )
    absent = services.registration_create(
        event=event, email="weg@example.org", first_name="W", last_name="E", company_name="F", actor=consultant
    )
    services.check_in(actor=consultant, registration=attended)

    url = reverse("web:event_feedback", args=[absent.token])
    page = client.get(url)
    assert page.status_code == 200 and "Only participants who attended" in page.content.decode()
    assert client.post(url, {"rating": "5"}).status_code == 400
    assert not Feedback.objects.exists()

    url = reverse("web:event_feedback", args=[attended.token])
    html = client.get(url).content.decode()
    assert re.search(r'<fieldset[^>]*>\s*<legend[^>]*>How would you rate the event\?', html)
    assert html.count('type="radio" name="rating"') == 5
    response = client.post(url, {"rating": "9", "comment": "Super"})
    assert response.status_code == 400 and not Feedback.objects.exists()
    assert client.post(url, {"comment": "ohne Wertung"}).status_code == 400
    response = client.post(url, {"rating": "4", "comment": "Gute Beispiele, mehr Zeit für Fragen."})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.rating == 4 and feedback.registration == attended
    page = client.get(url).content.decode()
    assert "your feedback has been recorded" in page and 'name="rating"' not in page
    assert client.post(url, {"rating": "1"}).status_code == 400
    assert Feedback.objects.count() == 1


# --- feeds --------------------------------------------------------------------------------------


def test_the_feeds_list_published_and_cancelled_events_per_topic(client, consultant):
    energy = _event(consultant, title="Energie", topics=("energy",))
    climate = _event(consultant, title="Klima", topics=("climate",), days=60)
    cancelled = _event(consultant, title="Abgesagt", topics=("energy",), days=10)
    services.event_set_status(actor=consultant, event=cancelled, status=EventStatus.CANCELLED, reason="Grund")
    recent = _event(consultant, title="Vor kurzem", topics=(), days=-20)
    _event(consultant, title="Lange her", days=-45)
    _event(consultant, title="Übernächstes Jahr", days=400)
    _event(consultant, title="Entwurf", status=EventStatus.DRAFT)

    response = client.get(reverse("web:event_feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = _calendar(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = {str(v["SUMMARY"]): v for v in calendar.walk("VEVENT")}
    assert set(events) == {energy.title, climate.title, cancelled.title, recent.title}
    assert str(events[cancelled.title]["STATUS"]) == "CANCELLED"
    assert events[energy.title]["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert calendar.walk("VTIMEZONE")

    response = client.get(reverse("web:event_feed_topic", args=["energy"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert {str(v["SUMMARY"]) for v in _calendar(response.content).walk("VEVENT")} == {energy.title, cancelled.title}
    assert client.get(reverse("web:event_feed_topic", args=["unbekannt"])).status_code == 404
    assert client.post(reverse("web:event_feed")).status_code == 405
