"""Staff cancel and move bookings of initial consultations in the backoffice: the slot is freed, the
company's contact person is e-mailed with the calendar file (CANCEL or REQUEST) and told who acted,
the audit log keeps the reason; permissions and bad input answer 4xx, never 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from kgp.accounts.models import Role
from kgp.appointments import services
from kgp.appointments.models import Booking, BookingStatus, LocationKind, Slot, SlotStatus
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import UserFactory, org

pytestmark = pytest.mark.django_db

REASON = "Die Beraterin ist erkrankt."


@pytest.fixture(autouse=True)
def mail_through_the_queue(settings):
    settings.EMAIL_BACKEND = "kgp.core.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def client_en(client):
    """Messages in the English source language (the German catalogue is filled in later)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def make_slot(*, agency: str = "dortmund", days: float = 3, hour: int = 10, consultant=None, kind=LocationKind.AT_AGENCY) -> Slot:
    day = timezone.localdate() + dt.timedelta(days=int(days))
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return Slot.objects.create(
        organisation=org(agency), consultant=consultant, starts_at=start, ends_at=start + dt.timedelta(hours=1),
        location_kind=kind, location_detail="Raum 3",
    )  # fmt: skip


def book(slot: Slot, company, *, language: str = "en") -> Booking:
    return services.booking_create(
        actor=None, slot=slot, company=company, topic="Abwärme nutzen", contact_name="Anna Beispiel",
        contact_email="anna@example.org", location_kind=LocationKind.AT_AGENCY, language=language,
    )  # fmt: skip


@pytest.fixture
def booking(company, consultant):
    return book(make_slot(consultant=consultant), company)


def _ics(message) -> Calendar:
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    return Calendar.from_ical(content)


def _url(name: str, booking: Booking) -> str:
    return reverse(f"backoffice:{name}", args=[booking.pk])


# --- cancel -------------------------------------------------------------------------------------


def test_cancel_frees_the_slot_and_mails_the_company_a_cancelling_calendar_file(
    client_en, consultant, booking, django_capture_on_commit_callbacks
):
    client_en.force_login(consultant)
    page = client_en.get(_url("appointment_booking", booking))
    assert page.status_code == 200
    assert _url("appointment_booking_cancel", booking) in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_en.post(_url("appointment_booking_cancel", booking), {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == _url("appointment_booking", booking)
    booking.refresh_from_db()
    slot = Slot.objects.get(pk=booking.slot_id)
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_at is not None
    assert slot.status == SlotStatus.OPEN
    to_company = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    cal = _ics(to_company)
    event = cal.walk("VEVENT")[0]
    assert str(cal["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]).startswith(f"erstgespraech-{booking.pk}@") and int(event["sequence"]) == 1
    # The e-mail says who cancelled (name and agency, not the staff member's address) and why.
    assert f"Cancelled by {consultant.get_full_name()}, {org('dortmund').name}." in to_company.body
    assert f"Reason: {REASON}" in to_company.body
    assert consultant.email not in to_company.body
    # The consultant of the slot is told as well.
    assert any(m.to == [consultant.email] for m in mail.outbox)
    # The reason is kept in the audit log (the booking has no field for it), with the company.
    entry = AuditLogEntry.objects.filter(object_type="appointments.booking", object_id=str(booking.pk), action="update").get()
    assert entry.changes["reason"] == [None, REASON] and entry.company_id == booking.company_id and entry.actor == consultant
    # The detail page shows the cancelled booking without forms.
    page = client_en.get(_url("appointment_booking", booking)).content.decode()
    assert _url("appointment_booking_cancel", booking) not in page and REASON in page


def test_cancel_reason_is_required_and_limited(client_en, consultant, booking):
    client_en.force_login(consultant)
    assert client_en.post(_url("appointment_booking_cancel", booking), {"reason": "  "}).status_code == 400
    assert client_en.post(_url("appointment_booking_cancel", booking), {"reason": "x" * 1001}).status_code == 400
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancelling_twice_answers_400_with_a_message(client_en, consultant, booking):
    client_en.force_login(consultant)
    assert client_en.post(_url("appointment_booking_cancel", booking), {"reason": REASON}).status_code == 302
    response = client_en.post(_url("appointment_booking_cancel", booking), {"reason": REASON})
    assert response.status_code == 400
    assert "This appointment has already been cancelled." in response.content.decode()
    assert AuditLogEntry.objects.filter(object_type="appointments.booking", action="update").count() == 1


def test_a_past_booking_cannot_be_cancelled(client_en, consultant, company):
    booking = book(make_slot(consultant=consultant), company)
    Slot.objects.filter(pk=booking.slot_id).update(
        starts_at=timezone.now() - dt.timedelta(hours=2), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    client_en.force_login(consultant)
    response = client_en.post(_url("appointment_booking_cancel", booking), {"reason": REASON})
    assert response.status_code == 400 and "This appointment has already taken place." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_company_link_cancellation_says_it_came_through_the_link(company, booking, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor="booking link", booking=booking)
    assert "Cancelled through the link in the confirmation e-mail." in mail.outbox[0].body
    assert "Reason:" not in mail.outbox[0].body


# --- move ---------------------------------------------------------------------------------------


def test_move_changes_the_slot_frees_the_old_one_and_mails(client_en, consultant, booking, django_capture_on_commit_callbacks):
    old_slot_id = booking.slot_id
    target = make_slot(consultant=consultant, days=5)
    client_en.force_login(consultant)
    page = client_en.get(_url("appointment_booking", booking)).content.decode()
    assert f'value="{target.pk}"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_en.post(_url("appointment_booking_move", booking), {"slot": target.pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot_id == target.pk and booking.status == BookingStatus.CONFIRMED and booking.sequence == 1
    assert Slot.objects.get(pk=old_slot_id).status == SlotStatus.OPEN
    assert Slot.objects.get(pk=target.pk).status == SlotStatus.BOOKED
    to_company = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    cal = _ics(to_company)
    event = cal.walk("VEVENT")[0]
    assert str(cal["method"]) == "REQUEST" and event.decoded("dtstart") == target.starts_at
    assert str(event["uid"]).startswith(f"erstgespraech-{booking.pk}@")
    assert f"Moved by {consultant.get_full_name()}, {org('dortmund').name}." in to_company.body
    assert booking.manage_token in to_company.body  # the company can still move or cancel it
    entry = AuditLogEntry.objects.filter(object_type="appointments.booking", object_id=str(booking.pk), action="update").get()
    assert list(entry.changes) == ["slot"]


def test_move_to_a_colleagues_slot_removes_it_from_the_old_consultants_calendar(
    client, consultant, booking, django_capture_on_commit_callbacks
):
    colleague = UserFactory(role=Role.CONSULTANT, organisation=org("dortmund"))
    target = make_slot(consultant=colleague, days=5)
    client.force_login(consultant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url("appointment_booking_move", booking), {"slot": target.pk}).status_code == 302
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"anna@example.org", colleague.email, consultant.email}
    assert str(_ics(by_recipient[colleague.email])["method"]) == "REQUEST"
    assert str(_ics(by_recipient[consultant.email])["method"]) == "CANCEL"


def test_move_candidates_are_free_future_slots_of_the_same_agency_and_paginated(client, consultant, booking):
    own = [make_slot(consultant=consultant, days=4 + i) for i in range(22)]
    past = make_slot(consultant=consultant, days=-2)
    withdrawn = make_slot(consultant=consultant, days=30)
    Slot.objects.filter(pk=withdrawn.pk).update(status=SlotStatus.CANCELLED)
    bochum = make_slot(agency="bochum", days=5)
    client.force_login(consultant)
    first = client.get(_url("appointment_booking", booking)).content.decode()
    second = client.get(_url("appointment_booking", booking) + "?page=2").content.decode()
    assert f'value="{own[0].pk}"' in first and f'value="{own[19].pk}"' in first and f'value="{own[20].pk}"' not in first
    assert f'value="{own[20].pk}"' in second and f'value="{own[21].pk}"' in second
    for page in (first, second):
        for slot_id in (booking.slot_id, past.pk, withdrawn.pk, bochum.pk):
            assert f'value="{slot_id}"' not in page


@pytest.mark.parametrize("case", ["unknown", "garbage", "empty", "other_agency", "taken", "past", "withdrawn", "same"])
def test_bad_move_input_answers_400_with_a_message_and_changes_nothing(client_en, consultant, company, booking, case):
    if case == "unknown":
        value, message = "999999999", "This slot does not exist or belongs to another agency."
    elif case == "garbage":
        value, message = "1; DROP TABLE", "This slot does not exist or belongs to another agency."
    elif case == "empty":
        value, message = "", "This field is required."
    elif case == "other_agency":
        value, message = make_slot(agency="bochum", days=5).pk, "This slot does not exist or belongs to another agency."
    elif case == "taken":
        taken = make_slot(consultant=consultant, days=6)
        book(taken, company)
        value, message = taken.pk, "This slot has just been booked by someone else."
    elif case == "past":
        value, message = make_slot(consultant=consultant, days=-1).pk, "This slot lies in the past."
    elif case == "withdrawn":
        withdrawn = make_slot(consultant=consultant, days=7)
        Slot.objects.filter(pk=withdrawn.pk).update(status=SlotStatus.CANCELLED)
        value, message = withdrawn.pk, "This slot has been withdrawn."
    else:
        value, message = booking.slot_id, "Choose a different slot."
    client_en.force_login(consultant)
    mail.outbox.clear()
    response = client_en.post(_url("appointment_booking_move", booking), {"slot": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    old = booking.slot_id
    booking.refresh_from_db()
    assert booking.slot_id == old and booking.sequence == 0
    assert Slot.objects.get(pk=old).status == SlotStatus.BOOKED
    assert not AuditLogEntry.objects.filter(object_type="appointments.booking", action="update").exists()


def test_a_cancelled_booking_cannot_be_moved(client_en, consultant, booking):
    services.booking_cancel(actor=consultant, booking=booking, reason=REASON)
    target = make_slot(consultant=consultant, days=5)
    client_en.force_login(consultant)
    response = client_en.post(_url("appointment_booking_move", booking), {"slot": target.pk})
    assert response.status_code == 400 and "This appointment has already been cancelled." in response.content.decode()
    assert Slot.objects.get(pk=target.pk).status == SlotStatus.OPEN


# --- permissions --------------------------------------------------------------------------------


def test_coordinator_cancels_and_moves_bookings_of_every_agency(client, coordinator, company, django_capture_on_commit_callbacks):
    bochum_consultant = UserFactory(role=Role.CONSULTANT, organisation=org("bochum"))
    booking = Booking.objects.create(
        slot=make_slot(agency="bochum", consultant=bochum_consultant), company=company, topic="t",
        location_kind=LocationKind.AT_AGENCY, contact_name="Anna", contact_email="anna@example.org", language="en",
    )  # fmt: skip
    Slot.objects.filter(pk=booking.slot_id).update(status=SlotStatus.BOOKED)
    target = make_slot(agency="bochum", consultant=bochum_consultant, days=5)
    client.force_login(coordinator)
    assert client.get(_url("appointment_booking", booking)).status_code == 200
    assert client.post(_url("appointment_booking_move", booking), {"slot": target.pk}).status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url("appointment_booking_cancel", booking), {"reason": REASON}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.slot_id == target.pk
    to_company = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert coordinator.organisation.name in to_company.body


def test_another_agency_gets_404(client, other_consultant, booking):
    client.force_login(other_consultant)
    target = make_slot(agency="bochum", days=5)
    assert client.get(_url("appointment_booking", booking)).status_code == 404
    assert client.post(_url("appointment_booking_cancel", booking), {"reason": REASON}).status_code == 404
    assert client.post(_url("appointment_booking_move", booking), {"slot": target.pk}).status_code == 404
    assert client.get(reverse("backoffice:appointment_booking", args=[999999999])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_readonly_staff_read_but_get_403_for_changes(client, readonly, consultant, booking):
    client.force_login(readonly)
    page = client.get(_url("appointment_booking", booking))
    assert page.status_code == 200
    assert _url("appointment_booking_cancel", booking) not in page.content.decode()
    target = make_slot(consultant=consultant, days=5)
    assert client.post(_url("appointment_booking_cancel", booking), {"reason": REASON}).status_code == 403
    assert client.post(_url("appointment_booking_move", booking), {"slot": target.pk}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.sequence == 0


def test_company_user_and_anonymous_are_refused(client, company_user, consultant, booking):
    target = make_slot(consultant=consultant, days=5)
    urls = [
        ("get", _url("appointment_booking", booking), {}),
        ("post", _url("appointment_booking_cancel", booking), {"reason": REASON}),
        ("post", _url("appointment_booking_move", booking), {"slot": target.pk}),
    ]
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(company_user)
    for method, url, data in urls:
        assert getattr(client, method)(url, data).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.sequence == 0


def test_cancel_and_move_are_post_only(client, consultant, booking):
    client.force_login(consultant)
    assert client.get(_url("appointment_booking_cancel", booking)).status_code == 405
    assert client.get(_url("appointment_booking_move", booking)).status_code == 405


def test_cancel_requires_the_csrf_token(consultant, booking):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(consultant)
    assert csrf_client.post(_url("appointment_booking_cancel", booking), {"reason": REASON}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


# --- links to the booking -----------------------------------------------------------------------


def test_slot_list_and_company_page_link_to_the_booking(client, consultant, company, booking):
    client.force_login(consultant)
    assert _url("appointment_booking", booking) in client.get(reverse("backoffice:appointment_slots")).content.decode()
    assert _url("appointment_booking", booking) in client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
