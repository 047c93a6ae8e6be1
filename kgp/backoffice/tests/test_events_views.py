"""Backoffice event pages: the list, create and edit (local times across the clock change, extra
questions, the warning before participants are told of a new time or place), publish and cancel,
participants (scoping, add, cancel, link a company, history), the check-in, exports, feedback results
and the attendance on the company timeline.

The cast (conftest.py): consultant and read-only staff of Dortmund, a consultant of Bochum, the
coordination. The events are organised by Dortmund unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kgp.companies.models import Topic
from kgp.core.models import AuditLogEntry
from kgp.events import services
from kgp.events.forms import parse_questions
from kgp.events.models import Event, EventStatus, Feedback, Registration, RegistrationChange, RegistrationStatus
from kgp.organisations.models import Municipality
from kgp.testing.factories import CompanyFactory, OfferFactory, org

pytestmark = pytest.mark.django_db
S = RegistrationStatus
BERLIN = ZoneInfo("Europe/Berlin")


# --- helpers -------------------------------------------------------------------------------------


def _start(days: float = 10, hour: int = 14) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).astimezone(BERLIN).replace(hour=hour, minute=0, second=0, microsecond=0)


def make_event(actor, *, organisers=("dortmund",), starts_at=None, hours=3, **overrides) -> Event:
    start = starts_at or _start()
    data = {
        "title": "Abwärme nutzen – Praxisabend", "kind": "information", "module": "inform",
        "summary": "Wie Betriebe Abwärme aus Druckluft und Öfen nutzen.", "starts_at": start,
        "ends_at": start + dt.timedelta(hours=hours), "venue": "Technologiezentrum",
        "address": "Musterstraße 1, 44227 Dortmund", "municipality": Municipality.objects.get(name="Dortmund"),
        "capacity": 10, "status": "published",
    } | overrides  # fmt: skip
    return services.event_create(actor=actor, data=data, organisations=[org(k) for k in organisers])


def register(event, actor, n: int, **overrides) -> Registration:
    data = {
        "email": f"person{n}@example.org", "first_name": "Person", "last_name": f"Nummer {n}",
        "company_name": f"Betrieb {n} GmbH", "function": "Energiemanagement",
    } | overrides  # fmt: skip
    return services.registration_create(event=event, actor=actor, **data)


def move(event, *, starts_at: dt.datetime, hours: float = 3) -> Event:
    """Put an event at another time without the services (they refuse the past)."""
    Event.objects.filter(pk=event.pk).update(starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours))
    event.refresh_from_db()
    return event


def url(name: str, *args) -> str:
    return reverse(f"backoffice:{name}", args=args)


def local_input(value: dt.datetime) -> str:
    return value.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


def form_post(**overrides) -> dict:
    start = _start(days=20)
    data = {
        "title": "Wasserstoff in der Produktion", "kind": "workshop", "module": "inform",
        "summary": "Was kleine Betriebe heute schon tun können.", "description": "Mit Praxisbeispielen.",
        "organisations": [org("dortmund").pk], "starts_at": local_input(start),
        "ends_at": local_input(start + dt.timedelta(hours=3)), "venue": "Technologiezentrum Dortmund",
        "address": "Emil-Figge-Straße 80, 44227 Dortmund", "capacity": "25", "status": "published",
        "questions": "",
    }  # fmt: skip
    return data | overrides


def next_sunday(month: int) -> dt.date:
    """The next last Sunday of `month` (the European clock change) after today."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        day = dt.date(year, month, 31)
        day -= dt.timedelta(days=(day.weekday() + 1) % 7)
        if day > today + dt.timedelta(days=1):
            return day
    raise AssertionError


@pytest.fixture
def event(consultant):
    return make_event(consultant)


# --- the list ------------------------------------------------------------------------------------


def test_list_tabs_scoping_and_seat_counts(client, consultant, other_consultant, coordinator):
    shared = make_event(consultant, organisers=("dortmund", "bochum"), title="Gemeinsamer Infoabend", capacity=2)
    for n in range(3):
        register(shared, consultant, n)  # two seats, one on the waiting list
    make_event(consultant, title="Dortmunder Entwurf", status="draft")
    make_event(other_consultant, organisers=("bochum",), title="Bochumer Entwurf", status="draft")
    past = make_event(consultant, title="Rückblick Energieeffizienz")
    move(past, starts_at=timezone.now() - dt.timedelta(days=7))

    client.force_login(consultant)
    response = client.get(url("event_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Gemeinsamer Infoabend" in content and "Rückblick" not in content and "Dortmunder Entwurf" not in content
    # Two organisers must not double the counts: 2 of 2 seats, 1 waiting.
    row = response.context["page"].object_list[0]
    assert (row.seats_taken, row.capacity, row.waiting) == (2, 2, 1)
    assert "2 / 2" in content

    drafts = client.get(url("event_list"), {"view": "drafts"}).content.decode()
    assert "Dortmunder Entwurf" in drafts and "Bochumer Entwurf" not in drafts
    assert "Rückblick Energieeffizienz" in client.get(url("event_list"), {"view": "past"}).content.decode()

    client.force_login(coordinator)
    drafts = client.get(url("event_list"), {"view": "drafts"}).content.decode()
    assert "Dortmunder Entwurf" in drafts and "Bochumer Entwurf" in drafts


def test_list_filters_and_bad_filter_values(client, consultant):
    make_event(consultant, title="Webinar Lieferketten", kind="webinar", module="connect", online=True, venue="", address="")
    make_event(consultant, title="Werkstattbesuch", kind="company_visit")
    client.force_login(consultant)
    content = client.get(url("event_list"), {"kind": "webinar"}).content.decode()
    assert "Webinar Lieferketten" in content and "Werkstattbesuch" not in content
    content = client.get(url("event_list"), {"q": "werkstatt"}).content.decode()
    assert "Werkstattbesuch" in content and "Webinar Lieferketten" not in content
    response = client.get(url("event_list"), {"module": "nonsense", "view": "<script>", "page": "x"})
    assert response.status_code == 200
    assert "Webinar Lieferketten" in response.content.decode()  # bad values are dropped, not a 500


def test_list_has_a_constant_number_of_queries(client, consultant):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("event_list")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(consultant)
    for n in range(2):
        event = make_event(consultant, organisers=("dortmund", "hagen"), title=f"Veranstaltung {n}")
        register(event, consultant, n)
    few = queries_for_list()
    for n in range(2, 8):
        event = make_event(consultant, organisers=("dortmund", "hamm"), title=f"Veranstaltung {n}")
        register(event, consultant, n)
    assert queries_for_list() == few


# --- create and edit -------------------------------------------------------------------------------


def test_create_form_preselects_the_own_agency(client, consultant):
    client.force_login(consultant)
    response = client.get(url("event_create"))
    assert response.status_code == 200
    assert response.context["form"]["organisations"].value() == [org("dortmund").pk]


def test_create_an_event_with_questions_and_topics(client, consultant):
    client.force_login(consultant)
    offer = OfferFactory(owner=org("dortmund"), topics=["energy"])
    data = form_post(
        topics=[Topic.objects.get(key="energy").pk, Topic.objects.get(key="climate").pk], offer=offer.pk, max_per_company="2",
        questions="Mittagessen: vegetarisch; vegan; kein Essen\nParkplatz benötigt*: ja/nein\nIhre Fragen an uns",
    )  # fmt: skip
    response = client.post(url("event_create"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    event = Event.objects.get(title="Wasserstoff in der Produktion")
    assert response["Location"] == url("event_detail", event.pk)
    assert event.status == EventStatus.PUBLISHED and event.offer == offer and event.max_per_company == 2
    assert list(event.organisations.all()) == [org("dortmund")]
    assert sorted(t.key for t in event.topics.all()) == ["climate", "energy"]
    assert local_input(event.starts_at) == data["starts_at"]  # entered in local time, stored aware
    assert event.questions == [
        {"key": "q1", "label": "Mittagessen", "kind": "choice", "choices": ["vegetarisch", "vegan", "kein Essen"], "required": False},
        {"key": "q2", "label": "Parkplatz benötigt", "kind": "yes_no", "choices": [], "required": True},
        {"key": "q3", "label": "Ihre Fragen an uns", "kind": "text", "choices": [], "required": False},
    ]
    assert AuditLogEntry.objects.filter(object_type="events.event", object_id=str(event.pk), action="create").exists()
    # The edit form shows the questions as text that reads back to the same questions.
    text = client.get(url("event_edit", event.pk)).context["form"]["questions"].value()
    assert text.startswith("Mittagessen: vegetarisch; vegan; kein Essen\nParkplatz benötigt*: ")
    assert parse_questions(text) == ([{k: v for k, v in q.items() if k != "key"} for q in event.questions], [])


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"organisations": []}, "organisations"),
        ({"title": ""}, "title"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "viele"}, "capacity"),
        ({"ends_at": "2020-01-01T10:00"}, "ends_at"),
        ({"starts_at": "morgen"}, "starts_at"),
        ({"venue": "", "address": ""}, "venue"),
        ({"online": "on", "venue": "", "online_url": "http://unsicher.example.org"}, "online_url"),
        ({"questions": "Nur eine Wahl: ja"}, "questions"),
        ({"questions": "\n".join(f"Frage {n}" for n in range(11))}, "questions"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_event_input_is_400_and_nothing_written(client, consultant, overrides, field):
    client.force_login(consultant)
    before = AuditLogEntry.objects.count()
    response = client.post(url("event_create"), form_post(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Event.objects.exists() and AuditLogEntry.objects.count() == before


def test_a_consultant_must_keep_the_own_agency_among_the_organisers(client, consultant, coordinator):
    client.force_login(consultant)
    response = client.post(url("event_create"), form_post(organisations=[org("bochum").pk]))
    assert response.status_code == 400 and "organisations" in response.context["form"].errors
    assert not Event.objects.exists()
    client.force_login(coordinator)  # the coordination organises for any agency
    assert client.post(url("event_create"), form_post(organisations=[org("bochum").pk])).status_code == 302


def test_times_are_local_across_the_clock_change(client, consultant):
    client.force_login(consultant)
    autumn = next_sunday(10)
    # 01:30 to 04:00 on the night the clocks go back: three and a half hours.
    response = client.post(url("event_create"), form_post(starts_at=f"{autumn}T01:30", ends_at=f"{autumn}T04:00"))
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.ends_at - event.starts_at == dt.timedelta(hours=3, minutes=30)
    assert event.starts_at.astimezone(BERLIN).utcoffset() == dt.timedelta(hours=2)
    assert event.ends_at.astimezone(BERLIN).utcoffset() == dt.timedelta(hours=1)
    # A time that does not exist (spring) or exists twice (autumn) is refused, not guessed.
    spring = next_sunday(3)
    for bad in (f"{spring}T02:30", f"{autumn}T02:30"):
        response = client.post(url("event_create"), form_post(title="Andere", starts_at=bad, ends_at=f"{bad[:10]}T05:00"))
        assert response.status_code == 400 and "starts_at" in response.context["form"].errors
    assert Event.objects.count() == 1


def test_edit_warns_before_participants_are_told_of_a_new_time(
    client, consultant, event, mailoutbox, django_capture_on_commit_callbacks
):
    register(event, consultant, 1)
    mailoutbox.clear()
    client.force_login(consultant)
    form = client.get(url("event_edit", event.pk)).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    later = event.starts_at + dt.timedelta(hours=1)
    data |= {
        "topics": [], "organisations": [org("dortmund").pk], "municipality": event.municipality_id, "co_organiser": "",
        "offer": "", "starts_at": local_input(later), "ends_at": local_input(later + dt.timedelta(hours=3)),
        "max_per_company": "", "registration_opens_at": "", "registration_closes_at": "", "online": "",
    }  # fmt: skip
    response = client.post(url("event_edit", event.pk), data)
    assert response.status_code == 200 and response.context["confirm"] and response.context["notified"] == 1
    event.refresh_from_db()
    assert event.starts_at != later and event.sequence == 0  # nothing saved yet
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("event_edit", event.pk), data | {"confirm_schedule": "on"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == later and event.sequence == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["person1@example.org"]
    # Without a change of time or place: saved at once.
    response = client.post(url("event_edit", event.pk), data | {"title": "Neuer Titel"})
    assert response.status_code == 302 and Event.objects.get(pk=event.pk).title == "Neuer Titel"


def test_edit_scoping(client, consultant, other_consultant, readonly, coordinator, event):
    bochum_draft = make_event(other_consultant, organisers=("bochum",), status="draft")
    client.force_login(other_consultant)
    assert client.get(url("event_detail", event.pk)).status_code == 200  # published: readable
    assert client.get(url("event_edit", event.pk)).status_code == 403
    assert client.post(url("event_status", event.pk), {"status": "cancelled", "reason": "x"}).status_code == 403
    client.force_login(consultant)
    assert client.get(url("event_detail", bochum_draft.pk)).status_code == 404  # another agency's draft
    assert client.get(url("event_edit", bochum_draft.pk)).status_code == 404
    assert client.get(url("event_edit", 999999)).status_code == 404
    client.force_login(readonly)
    assert client.get(url("event_detail", event.pk)).status_code == 200
    assert client.get(url("event_edit", event.pk)).status_code == 403
    client.force_login(coordinator)
    assert client.get(url("event_edit", bochum_draft.pk)).status_code == 200


def test_publish_and_cancel_with_reason(client, consultant, mailoutbox, django_capture_on_commit_callbacks):
    draft = make_event(consultant, status="draft")
    client.force_login(consultant)
    assert client.post(url("event_status", draft.pk), {"status": "published"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED
    registration = register(draft, consultant, 1)
    # Back to draft is refused with registrations; cancelling needs a reason.
    assert client.post(url("event_status", draft.pk), {"status": "draft"}).status_code == 400
    response = client.post(url("event_status", draft.pk), {"status": "cancelled", "reason": " "})
    assert response.status_code == 400 and "reason" in response.context["status_form"].errors
    assert client.post(url("event_status", draft.pk), {"status": "bogus"}).status_code == 400
    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("event_status", draft.pk), {"status": "cancelled", "reason": "Der Referent ist erkrankt."})
    assert response.status_code == 302
    draft.refresh_from_db()
    registration.refresh_from_db()
    assert draft.status == EventStatus.CANCELLED and registration.status == S.CANCELLED
    assert "Der Referent ist erkrankt." in mailoutbox[0].body
    # A cancelled event is not edited any more.
    assert client.get(url("event_edit", draft.pk)).status_code == 302


# --- participants ----------------------------------------------------------------------------------


def test_participants_are_shown_to_the_organisers_only(client, consultant, other_consultant, readonly, coordinator, event):
    register(event, consultant, 1, first_name="Greta", last_name="Hansen", company_name="Kesselbau Hansen KG")
    for user, status in ((consultant, 200), (readonly, 200), (coordinator, 200), (other_consultant, 404)):
        client.force_login(user)
        for name in ("event_participants", "event_checkin", "event_export_csv", "event_export_xlsx",
                     "event_participant_list_pdf", "event_feedback"):  # fmt: skip
            assert client.get(url(name, event.pk)).status_code == status, (user, name)
    registration = event.registrations.get()
    client.force_login(other_consultant)
    assert client.get(url("event_registration", event.pk, registration.pk)).status_code == 404
    assert "Hansen" not in client.get(url("event_detail", event.pk)).content.decode()
    client.force_login(readonly)
    response = client.get(url("event_participants", event.pk))
    assert "Greta Hansen" in response.content.decode() and response.context["form"] is None  # reads, adds nothing
    # A registration of another event is not reachable through this event.
    other = make_event(consultant, title="Anderes")
    assert client.get(url("event_registration", other.pk, registration.pk)).status_code == 404


def test_participant_search_and_status_filter(client, consultant, event):
    register(event, consultant, 1, first_name="Greta", last_name="Hansen", company_name="Kesselbau Hansen KG")
    register(event, consultant, 2, first_name="Ole", last_name="Berg", company_name="Gießerei Berg", email="ole@berg.example")
    cancelled = register(event, consultant, 3, first_name="Ida", last_name="Storm")
    services.registration_cancel(registration=cancelled, actor=consultant, reason="verhindert")
    client.force_login(consultant)

    def names(**params) -> list[str]:
        return [r.name for r in client.get(url("event_participants", event.pk), params).context["page"].object_list]

    assert names() == ["Ole Berg", "Greta Hansen"]  # cancelled ones only on request
    assert names(q="kessel") == ["Greta Hansen"]
    assert names(q="berg.example") == ["Ole Berg"]
    assert names(q="greta hansen") == ["Greta Hansen"]
    assert names(status="cancelled") == ["Ida Storm"]
    assert names(status="nonsense") == ["Ole Berg", "Greta Hansen"]


def test_add_a_participant(client, consultant, mailoutbox, django_capture_on_commit_callbacks):
    event = make_event(consultant, capacity=1, questions=[{"label": "Parkplatz", "kind": "yes_no", "required": True}])
    client.force_login(consultant)
    post = {
        "participant-first_name": "Greta", "participant-last_name": "Hansen", "participant-email": "greta@example.org",
        "participant-company_name": "Kesselbau Hansen KG", "participant-function": "Inhaberin", "participant-q1": "yes",
    }  # fmt: skip
    for bad in ({"participant-email": "keine-adresse"}, {"participant-q1": ""}, {"participant-q1": "vielleicht"}, {"participant-last_name": ""}):
        response = client.post(url("event_participant_add", event.pk), post | bad)
        assert response.status_code == 400
    assert not Registration.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("event_participant_add", event.pk), post)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == S.REGISTERED and registration.answers == {"q1": "yes"}
    assert mailoutbox[0].to == ["greta@example.org"]
    # The same address again: 400 at the e-mail field; a second person goes to the waiting list.
    response = client.post(url("event_participant_add", event.pk), post)
    assert response.status_code == 400 and "email" in response.context["form"].errors
    client.post(url("event_participant_add", event.pk), post | {"participant-email": "ole@example.org"})
    assert Registration.objects.get(email="ole@example.org").status == S.WAITLISTED
    assert AuditLogEntry.objects.filter(object_type="events.registration", action="create").count() == 2


def test_cancel_a_registration_offers_the_seat_and_keeps_the_history(client, consultant, readonly):
    event = make_event(consultant, capacity=1)
    first = register(event, consultant, 1)
    waiting = register(event, consultant, 2)
    client.force_login(readonly)
    assert client.post(url("event_registration_cancel", event.pk, first.pk), {"reason": "krank"}).status_code == 403
    client.force_login(consultant)
    assert client.post(url("event_registration_cancel", event.pk, first.pk), {"reason": ""}).status_code == 400
    first.refresh_from_db()
    assert first.status == S.REGISTERED
    response = client.post(url("event_registration_cancel", event.pk, first.pk), {"reason": "Hat telefonisch abgesagt"})
    assert response.status_code == 302
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == S.CANCELLED and waiting.status == S.OFFERED
    page = client.get(url("event_registration", event.pk, first.pk))
    assert [(c.from_status, c.to_status) for c in page.context["history"]] == [("", S.PENDING), (S.PENDING, S.REGISTERED), (S.REGISTERED, S.CANCELLED)]
    assert "Hat telefonisch abgesagt" in page.content.decode()


def test_link_a_participant_to_a_company_record(client, consultant, company):
    event = make_event(consultant)
    registration = register(event, consultant, 1, company_name="Stahlbau Beispiel GmbH")
    registration.refresh_from_db()
    assert registration.company == company  # matched by the name at registration
    services.registration_link_company(actor=consultant, registration=registration, company=None)
    bochum_company = CompanyFactory(name="Ruhrblech GmbH", postcode="44787", city="Bochum")  # not shared
    client.force_login(consultant)
    page = client.get(url("event_registration", event.pk, registration.pk))
    assert [c.pk for c in page.context["candidates"]] == [company.pk]  # same name
    page = client.get(url("event_registration", event.pk, registration.pk), {"firma": "ruhrblech"})
    assert page.context["candidates"] == []  # not visible to Dortmund
    before = AuditLogEntry.objects.count()
    for bad in ({"company": bochum_company.pk}, {"company": "abc"}, {}):
        assert client.post(url("event_registration_link", event.pk, registration.pk), bad).status_code == 400
    registration.refresh_from_db()
    assert registration.company is None and AuditLogEntry.objects.count() == before
    assert client.post(url("event_registration_link", event.pk, registration.pk), {"company": company.pk}).status_code == 302
    registration.refresh_from_db()
    assert registration.company == company
    assert client.post(url("event_registration_link", event.pk, registration.pk), {"unlink": "on"}).status_code == 302
    registration.refresh_from_db()
    assert registration.company is None


def test_participant_pages_have_a_constant_number_of_queries(client, consultant):
    event = make_event(consultant, capacity=50)
    client.force_login(consultant)

    def count(name: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(name, event.pk)).status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        register(event, consultant, n, company_name="Stahlbau Beispiel GmbH")
    few = {name: count(name) for name in ("event_participants", "event_checkin", "event_detail")}
    for n in range(2, 12):
        register(event, consultant, n, company_name="Stahlbau Beispiel GmbH")
    assert {name: count(name) for name in few} == few


# --- check-in --------------------------------------------------------------------------------------


def test_check_in_flow(client, consultant, readonly, company):
    event = make_event(consultant, starts_at=timezone.now() + dt.timedelta(hours=1))
    greta = register(event, consultant, 1, first_name="Greta", last_name="Hansen", company_name="Stahlbau Beispiel GmbH")
    ole = register(event, consultant, 2, first_name="Ole", last_name="Berg", company_name="Gießerei Berg")
    client.force_login(consultant)
    page = client.get(url("event_checkin", event.pk))
    assert page.context["can_check_in"] and page.context["totals"]["total"] == 2 and page.context["totals"]["checked_in"] == 0
    assert [r.name for r in client.get(url("event_checkin", event.pk), {"q": "gießerei"}).context["page"].object_list] == ["Ole Berg"]

    response = client.post(url("event_checkin_toggle", event.pk, greta.pk), {"q": "hansen"})
    assert response.status_code == 302 and response["Location"].endswith(f"?q=hansen#r-{greta.pk}")
    greta.refresh_from_db()
    assert greta.status == S.ATTENDED and greta.checked_in_at and greta.checked_in_by == consultant
    assert client.get(url("event_checkin", event.pk)).context["totals"]["checked_in"] == 1
    # Checking in twice changes nothing; undo takes it back; undo of somebody not checked in is 400.
    assert client.post(url("event_checkin_toggle", event.pk, greta.pk)).status_code == 302
    assert client.post(url("event_checkin_toggle", event.pk, ole.pk), {"undo": "1"}).status_code == 400
    assert client.post(url("event_checkin_toggle", event.pk, greta.pk), {"undo": "1"}).status_code == 302
    greta.refresh_from_db()
    assert greta.status == S.REGISTERED and greta.checked_in_at is None
    client.post(url("event_checkin_toggle", event.pk, greta.pk))
    # Read-only staff see the list without buttons and may not check in.
    client.force_login(readonly)
    assert not client.get(url("event_checkin", event.pk)).context["can_check_in"]
    assert client.post(url("event_checkin_toggle", event.pk, ole.pk)).status_code == 403

    # No-shows: refused before the start and without the confirmation; afterwards the rest did not attend.
    client.force_login(consultant)
    assert client.post(url("event_no_shows", event.pk), {"confirm": "on"}).status_code == 400
    move(event, starts_at=timezone.now() - dt.timedelta(minutes=30))
    assert client.get(url("event_checkin", event.pk)).context["can_mark_no_shows"]
    assert client.post(url("event_no_shows", event.pk), {}).status_code == 400
    ole.refresh_from_db()
    assert ole.status == S.REGISTERED
    assert client.post(url("event_no_shows", event.pk), {"confirm": "on"}).status_code == 302
    ole.refresh_from_db()
    greta.refresh_from_db()
    assert ole.status == S.NO_SHOW and greta.status == S.ATTENDED
    assert RegistrationChange.objects.filter(registration=ole, to_status=S.NO_SHOW, actor=consultant).exists()
    # A late arrival is still checked in.
    assert client.post(url("event_checkin_toggle", event.pk, ole.pk)).status_code == 302
    ole.refresh_from_db()
    assert ole.status == S.ATTENDED


def test_check_in_is_refused_days_before_the_event(client, consultant, event):
    registration = register(event, consultant, 1)
    client.force_login(consultant)
    page = client.get(url("event_checkin", event.pk))
    assert not page.context["can_check_in"] and page.context["opens_at"]
    assert client.post(url("event_checkin_toggle", event.pk, registration.pk)).status_code == 400
    registration.refresh_from_db()
    assert registration.status == S.REGISTERED


# --- exports, feedback, timeline --------------------------------------------------------------------


def test_exports_neutralise_formulas(client, consultant, event):
    register(event, consultant, 1, first_name="=HYPERLINK(\"https://evil.example\",\"x\")", last_name="+Kosten", company_name="@Firma")
    client.force_login(consultant)
    csv_text = client.get(url("event_export_csv", event.pk)).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'+Kosten" in csv_text and "'@Firma" in csv_text
    from openpyxl import load_workbook

    response = client.get(url("event_export_xlsx", event.pk))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c.value for c in sheet[2]]
    assert values[1].startswith("'=HYPERLINK") and sheet.cell(row=2, column=2).data_type == "s"


def test_feedback_results(client, consultant, event):
    registrations = [register(event, consultant, n) for n in range(4)]
    move(event, starts_at=timezone.now() - dt.timedelta(hours=4), hours=2)
    for registration in registrations[:3]:
        services.check_in(actor=consultant, registration=registration)
    for registration, rating, comment in zip(registrations, (5, 4, 4), ("Sehr praxisnah", "", "Mehr Zeit für Fragen"), strict=False):
        services.feedback_submit(registration=registration, rating=rating, comment=comment)
    client.force_login(consultant)
    response = client.get(url("event_feedback", event.pk))
    result = response.context["result"]
    assert (result.count, result.average, result.attended) == (3, 4.33, 3)
    assert [(r["rating"], r["count"], r["percent"]) for r in response.context["rows"]] == [
        (5, 1, 33), (4, 2, 67), (3, 0, 0), (2, 0, 0), (1, 0, 0),
    ]  # fmt: skip
    assert response.context["response_rate"] == 100
    content = response.content.decode()
    assert "Sehr praxisnah" in content and "Mehr Zeit für Fragen" in content
    assert "4,3" in content or "4.3" in content
    assert Feedback.objects.count() == 3


def test_attendance_appears_on_the_company_timeline(client, consultant, company):
    event = make_event(consultant, title="Praxisabend Druckluft", module="connect", starts_at=timezone.now() + dt.timedelta(hours=1))
    registration = register(event, consultant, 1, company_name="Stahlbau Beispiel GmbH")
    services.check_in(actor=consultant, registration=registration)
    client.force_login(consultant)
    response = client.get(reverse("backoffice:company_detail", args=[company.pk]))
    items = [i for i in response.context["timeline"] if i.kind == "attendance"]
    assert len(items) == 1 and items[0].obj.event == event
    content = response.content.decode()
    assert "Praxisabend Druckluft" in content and url("event_detail", event.pk) in content
    # The check-in's audit entry is not shown twice.
    audit = [i.obj for i in response.context["timeline"] if i.kind == "audit" and i.obj.object_type == "events.registration"]
    assert [a.action for a in audit] == ["create"]


def test_exports_name_only_company_records_the_user_can_see(client, consultant, coordinator, event):
    hidden = CompanyFactory(name="Ruhrblech Verwaltungs GmbH", postcode="44787", city="Bochum")  # Bochum, not shared
    registration = register(event, consultant, 1, company_name="Ruhrblech")
    services.registration_link_company(actor=coordinator, registration=registration, company=hidden)
    client.force_login(consultant)
    assert "Ruhrblech Verwaltungs GmbH" not in client.get(url("event_export_csv", event.pk)).content.decode("utf-8-sig")
    client.force_login(coordinator)
    assert "Ruhrblech Verwaltungs GmbH" in client.get(url("event_export_csv", event.pk)).content.decode("utf-8-sig")
