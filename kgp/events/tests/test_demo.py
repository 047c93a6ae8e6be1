"""The demo events: every kind and module, past events with attendance and feedback, a fully booked
event with a waiting list and an offered seat, an online webinar, a cancelled event, a draft; run
twice, nothing is added."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kgp.catalogue.demo import seed_offers
from kgp.catalogue.models import Module
from kgp.companies.demo import COMPANY_USER_EMAIL, DEMO_DOMAIN, ensure_demo_users
from kgp.companies.queries import company_timeline
from kgp.competences.demo import seed_competences
from kgp.core.models import AuditLogEntry
from kgp.events import queries
from kgp.events.demo import SPECS, seed_events
from kgp.events.models import Event, EventKind, EventStatus, Feedback, Registration, RegistrationChange, RegistrationStatus
from kgp.testing.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db
S = RegistrationStatus
PLACES = (("44135", "Dortmund"), ("44787", "Bochum"), ("58095", "Hagen"), ("59065", "Hamm"), ("59423", "Unna"))


def test_seed_events(mailoutbox, django_capture_on_commit_callbacks):
    users, _created = ensure_demo_users()
    companies = [
        CompanyFactory(name=f"Demo Metallbau {n} GmbH", postcode=PLACES[n % 5][0], city=PLACES[n % 5][1]) for n in range(15)
    ]
    MembershipFactory(user=users[COMPANY_USER_EMAIL], company=companies[0])
    seed_offers(rng_seed=7)
    seed_competences(rng_seed=7)
    with django_capture_on_commit_callbacks(execute=True):
        result = seed_events(companies=companies, rng_seed=7)
    now = timezone.now()
    events = {e.title: e for e in Event.objects.all()}
    assert len(result.events) == len(SPECS) == len(events) >= 12
    assert {e.kind for e in events.values()} == set(EventKind.values)
    assert {e.module for e in events.values()} == set(Module.values)
    assert {e.status for e in events.values()} == set(EventStatus.values)
    assert all(e.organisations.exists() for e in events.values())
    assert Event.objects.filter(offer__isnull=False).count() >= 8 and Event.objects.filter(co_organiser__isnull=False).count() >= 3

    # Past events: attended and no-show participants linked to demo companies, with feedback.
    past = Event.objects.filter(ends_at__lt=now, status=EventStatus.PUBLISHED)
    assert past.count() == 5
    for event in past:
        counts = queries.status_counts(event)
        assert counts[S.ATTENDED] > 0 and counts[S.REGISTERED] == 0
        assert event.registrations.filter(status=S.ATTENDED, company__isnull=False).exists()
        for registration in event.registrations.all():
            assert registration.created_at < event.starts_at
            if registration.status == S.ATTENDED:
                assert abs(registration.checked_in_at - event.starts_at).total_seconds() <= 30 * 60
    assert Registration.objects.filter(event__in=past, status=S.NO_SHOW).exists()
    assert Feedback.objects.count() == result.feedback > 5
    assert Feedback.objects.exclude(comment="").exists()
    assert all(f.created_at > f.registration.event.ends_at for f in Feedback.objects.select_related("registration__event"))
    attended = Registration.objects.filter(status=S.ATTENDED, company__isnull=False).select_related("company").first()
    timeline = company_timeline(attended.company, extra_sources=queries.TIMELINE_SOURCES)
    assert any(item.kind == "attendance" for item in timeline)
    # The history reads in order: nothing is dated after now, check-ins at the event.
    assert not RegistrationChange.objects.filter(at__gt=now).exists()
    assert not AuditLogEntry.objects.filter(object_type__startswith="events.", created_at__gt=now).exists()

    # Coming: the fully booked workshop with a waiting list and a seat offered.
    full = next(e for e in events.values() if e.title.startswith("Workshop: Digitaler Zwilling"))
    counts = queries.status_counts(full)
    assert counts[S.REGISTERED] + counts[S.OFFERED] == full.capacity
    assert counts[S.WAITLISTED] >= 1 and counts[S.OFFERED] == 1 and counts[S.CANCELLED] == 1
    webinar = next(e for e in events.values() if e.kind == EventKind.WEBINAR and e.starts_at > now)
    assert webinar.online and webinar.online_url.startswith("https://")
    cancelled = Event.objects.get(status=EventStatus.CANCELLED)
    assert cancelled.starts_at > now and cancelled.registrations.filter(status=S.CANCELLED).exists()
    assert AuditLogEntry.objects.filter(object_type="events.event", object_id=str(cancelled.pk), changes__has_key="reason").exists()
    assert Event.objects.filter(status=EventStatus.DRAFT, starts_at__gt=now).exists()
    assert Event.objects.filter(registration_opens_at__gt=now).exists()
    # The company login takes part.
    assert Registration.objects.filter(user=users[COMPANY_USER_EMAIL]).count() == 3

    # E-mails only to the demo domain.
    assert mailoutbox and all(address.endswith("@" + DEMO_DOMAIN) for m in mailoutbox for address in m.to)

    # A second run adds nothing.
    before = (Event.objects.count(), Registration.objects.count(), Feedback.objects.count(), AuditLogEntry.objects.count())
    again = seed_events(companies=companies, rng_seed=7)
    assert again.events == [] and again.registrations == 0
    assert (Event.objects.count(), Registration.objects.count(), Feedback.objects.count(), AuditLogEntry.objects.count()) == before
