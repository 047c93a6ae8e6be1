"""Events: the registration state machine, capacity and waiting list, double opt-in, jobs, e-mails."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from kgp.core.errors import ServiceError
from kgp.events import services
from kgp.events.models import TRANSITIONS, Registration, RegistrationChange, RegistrationStatus
from kgp.testing.factories import CompanyFactory, ContactFactory

from .conftest import confirmed, event_data, guest, make_event

pytestmark = pytest.mark.django_db
S = RegistrationStatus
BERLIN = ZoneInfo("Europe/Berlin")


def statuses(event):
    return list(event.registrations.order_by("id").values_list("status", flat=True))


# --- double opt-in ------------------------------------------------------------------------------


def test_a_guest_counts_only_after_confirming(event, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = guest(event)
    assert registration.status == S.PENDING
    assert services.seats_taken(event) == 0
    (mail,) = mailoutbox
    assert registration.token in mail.body and "/veranstaltungen/bestaetigen/" in mail.body
    assert not mail.attachments  # no calendar file before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_confirm(token=registration.token)
    assert registration.status == S.REGISTERED and registration.confirmed_at
    assert services.seats_taken(event) == 1
    confirmation = mailoutbox[1]
    name, content, mimetype = confirmation.attachments[0]
    assert mimetype == "text/calendar"
    cal = Calendar.from_ical(content)
    vevent = cal.walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent["DTSTART"].dt == event.starts_at.astimezone(BERLIN)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    # Confirming twice changes nothing.
    assert services.registration_confirm(token=registration.token).status == S.REGISTERED
    assert [c.to_status for c in RegistrationChange.objects.filter(registration=registration)] == [S.PENDING, S.REGISTERED]


def test_registering_again_while_unconfirmed_resends_the_link(event, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = guest(event)
        again = guest(event, email="GAST1@example.org")
    assert again.pk == first.pk and len(mailoutbox) == 2
    services.registration_confirm(token=first.token)
    with pytest.raises(ServiceError) as err:
        guest(event)
    assert err.value.code == "duplicate" and err.value.field == "email"


def test_bad_tokens_and_late_confirmation(event):
    with pytest.raises(ServiceError):
        services.registration_confirm(token="nonsense")
    registration = guest(event)
    type(event).objects.filter(pk=event.pk).update(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ServiceError) as err:
        services.registration_confirm(token=registration.token)
    assert err.value.code == "registration_closed"
    registration.refresh_from_db()
    assert registration.status == S.PENDING  # it lapses later (pending_expire)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "kein-at-zeichen"}, "email"),
        ({"first_name": "  "}, "first_name"),
        ({"company_name": ""}, "company_name"),
        ({"last_name": "x" * 101}, "last_name"),
    ],
)
def test_bad_registration_input_names_the_field(event, changes, field):
    with pytest.raises(ServiceError) as err:
        guest(event, **changes)
    assert err.value.field == field
    assert not Registration.objects.exists()


def test_extra_questions(consultant):
    event = make_event(consultant, questions=[
        {"label": "Essenswunsch", "kind": "choice", "choices": ["vegetarisch", "vegan", "keiner"], "required": True},
        {"label": "Fragen an die Referierenden", "kind": "text"},
    ])  # fmt: skip
    assert [q["key"] for q in event.questions] == ["q1", "q2"]
    with pytest.raises(ServiceError) as err:
        guest(event, answers={})
    assert err.value.field == "q1"
    with pytest.raises(ServiceError) as err:
        guest(event, answers={"q1": "Fleisch"})
    assert err.value.field == "q1"
    registration = guest(event, answers={"q1": "vegan", "q2": "", "unknown": "x"})
    assert registration.answers == {"q1": "vegan"}


# --- capacity and waiting list -------------------------------------------------------------------


def test_full_event_waitlists_and_a_freed_seat_is_offered_in_order(event, mailoutbox, django_capture_on_commit_callbacks, settings):
    settings.EVENT_OFFER_HOURS = 48
    regs = [confirmed(event, n) for n in range(1, 6)]
    assert statuses(event) == [S.REGISTERED] * 3 + [S.WAITLISTED] * 2
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=regs[0])
    regs = [Registration.objects.get(pk=r.pk) for r in regs]
    assert [r.status for r in regs] == [S.CANCELLED, S.REGISTERED, S.REGISTERED, S.OFFERED, S.WAITLISTED]
    offered = regs[3]
    assert abs((offered.offered_until - timezone.now()) - dt.timedelta(hours=48)) < dt.timedelta(minutes=1)
    assert services.seats_taken(event) == 3  # the offer holds the seat
    offer_mail = mailoutbox[-1]
    assert offer_mail.to == ["gast4@example.org"] and offered.token in offer_mail.body
    # A newcomer does not overtake the waiting list.
    assert confirmed(event, 9).status == S.WAITLISTED
    accepted = services.offer_accept(registration=offered)
    assert accepted.status == S.REGISTERED and accepted.offered_until is None


def test_an_expired_offer_goes_to_the_next(event, mailoutbox, django_capture_on_commit_callbacks):
    regs = [confirmed(event, n) for n in range(1, 6)]
    services.registration_cancel(registration=regs[0])
    later = timezone.now() + dt.timedelta(hours=49)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.offers_expire(now=later) == 1
    regs = [Registration.objects.get(pk=r.pk) for r in regs]
    assert [r.status for r in regs] == [S.CANCELLED, S.REGISTERED, S.REGISTERED, S.CANCELLED, S.OFFERED]
    assert RegistrationChange.objects.filter(registration=regs[3], reason="offer expired").exists()
    assert any("gast4@example.org" in m.to for m in mailoutbox)
    with pytest.raises(ServiceError) as err:
        services.offer_accept(registration=regs[3])
    assert err.value.code == "not_offered"
    assert services.offers_expire() == 0  # the new offer runs for 48 hours from now


def test_leaving_the_waiting_list_and_offers_never_outlast_the_start(consultant):
    start = timezone.now() + dt.timedelta(hours=5)
    event = make_event(consultant, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=1)
    first, second, third = (confirmed(event, n) for n in (1, 2, 3))
    services.registration_cancel(registration=second)  # leaves the list
    services.registration_cancel(registration=first)
    third.refresh_from_db()
    assert third.status == S.OFFERED and third.offered_until == event.starts_at


def test_more_capacity_offers_seats_and_less_than_taken_is_refused(event, consultant):
    regs = [confirmed(event, n) for n in range(1, 6)]
    with pytest.raises(ServiceError) as err:
        services.event_update(actor=consultant, event=event, data={"capacity": 2})
    assert err.value.field == "capacity"
    services.event_update(actor=consultant, event=event, data={"capacity": 5})
    assert [Registration.objects.get(pk=r.pk).status for r in regs] == [S.REGISTERED] * 3 + [S.OFFERED] * 2


def test_per_company_limit(consultant):
    event = make_event(consultant, max_per_company=2, capacity=10)
    company = CompanyFactory(name="Gießerei Beispiel GmbH")
    ContactFactory(company=company, email="a@giesserei.example.org")
    first = confirmed(event, 1, email="a@giesserei.example.org", company_name="Gießerei Beispiel")
    assert first.company == company  # matched by the contact's e-mail address
    confirmed(event, 2, email="b@giesserei.example.org", company_name="Gießerei Beispiel GmbH")
    with pytest.raises(ServiceError) as err:
        guest(event, 3, email="c@giesserei.example.org", company_name="Giesserei Beispiel GmbH")
    assert err.value.code == "company_limit"


def test_state_machine_refuses_invalid_moves(event, consultant):
    registration = guest(event)
    with pytest.raises(ServiceError) as err:
        services.check_in(actor=consultant, registration=registration)
    assert err.value.code in ("not_registered", "too_early")
    assert S.ATTENDED not in TRANSITIONS[S.PENDING] and TRANSITIONS[S.CANCELLED] == frozenset()
    services.registration_cancel(registration=registration)
    with pytest.raises(ServiceError):
        services.offer_accept(registration=registration)


def test_registration_window(consultant):
    event = make_event(consultant, registration_opens_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ServiceError) as err:
        guest(event)
    assert err.value.code == "registration_not_yet"
    draft = make_event(consultant, status="draft", title="Entwurf")
    with pytest.raises(ServiceError) as err:
        guest(draft)
    assert err.value.code == "registration_draft"


# --- the day, jobs and feedback --------------------------------------------------------------------


def _started(event, hours_ago: float = 1):
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    type(event).objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=3))
    event.refresh_from_db()
    return event


def test_check_in_no_shows_and_feedback_only_for_attendees(event, consultant, mailoutbox, django_capture_on_commit_callbacks):
    a, b, c = confirmed(event, 1), confirmed(event, 2), confirmed(event, 3)
    waiting = confirmed(event, 4)
    assert waiting.status == S.WAITLISTED
    _started(event)
    services.check_in(actor=consultant, registration=a)
    a.refresh_from_db()
    assert a.status == S.ATTENDED and a.checked_in_by == consultant
    services.check_in(actor=consultant, registration=a, undo=True)
    services.check_in(actor=consultant, registration=a)
    assert services.mark_no_shows(actor=consultant, event=event) == 2
    b.refresh_from_db()
    assert b.status == S.NO_SHOW
    assert Registration.objects.get(pk=c.pk).status == S.NO_SHOW
    assert Registration.objects.get(pk=waiting.pk).status == S.CANCELLED
    services.check_in(actor=consultant, registration=b)  # arrived late after all
    b.refresh_from_db()
    assert b.status == S.ATTENDED
    services.check_in(actor=consultant, registration=b, undo=True)
    b.refresh_from_db()
    type(event).objects.filter(pk=event.pk).update(ends_at=timezone.now() - dt.timedelta(minutes=5))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.feedback_requests_send() == 1
    assert services.feedback_requests_send() == 0
    assert [m.to for m in mailoutbox] == [["gast1@example.org"]] and a.token in mailoutbox[0].body
    feedback = services.feedback_submit(registration=a, rating="4", comment="Gute Beispiele")
    assert feedback.rating == 4
    with pytest.raises(ServiceError):
        services.feedback_submit(registration=a, rating=5)
    with pytest.raises(ServiceError) as err:
        services.feedback_submit(registration=b, rating=5)
    assert err.value.code == "not_attended"


@pytest.mark.parametrize("rating", [0, 6, "fünf", True, None])
def test_feedback_rating_range(event, consultant, rating):
    a = confirmed(event, 1)
    _started(event)
    services.check_in(actor=consultant, registration=a)
    with pytest.raises(ServiceError) as err:
        services.feedback_submit(registration=a, rating=rating)
    assert err.value.field == "rating"


def test_reminders_24_hours_before_once(consultant, mailoutbox, django_capture_on_commit_callbacks):
    start = timezone.now() + dt.timedelta(hours=20)
    soon = make_event(consultant, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    later = make_event(consultant, title="Später")
    confirmed(soon, 1), confirmed(later, 2), guest(soon, 3)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    (mail,) = mailoutbox
    assert mail.to == ["gast1@example.org"] and mail.attachments[0][2] == "text/calendar"


def test_unconfirmed_registrations_lapse(event):
    registration = guest(event)
    assert services.pending_expire(now=timezone.now() + dt.timedelta(hours=71)) == 0
    assert services.pending_expire(now=timezone.now() + dt.timedelta(hours=73)) == 1
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED
    assert guest(event).pk != registration.pk  # the address is free again


# --- changes and cancellation ---------------------------------------------------------------------


def test_a_change_of_time_notifies_with_a_higher_sequence(event, consultant, mailoutbox, django_capture_on_commit_callbacks):
    confirmed(event, 1)
    mailoutbox.clear()
    new_start = event.starts_at + dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=consultant, event=event, data={"starts_at": new_start, "ends_at": new_start + dt.timedelta(hours=3)})
    (mail,) = mailoutbox
    cal = Calendar.from_ical(mail.attachments[0][1])
    vevent = cal.walk("VEVENT")[0]
    assert int(vevent["SEQUENCE"]) == 1 and vevent["DTSTART"].dt == new_start.astimezone(BERLIN)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(actor=consultant, event=event, data={"summary": "Neuer Untertitel für den Abend."})
    assert mailoutbox == []  # not a change of time or place


def test_cancelling_the_event_ends_registrations_with_a_cancel_file(event, consultant, mailoutbox, django_capture_on_commit_callbacks):
    confirmed(event, 1)
    guest(event, 2)
    mailoutbox.clear()
    with pytest.raises(ServiceError) as err:
        services.event_set_status(actor=consultant, event=event, status="cancelled")
    assert err.value.field == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        services.event_set_status(actor=consultant, event=event, status="cancelled", reason="Referent erkrankt")
    assert statuses(event) == [S.CANCELLED, S.CANCELLED]
    assert len(mailoutbox) == 2
    cal = Calendar.from_ical(mailoutbox[0].attachments[0][1])
    assert str(cal["METHOD"]) == "CANCEL" and "Referent erkrankt" in mailoutbox[0].body
    with pytest.raises(ServiceError):
        services.event_update(actor=consultant, event=event, data={"capacity": 10})


def test_event_validation(consultant):
    start = timezone.now() + dt.timedelta(days=3)
    cases = [
        ({"ends_at": start, "starts_at": start}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"venue": "", "address": ""}, "venue"),
        ({"online": True, "online_url": "http://unsicher.example.org"}, "online_url"),
        ({"kind": "party"}, "kind"),
        ({"registration_closes_at": start + dt.timedelta(days=30)}, "registration_closes_at"),
        ({"questions": [{"label": "Wahl", "kind": "choice", "choices": ["nur eine"]}]}, "questions"),
    ]
    for changes, field in cases:
        with pytest.raises(ServiceError) as err:
            make_event(consultant, **changes)
        assert err.value.field == field, changes
    from kgp.testing.factories import org

    with pytest.raises(ServiceError) as err:
        services.event_create(actor=consultant, data=event_data(), organisations=[org("bochum")])
    assert err.value.field == "organisations"


def test_dst_an_event_over_the_last_sunday_of_october(consultant):
    # 2027-10-31 is the last Sunday of October: clocks go back from 03:00 CEST to 02:00 CET.
    start = dt.datetime(2027, 10, 30, 18, 0, tzinfo=BERLIN)
    end = dt.datetime(2027, 10, 31, 12, 0, tzinfo=BERLIN)
    event = make_event(consultant, starts_at=start, ends_at=end, capacity=5)
    event.refresh_from_db()  # (aware datetimes of one zone subtract as wall-clock times; the stored ones are UTC)
    assert event.ends_at - event.starts_at == dt.timedelta(hours=19)  # one hour more than the wall clock says
    registration = confirmed(event, 1)
    from kgp.events import ics

    cal = Calendar.from_ical(ics.registration_calendar(registration))
    vevent = cal.walk("VEVENT")[0]
    assert vevent["DTSTART"].dt.utcoffset() == dt.timedelta(hours=2)
    assert vevent["DTEND"].dt.utcoffset() == dt.timedelta(hours=1)
    assert (vevent["DTSTART"].dt.hour, vevent["DTEND"].dt.hour) == (18, 12)
    tz = cal.walk("VTIMEZONE")[0]
    assert {c.name for c in tz.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_question_keys_stay_with_their_question(consultant):
    event = make_event(consultant, questions=[{"label": "Essenswunsch"}, {"label": "Parkplatz", "kind": "yes_no"}])
    assert [q["key"] for q in event.questions] == ["q1", "q2"]
    registration = guest(event, answers={"q2": "yes"})
    event = services.event_update(actor=consultant, event=event, data={"questions": [
        {"label": "Neue erste Frage"}, {"label": "parkplatz", "kind": "yes_no"},
    ]})  # fmt: skip
    assert [(q["label"], q["key"]) for q in event.questions] == [("Neue erste Frage", "q3"), ("parkplatz", "q2")]
    assert registration.answers == {"q2": "yes"}  # still the parking question
