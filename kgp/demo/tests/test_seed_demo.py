"""seed_demo fills every part of the demo region: companies, catalogue, check results, requests,
de-minimis aid, cases with activities and tasks, appointment slots and bookings.

Seeding takes a while, so one test seeds once and checks everything, then checks that running the
command again (with and without --if-empty) adds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kgp.accounts.models import Role, User
from kgp.appointments.models import Booking, BookingStatus, Slot, SlotStatus
from kgp.assessment.models import CheckResult
from kgp.assessment.queries import comparison
from kgp.catalogue.models import Module, Offer
from kgp.companies.demo import DEMO_DOMAIN
from kgp.companies.models import Company, Topic
from kgp.competences.models import CompetenceProfile, ProfileMember
from kgp.core.models import AuditLogEntry
from kgp.deminimis.models import AidGrant
from kgp.journey import access as journey_access
from kgp.journey.models import Activity, ActivityAttachment, ActivityKind, Case, Stage, Task
from kgp.journey.queries import IDLE_DAYS, my_work
from kgp.organisations.models import Organisation
from kgp.requests.models import Request, RequestStatus

pytestmark = pytest.mark.django_db


def _journey_counts() -> tuple[int, ...]:
    return (
        Case.objects.count(), Activity.objects.count(), Task.objects.count(), Slot.objects.count(),
        Booking.objects.count(), AidGrant.objects.count(), ActivityAttachment.objects.count(),
    )  # fmt: skip


def _check_appointments() -> None:
    now = timezone.now()
    future_open = Slot.objects.filter(status=SlotStatus.OPEN, starts_at__gt=now)
    assert set(future_open.values_list("organisation_id", flat=True)) == set(Organisation.objects.values_list("pk", flat=True))
    assert Slot.objects.filter(status=SlotStatus.CANCELLED).exists()  # a withdrawn slot
    confirmed = Booking.objects.filter(status=BookingStatus.CONFIRMED)
    assert confirmed.filter(slot__starts_at__gt=now).count() >= 5  # upcoming initial consultations
    assert confirmed.filter(slot__starts_at__lt=now).count() >= 10  # held ones
    assert Booking.objects.filter(status=BookingStatus.CANCELLED).exists()
    assert Booking.objects.filter(sequence__gt=0, status=BookingStatus.CONFIRMED).exists()  # moved
    # Every booked slot has exactly one confirmed booking, every past booking its audit entry.
    assert confirmed.count() == Slot.objects.filter(status=SlotStatus.BOOKED).count()
    assert all(b.slot.status == SlotStatus.BOOKED for b in confirmed.select_related("slot"))
    for booking in confirmed.filter(slot__starts_at__lt=now).select_related("slot")[:10]:
        assert booking.created_at < booking.slot.starts_at
        assert AuditLogEntry.objects.filter(object_type="appointments.booking", object_id=str(booking.pk)).exists()
    assert Booking.objects.filter(booked_by__role=Role.COMPANY, slot__starts_at__gt=now).exists()  # the company login's


def _check_journey() -> None:
    today = timezone.localdate()
    assert set(Case.objects.values_list("stage__key", flat=True)) == set(Stage.objects.values_list("key", flat=True))
    assert set(Activity.objects.values_list("kind", flat=True)) == set(ActivityKind.values)
    record = Activity.objects.filter(kind=ActivityKind.INITIAL_CONSULTATION).first()
    assert record.situation and record.needs and record.next_steps
    assert Activity.objects.filter(occurred_on__lt=today - dt.timedelta(days=30)).exists()  # back-dated
    granted = Activity.objects.filter(kind=ActivityKind.COACHING, aid_grant__isnull=False).select_related("aid_grant")
    assert granted.exists() and all(a.aid_grant.certificate_number for a in granted)
    assert all(a.aid_grant.granted_on == a.occurred_on for a in granted)
    assert not AidGrant.objects.filter(exceeds_ceiling=True).exists()  # no ceiling was broken or overridden
    assert ActivityAttachment.objects.exists()
    assert Case.objects.filter(created_from__isnull=False).exists()
    assert Request.objects.filter(status=RequestStatus.NEW).exists()  # new requests stay new for "my work"
    for case in Case.objects.prefetch_related("activities", "stage_changes")[:60]:
        dates = [a.occurred_on for a in case.activities.all()]
        assert case.last_activity_on == max(dates) and timezone.localtime(case.opened_at).date() <= min(dates)
        changes = [c.changed_at for c in case.stage_changes.all()]
        assert changes == sorted(changes) and changes[0] == case.opened_at
        assert (case.closed_at is not None) == case.stage.is_closed
    for email in User.objects.filter(role=Role.CONSULTANT, email__endswith=DEMO_DOMAIN).values_list("email", flat=True):
        consultant = User.objects.get(email=email)
        work = my_work(consultant, new_requests=Request.objects.none(), cases=journey_access.cases_for_staff(consultant))
        assert work["overdue"] and work["due_this_week"] and work["idle_cases"], email
        assert all((today - c.last_activity_on).days > IDLE_DAYS for c in work["idle_cases"])
        assert Task.objects.filter(assignee=consultant, done_at__isnull=False).exists(), email


def _check_demo_addresses() -> None:
    """Whatever the journey and appointment demo writes names e-mail addresses at the demo domain only."""
    texts = [b.contact_email for b in Booking.objects.all()]
    texts += [
        " ".join(str(v) for v in row)
        for row in Activity.objects.values_list("summary", "notes", "situation", "needs", "next_steps", "coach_name", "topic")
    ]
    texts += list(Task.objects.values_list("title", flat=True)) + list(Slot.objects.values_list("location_detail", flat=True))
    domains = {m.lower() for text in texts for m in re.findall(r"[\w.+-]+@([\w.-]+)", text)}
    assert domains == {DEMO_DOMAIN}


def test_seed_demo_fills_the_region_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    public = Offer.objects.public()
    assert public.count() >= 24
    assert set(public.values_list("module", flat=True)) == set(Module.values)
    offered_topics = set(public.values_list("topics__key", flat=True))
    assert offered_topics >= set(Topic.objects.exclude(key="funding").values_list("key", flat=True))
    results = CheckResult.objects.filter(completed_at__isnull=False)
    assert results.filter(company__isnull=False).exists()
    assert results.filter(shared_with_agency=True).exists()
    linked = results.filter(company__isnull=False)
    per_class = Counter(size for size, _company in set(linked.values_list("size_class", "company_id")))
    assert per_class["micro"] >= 5 and per_class["small"] >= 5  # only company results are compared
    size_class = next(size for size, n in per_class.most_common() if n >= 6)
    some = linked.filter(size_class=size_class).order_by("pk").first()
    assert comparison(some.size_class, some) is not None  # at least five other companies in its size class
    statuses = set(Request.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values)
    assert Request.objects.filter(partner__isnull=False).values("partner").distinct().count() == 5
    grants = AidGrant.objects.all()
    assert grants.count() >= 10 and len(set(grants.values_list("certificate_number", flat=True))) == grants.count()
    assert all(g.offer.is_de_minimis and g.value_eur == g.offer.de_minimis_value for g in grants.select_related("offer"))
    _check_appointments()
    _check_journey()
    _check_demo_addresses()
    competences = CompetenceProfile.objects.count()
    assert competences >= 30 and ProfileMember.objects.filter(user__email=f"kompetenz@{DEMO_DOMAIN}").exists()
    counts = (
        Offer.objects.count(), CheckResult.objects.count(), Request.objects.count(), Company.objects.count(), grants.count(),
        *_journey_counts(),
    )  # fmt: skip
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    assert CompetenceProfile.objects.count() == competences
    assert (
        Offer.objects.count(), CheckResult.objects.count(), Request.objects.count(), Company.objects.count(), grants.count(),
        *_journey_counts(),
    ) == counts  # fmt: skip
    again = StringIO()
    call_command("seed_demo", "--if-empty", stdout=again)  # what make run calls: changes nothing either
    assert "changes nothing" in again.getvalue()
    assert (*_journey_counts(),) == counts[5:]
    assert "offers" in out.getvalue() and "cases" in out.getvalue() and "slots" in out.getvalue()
