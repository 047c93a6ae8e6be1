"""The daily digest e-mail: content, tenancy, nothing to report, opt-out, once a day, working days,
absolute links, a constant number of queries, the job and the command, and the on/off switch."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kgp.accounts.models import Role
from kgp.appointments.models import Booking, BookingStatus, LocationKind, Slot
from kgp.core.models import AuditLogEntry
from kgp.journey import digest, services
from kgp.journey.models import Case, DigestSent, Task
from kgp.requests.models import RequestStatus
from kgp.testing.factories import CompanyFactory, RequestFactory, UserFactory, org

pytestmark = pytest.mark.django_db

# A Wednesday near the real date (the queries take the day as an argument).
_base = timezone.localdate()
WEDNESDAY = _base - dt.timedelta(days=_base.weekday()) + dt.timedelta(days=2)
FRIDAY = WEDNESDAY + dt.timedelta(days=2)
SATURDAY = WEDNESDAY + dt.timedelta(days=3)
SUNDAY = WEDNESDAY + dt.timedelta(days=4)
SITE = "https://kgp.example"


@pytest.fixture(autouse=True)
def task_mail(settings):
    """E-mail goes through the task backend (immediate in tests) to the locmem outbox."""
    settings.EMAIL_BACKEND = "kgp.core.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = SITE


def send(capture, today=WEDNESDAY):
    mail.outbox.clear()
    with capture(execute=True):
        count = digest.digests_send(today=today)
    return count


def task(consultant, company=None, *, due, title="Angebot nachfassen", case=None):
    if case is None:
        case = services.case_open(actor=consultant, company=company or CompanyFactory(postcode="44139", city="Dortmund"))
    return services.task_create(actor=consultant, case=case, title=title, assignee=consultant, due_on=due)


def booking(consultant, company, start):
    slot = Slot.objects.create(
        organisation=consultant.organisation, consultant=consultant, starts_at=start, ends_at=start + dt.timedelta(hours=1),
        location_kind=LocationKind.AT_AGENCY,
    )  # fmt: skip
    return Booking.objects.create(
        slot=slot, company=company, topic="Energie", location_kind=LocationKind.AT_AGENCY, contact_name="Anna Beispiel",
        contact_email="anna@example.org",
    )  # fmt: skip


def at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def desk(consultant, other_consultant, company):
    """A Dortmund consultant's work, and Bochum's work beside it."""
    mine = services.case_open(actor=consultant, company=company)
    data = {
        "overdue": task(consultant, case=mine, due=WEDNESDAY - dt.timedelta(days=3), title="Rückruf Geschäftsführung"),
        "this_week": task(consultant, case=mine, due=FRIDAY, title="Förderantrag prüfen"),
        "next_week": task(consultant, case=mine, due=FRIDAY + dt.timedelta(days=7), title="Später erledigen"),
        "done": task(consultant, case=mine, due=WEDNESDAY - dt.timedelta(days=1), title="Schon erledigt"),
    }
    services.task_done(actor=consultant, task=data["done"])
    idle_company = CompanyFactory(name="Ruhige Werkstatt GmbH", postcode="44139", city="Dortmund")
    data["idle"] = services.case_open(actor=consultant, company=idle_company)
    Case.objects.filter(pk=data["idle"].pk).update(last_activity_on=WEDNESDAY - dt.timedelta(days=61))
    recent = services.case_open(actor=consultant, company=CompanyFactory(name="Aktive Gießerei GmbH", postcode="44139"))
    Case.objects.filter(pk=recent.pk).update(last_activity_on=WEDNESDAY - dt.timedelta(days=59))
    data["request"] = RequestFactory(company=company)
    handled = RequestFactory(company=CompanyFactory(name="Bearbeitet KG", postcode="44139"))
    handled.status = RequestStatus.IN_PROGRESS
    handled.save()
    # Bochum: an unshared and a shared company with a new request, a case, a task and an idle case.
    bochum = CompanyFactory(name="Bochumer Geheim GmbH", postcode="44787", city="Bochum")
    shared = CompanyFactory(name="Bochumer Offen GmbH", postcode="44787", city="Bochum", network_sharing=True)
    for c in (bochum, shared):
        RequestFactory(company=c)
        other_case = services.case_open(actor=other_consultant, company=c)
        task(other_consultant, case=other_case, due=WEDNESDAY - dt.timedelta(days=1), title="Bochumer Aufgabe")
        Case.objects.filter(pk=other_case.pk).update(last_activity_on=WEDNESDAY - dt.timedelta(days=90))
    # A task assigned to the Dortmund consultant in Bochum's case (data from before a change of
    # agency, say): internal to Bochum, so not in the Dortmund digest.
    Task.objects.create(
        case=other_case, company=shared, title="Fremde Aufgabe", assignee=consultant, due_on=WEDNESDAY - dt.timedelta(days=1)
    )
    data["booking_today"] = booking(consultant, company, at(WEDNESDAY, 14))
    data["booking_tomorrow"] = booking(consultant, idle_company, at(WEDNESDAY + dt.timedelta(days=1), 9))
    booking(consultant, company, at(WEDNESDAY + dt.timedelta(days=2), 9))  # the day after tomorrow: not yet
    cancelled = booking(consultant, company, at(WEDNESDAY, 16))
    cancelled.status = BookingStatus.CANCELLED
    cancelled.save()
    booking(other_consultant, bochum, at(WEDNESDAY, 10))
    return data


def _titles(section):
    return [item["obj"] for item in section["items"]]


def test_digest_content(consultant, desk, company):
    content = digest.digest_for(consultant, WEDNESDAY)
    assert _titles(content["overdue"]) == [desk["overdue"]]
    assert _titles(content["due_this_week"]) == [desk["this_week"]]
    assert _titles(content["new_requests"]) == [desk["request"]]
    assert _titles(content["idle_cases"]) == [desk["idle"]]
    assert _titles(content["bookings_today"]) == [desk["booking_today"]]
    assert _titles(content["bookings_next"]) == [desk["booking_tomorrow"]]
    assert content["next_day"] == WEDNESDAY + dt.timedelta(days=1)


def test_mail_lists_the_work_and_never_another_agencys_data(consultant, desk, django_capture_on_commit_callbacks):
    assert send(django_capture_on_commit_callbacks) == 2  # the Dortmund and the Bochum consultant
    message = next(m for m in mail.outbox if m.to == [consultant.email])
    body = message.body
    for text in ("Rückruf Geschäftsführung", "Förderantrag prüfen", desk["request"].number, "Ruhige Werkstatt GmbH", "14:00"):
        assert text in body
    for text in ("Später erledigen", "Schon erledigt", "Aktive Gießerei", "Bearbeitet KG", "Bochum", "Fremde Aufgabe"):
        assert text not in body
    # German formats (the site language; users store none), one line per subject.
    assert WEDNESDAY.strftime("%d.%m.%Y") in message.subject and "\n" not in message.subject
    assert (WEDNESDAY - dt.timedelta(days=3)).strftime("%d.%m.%Y") in body
    assert message.extra_headers.get("Auto-Submitted") == "auto-generated"
    # The Bochum consultant sees their own agency's work, nothing of Dortmund's.
    bochum = next(m for m in mail.outbox if m.to == ["beratung.bochum@example.org"]).body
    assert "Bochumer Aufgabe" in bochum and "Bochumer Geheim GmbH" in bochum
    assert "Rückruf" not in bochum and desk["request"].number not in bochum and "Ruhige Werkstatt" not in bochum


def test_coordinator_gets_the_coordinations_inbox(coordinator, desk, django_capture_on_commit_callbacks):
    outside = RequestFactory(company=CompanyFactory(name="Fern GmbH", postcode="80331", city="München"))
    assert outside.partner is None
    content = digest.digest_for(coordinator, WEDNESDAY)
    assert _titles(content["new_requests"]) == [outside]
    assert content["is_coordinator"]


def test_links_are_absolute(consultant, desk, django_capture_on_commit_callbacks):
    send(django_capture_on_commit_callbacks)
    body = next(m for m in mail.outbox if m.to == [consultant.email]).body
    links = re.findall(r"\S+/backoffice/\S*", body)
    assert links and all(link.startswith(SITE + "/backoffice/") for link in links)
    assert f"{SITE}/backoffice/cases/{desk['idle'].pk}/" in links
    assert f"{SITE}/backoffice/requests/{desk['request'].pk}/" in links
    assert f"{SITE}/backoffice/termine/buchungen/{desk['booking_today'].pk}/" in links
    assert f"{SITE}/backoffice/my-work/" in links


def test_text_is_not_html_escaped(consultant, django_capture_on_commit_callbacks):
    task(
        consultant,
        CompanyFactory(name="Müller & Söhne <Stahl> GmbH", postcode="44139"),
        due=WEDNESDAY,
        title='Termin "vorbereiten"',
    )
    send(django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    assert "Müller & Söhne <Stahl> GmbH" in body and 'Termin "vorbereiten"' in body and "&amp;" not in body


def test_nothing_to_report_sends_nothing(consultant, coordinator, django_capture_on_commit_callbacks):
    assert digest.digest_for(consultant, WEDNESDAY) is None
    assert send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_only_active_consultants_and_coordinators_who_want_it(
    consultant, readonly, company_user, desk, django_capture_on_commit_callbacks
):
    RequestFactory(company=CompanyFactory(postcode="44139"))
    off = UserFactory(email="aus@example.org", role=Role.CONSULTANT, organisation=org("dortmund"), daily_digest=False)
    gone = UserFactory(email="weg@example.org", role=Role.CONSULTANT, organisation=org("dortmund"), is_active=False)
    recipients = set(digest.recipients().values_list("email", flat=True))
    assert consultant.email in recipients
    assert not recipients & {off.email, gone.email, readonly.email, company_user.email}
    send(django_capture_on_commit_callbacks)
    sent_to = {m.to[0] for m in mail.outbox}
    assert consultant.email in sent_to and not sent_to & {off.email, gone.email, readonly.email, company_user.email}


def test_opt_out_is_respected(consultant, desk, django_capture_on_commit_callbacks):
    digest.digest_subscription_set(user=consultant, enabled=False)
    send(django_capture_on_commit_callbacks)
    assert consultant.email not in {m.to[0] for m in mail.outbox}
    assert not DigestSent.objects.filter(user=consultant).exists()


def test_running_twice_sends_once(consultant, desk, django_capture_on_commit_callbacks):
    assert send(django_capture_on_commit_callbacks) == 2
    assert send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", stdout=StringIO())
    assert DigestSent.objects.filter(user=consultant, day=WEDNESDAY).count() == 1
    # The next working day is a new day.
    assert send(django_capture_on_commit_callbacks, today=WEDNESDAY + dt.timedelta(days=1)) == 2


def test_concurrent_run_loses_the_insert_and_sends_nothing(consultant, monkeypatch, django_capture_on_commit_callbacks):
    """Another worker inserted the row after this run listed the users: the constraint stops it."""
    task(consultant, due=WEDNESDAY)
    real = digest.digest_for

    def racing(user, today):
        DigestSent.objects.create(user=user, day=today)
        return real(user, today)

    monkeypatch.setattr(digest, "digest_for", racing)
    assert send(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and DigestSent.objects.count() == 1


def test_one_failure_does_not_stop_the_others(consultant, other_consultant, monkeypatch, django_capture_on_commit_callbacks):
    task(consultant, due=WEDNESDAY)
    task(other_consultant, CompanyFactory(postcode="44787", city="Bochum"), due=WEDNESDAY)
    real = digest.digest_for

    def failing(user, today):
        if user.pk == consultant.pk:
            raise RuntimeError("boom")
        return real(user, today)

    monkeypatch.setattr(digest, "digest_for", failing)
    assert send(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[other_consultant.email]]
    assert not DigestSent.objects.filter(user=consultant).exists()


@pytest.mark.parametrize("day", [SATURDAY, SUNDAY])
def test_weekend_sends_nothing(consultant, desk, django_capture_on_commit_callbacks, day):
    assert send(django_capture_on_commit_callbacks, today=day) == 0
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_friday_looks_ahead_to_monday(consultant, company):
    monday = FRIDAY + dt.timedelta(days=3)
    on_monday = booking(consultant, company, at(monday, 9))
    on_tuesday = booking(consultant, company, at(monday + dt.timedelta(days=1), 9))
    content = digest.digest_for(consultant, FRIDAY)
    assert content["next_day"] == monday
    assert _titles(content["bookings_next"]) == [on_monday] and on_tuesday not in _titles(content["bookings_next"])


def test_query_count_does_not_grow_with_the_work(consultant, django_capture_on_commit_callbacks):
    def count():
        DigestSent.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            assert send(django_capture_on_commit_callbacks) == 1
        return len(ctx.captured_queries)

    task(consultant, due=WEDNESDAY - dt.timedelta(days=1))
    small = count()
    for _i in range(5):
        case_task = task(consultant, due=WEDNESDAY - dt.timedelta(days=2))
        task(consultant, case=case_task.case, due=FRIDAY)
        Case.objects.filter(pk=case_task.case_id).update(last_activity_on=WEDNESDAY - dt.timedelta(days=70))
        RequestFactory(company=case_task.company)
        booking(consultant, case_task.company, at(WEDNESDAY, 8 + _i))
    assert count() == small
    assert mail.outbox[0].body.count("/backoffice/cases/") >= 11


def test_long_sections_are_cut_with_a_hint(consultant, django_capture_on_commit_callbacks):
    case = services.case_open(actor=consultant, company=CompanyFactory(postcode="44139"))
    for i in range(digest.DIGEST_LIMIT + 2):
        task(consultant, case=case, due=WEDNESDAY - dt.timedelta(days=1), title=f"Aufgabe {i}")
    content = digest.digest_for(consultant, WEDNESDAY)
    assert len(content["overdue"]["items"]) == digest.DIGEST_LIMIT and content["overdue"]["more"]
    send(django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    with translation.override("de"):
        hint = gettext("… and more in the backoffice.")
    assert "Aufgabe 19" in body and "Aufgabe 20" not in body and hint in body


# --- the job and the command -----------------------------------------------------------------


def test_task_and_command_run_the_same_job(consultant, company):
    from kgp.journey.tasks import send_daily_digests

    assert send_daily_digests.enqueue().return_value == 0
    out = StringIO()
    call_command("send_digests", stdout=out)
    assert "digest(s) sent" in out.getvalue()
    out = StringIO()
    call_command("send_digests", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued ")


# --- the switch on "my work" ----------------------------------------------------------------


def test_my_work_shows_the_switch(client, consultant, readonly):
    client.force_login(consultant)
    body = client.get(reverse("backoffice:my_work")).content.decode()
    assert reverse("backoffice:digest_toggle") in body and 'name="daily_digest"' in body and "checked" in body
    assert "csrfmiddlewaretoken" in body
    client.force_login(readonly)
    assert reverse("backoffice:digest_toggle") not in client.get(reverse("backoffice:my_work")).content.decode()


def test_toggle_changes_only_the_signed_in_user(client, consultant, other_consultant):
    url = reverse("backoffice:digest_toggle")
    client.force_login(consultant)
    response = client.post(url, {"user": other_consultant.pk, "pk": other_consultant.pk})
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:my_work")
    consultant.refresh_from_db()
    other_consultant.refresh_from_db()
    assert consultant.daily_digest is False and other_consultant.daily_digest is True
    entry = AuditLogEntry.objects.get(object_type="accounts.user", object_id=str(consultant.pk))
    assert entry.changes == {"daily_digest": [True, False]} and entry.actor == consultant
    assert 'name="daily_digest"' in client.get(reverse("backoffice:my_work")).content.decode()
    client.post(url, {"daily_digest": "on"})
    consultant.refresh_from_db()
    assert consultant.daily_digest is True
    # No change, no audit entry.
    client.post(url, {"daily_digest": "on"})
    assert AuditLogEntry.objects.filter(object_type="accounts.user").count() == 2


def test_toggle_is_for_editors_only(client, readonly, company_user, coordinator):
    url = reverse("backoffice:digest_toggle")
    assert client.post(url).status_code == 302 and "login" in client.post(url)["Location"]
    client.force_login(company_user)
    assert client.post(url).status_code == 404
    client.force_login(readonly)
    assert client.post(url).status_code == 403
    client.force_login(coordinator)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.daily_digest is False
    readonly.refresh_from_db()
    assert readonly.daily_digest is True


def test_toggle_needs_the_csrf_token(consultant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant)
    assert client.post(reverse("backoffice:digest_toggle")).status_code == 403
    consultant.refresh_from_db()
    assert consultant.daily_digest is True


# --- two workers at once (PostgreSQL: parallel connections) --------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: parallel connections")
def test_parallel_runs_send_each_digest_once(consultant):
    import threading

    from django.db import connections

    task(consultant, due=WEDNESDAY)
    mail.outbox = []
    parallel = 6
    barrier = threading.Barrier(parallel)
    results: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(digest.digests_send(today=WEDNESDAY))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [0] * (parallel - 1) + [1]
    assert [m.to for m in mail.outbox] == [[consultant.email]]
    assert DigestSent.objects.filter(user=consultant, day=WEDNESDAY).count() == 1
