"""Slots and bookings: publishing, booking once, cancelling, moving, reminders, the calendar file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from kgp.appointments import services
from kgp.appointments.models import Booking, BookingStatus, LocationKind, Slot, SlotStatus
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import RequestFactory, org

from .conftest import make_slot

pytestmark = pytest.mark.django_db


def book(slot, company, **kwargs):
    data = dict(
        actor=None, slot=slot, company=company, topic="Energieeffizienz in der Fertigung", contact_name="Anna Beispiel",
        contact_email="anna@example.org", location_kind=LocationKind.AT_AGENCY, participants="Anna, Ben",
    )  # fmt: skip
    return services.booking_create(**(data | kwargs))


def _ics(message) -> Calendar:
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    return Calendar.from_ical(content)


# --- publishing -------------------------------------------------------------------------------


def test_recurring_slots_keep_the_local_time_across_the_dst_change(consultant):
    # 20 March 2099 is before, 27 March after the change to summer time.
    start = timezone.make_aware(dt.datetime(2099, 3, 20, 9, 0))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(services, "MAX_DAYS_AHEAD", 100_000)
        slots = services.slots_publish(
            actor=consultant, organisation=org("dortmund"), starts_at=start, duration_minutes=60,
            location_kind=LocationKind.ONLINE, location_detail="https://video.example.org/r", weeks=3,
        )  # fmt: skip
    assert [timezone.localtime(s.starts_at).hour for s in slots] == [9, 9, 9]
    assert {timezone.localtime(s.starts_at).utcoffset() for s in slots} == {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    assert AuditLogEntry.objects.filter(object_type="appointments.slot", action="create").count() == 3


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"starts_at": timezone.now() - dt.timedelta(hours=1)}, "starts_at"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"weeks": 0}, "weeks"),
        ({"weeks": 27}, "weeks"),
        ({"location_kind": "moon"}, "location_kind"),
    ],
)
def test_publish_refuses_bad_input_and_writes_nothing(consultant, kwargs, field):
    data = dict(
        actor=consultant, organisation=org("dortmund"), starts_at=timezone.now() + dt.timedelta(days=2),
        duration_minutes=60, location_kind=LocationKind.AT_AGENCY, weeks=1,
    )  # fmt: skip
    with pytest.raises(ServiceError) as exc:
        services.slots_publish(**(data | kwargs))
    assert exc.value.field == field
    assert not Slot.objects.exists()


def test_publish_refuses_an_overlap_and_rolls_back_the_series(consultant):
    existing = make_slot(consultant=consultant, days=8)
    with pytest.raises(ServiceError) as exc:
        services.slots_publish(
            actor=consultant, organisation=org("dortmund"), starts_at=existing.starts_at - dt.timedelta(days=7, minutes=30),
            duration_minutes=60, location_kind=LocationKind.AT_AGENCY, weeks=2,
        )  # fmt: skip
    assert exc.value.code == "overlap"
    assert list(Slot.objects.all()) == [existing]


def test_withdraw_only_an_open_slot(consultant, company, slot):
    book(slot, company)
    with pytest.raises(ServiceError):
        services.slot_delete(actor=consultant, slot=slot)
    other = make_slot(consultant=consultant, days=4)
    services.slot_delete(actor=consultant, slot=other)
    other.refresh_from_db()
    assert other.status == SlotStatus.CANCELLED


# --- booking ----------------------------------------------------------------------------------


def test_booking_books_the_slot_and_sends_the_confirmation_with_a_calendar_file(
    company, consultant, slot, django_capture_on_commit_callbacks
):
    req = RequestFactory(company=company)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(slot, company, request=req, actor=consultant)
    slot.refresh_from_db()
    assert slot.status == SlotStatus.BOOKED and booking.status == BookingStatus.CONFIRMED
    assert len(booking.manage_token) >= 40
    assert AuditLogEntry.objects.filter(object_type="appointments.booking", company=company).count() == 1
    to_company, to_consultant = mail.outbox
    assert to_company.to == ["anna@example.org"] and to_consultant.to == [consultant.email]
    assert booking.manage_token in to_company.body
    cal = _ics(to_company)
    assert str(cal["method"]) == "REQUEST"


def test_a_booked_slot_cannot_be_booked_again(company, slot):
    book(slot, company)
    with pytest.raises(ServiceError) as exc:
        book(slot, company, contact_email="zweite@example.org")
    assert exc.value.code == "taken"
    assert Booking.objects.count() == 1


def test_company_books_only_its_responsible_agency(company):
    bochum = make_slot(agency="bochum")
    with pytest.raises(ServiceError) as exc:
        book(bochum, company)
    assert exc.value.code == "wrong_agency"
    assert not Booking.objects.exists()


def test_a_past_slot_cannot_be_booked(company):
    past = make_slot(days=-1)
    with pytest.raises(ServiceError) as exc:
        book(past, company)
    assert exc.value.code == "past"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"topic": "  "}, "topic"),
        ({"contact_email": "keine-adresse"}, "contact_email"),
        ({"location_kind": LocationKind.AT_COMPANY}, "location_kind"),
        ({"contact_name": ""}, "contact_name"),
    ],
)
def test_bad_booking_input_writes_nothing(company, slot, kwargs, field):
    with pytest.raises(ServiceError) as exc:
        book(slot, company, **kwargs)
    assert exc.value.field == field
    slot.refresh_from_db()
    assert slot.status == SlotStatus.OPEN and not Booking.objects.exists()


def test_online_is_always_possible(company, slot):
    assert book(slot, company, location_kind=LocationKind.ONLINE).location_kind == LocationKind.ONLINE


def test_request_of_another_company_is_refused(company, slot):
    with pytest.raises(ServiceError) as exc:
        book(slot, company, request=RequestFactory())
    assert exc.value.field == "request"


# --- cancel and move --------------------------------------------------------------------------


def test_cancellation_frees_the_slot_and_sends_a_cancel_calendar_file(company, slot, django_capture_on_commit_callbacks):
    booking = book(slot, company)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor="booking link", booking=booking)
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.status == SlotStatus.OPEN and booking.status == BookingStatus.CANCELLED
    cal = _ics(mail.outbox[0])
    event = cal.walk("VEVENT")[0]
    assert str(cal["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"erstgespraech-{booking.pk}@127.0.0.1"
    assert int(event["sequence"]) == 1
    # The slot can be booked again, and the old booking cannot be cancelled twice.
    assert book(slot, company, contact_email="neu@example.org").slot_id == slot.pk
    with pytest.raises(ServiceError):
        services.booking_cancel(actor=None, booking=booking)


def test_move_books_the_new_slot_and_frees_the_old(company, consultant, slot, django_capture_on_commit_callbacks):
    booking = book(slot, company)
    target = make_slot(consultant=consultant, days=5, kind=LocationKind.ONLINE)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_move(actor="booking link", booking=booking, new_slot=target)
    slot.refresh_from_db()
    target.refresh_from_db()
    booking.refresh_from_db()
    assert (slot.status, target.status) == (SlotStatus.OPEN, SlotStatus.BOOKED)
    assert booking.slot_id == target.pk and booking.sequence == 1
    assert booking.location_kind == LocationKind.ONLINE  # the new slot is offered online only
    event = _ics(mail.outbox[0]).walk("VEVENT")[0]
    assert str(event["uid"]) == f"erstgespraech-{booking.pk}@127.0.0.1"
    assert event.decoded("dtstart") == target.starts_at


def test_move_refuses_a_taken_or_foreign_slot(company, slot):
    booking = book(slot, company)
    taken = make_slot(days=6)
    book(taken, company)
    with pytest.raises(ServiceError) as exc:
        services.booking_move(actor=None, booking=booking, new_slot=taken)
    assert exc.value.code == "taken"
    with pytest.raises(ServiceError) as exc:
        services.booking_move(actor=None, booking=booking, new_slot=make_slot(agency="bochum"))
    assert exc.value.code == "wrong_agency"
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk


# --- calendar file ----------------------------------------------------------------------------


def test_calendar_file_uses_europe_berlin_with_a_vtimezone(company, slot):
    from kgp.appointments import ics

    booking = book(slot, company)
    text = ics.calendar_text(booking)
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Berlin" in text
    assert "DTSTART;TZID=Europe/Berlin:" in text
    assert "METHOD:REQUEST" in text and "VERSION:2.0" in text and "PRODID:" in text
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot.starts_at and event.decoded("dtend") == slot.ends_at
    assert "Raum 3" in str(event["location"])
    assert "anna@example.org" in str(event["attendee"])
    assert booking.manage_token in str(event["description"])


# --- reminders --------------------------------------------------------------------------------


def test_reminders_go_out_once_for_bookings_in_23_to_25_hours(company, django_capture_on_commit_callbacks):
    now = timezone.now()
    due = make_slot(days=0)
    due.starts_at, due.ends_at = now + dt.timedelta(hours=24), now + dt.timedelta(hours=25)
    due.save()
    later = make_slot(days=3)
    due_booking = book(due, company)
    book(later, company)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=now) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@example.org"]
    due_booking.refresh_from_db()
    assert due_booking.reminder_sent_at == now
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=now + dt.timedelta(minutes=15)) == 0
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1


def test_reminder_task_runs_the_same_job(company):
    from kgp.appointments.tasks import send_reminders

    result = send_reminders.enqueue()
    assert result.return_value == 0


def test_cancelled_booking_gets_no_reminder(company):
    now = timezone.now()
    due = make_slot(days=0)
    due.starts_at, due.ends_at = now + dt.timedelta(hours=24), now + dt.timedelta(hours=25)
    due.save()
    services.booking_cancel(actor=None, booking=book(due, company))
    assert services.reminders_send(now=now) == 0
