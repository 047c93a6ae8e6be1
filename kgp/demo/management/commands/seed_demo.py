"""`manage.py seed_demo [--if-empty]`: demo logins for every role, about 60 fictitious companies, the
offer catalogue, Transformations-Check results, requests, de-minimis aid, cases with their activities
and tasks, and the consultants' appointment slots and bookings.

Everything goes through the services, so the audit log and the company timelines are filled as if
the consultants had entered the data. Only what the services refuse because it lies in the past is
written directly: the dates of the cases' history and the initial consultations already held (see
kgp/journey/demo.py and kgp/appointments/demo.py). Deterministic apart from the timestamps.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from kgp.accounts.models import Role
from kgp.appointments.demo import seed_appointments
from kgp.assessment.demo import seed_check_results
from kgp.assessment.models import CheckResult
from kgp.catalogue.demo import seed_offers
from kgp.companies import services
from kgp.companies.demo import (
    COMPANY_USER_EMAIL,
    DEMO_COMPANY_COUNT,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_SEED,
    DEMO_USERS,
    LOGIN_URL,
    RegionIndex,
    consultant_email,
    demo_company_specs,
    ensure_demo_users,
)
from kgp.companies.models import Company, CompanyMembership, Consent, Topic
from kgp.competences.demo import seed_competences
from kgp.connect.demo import seed_connect
from kgp.deminimis.demo import seed_aid
from kgp.events.demo import seed_events
from kgp.journey.demo import seed_journey
from kgp.requests.demo import seed_requests
from kgp.requests.models import Request


class Command(BaseCommand):
    help = (
        "Create the demo logins, about 60 fictitious companies, offers, check results, requests, de-minimis aid, "
        "cases and appointments (via the services)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any company exists already (used by make run)."
        )
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="Random seed of the demo companies.")
        parser.add_argument("--companies", type=int, default=DEMO_COMPANY_COUNT, help="Number of demo companies.")

    def handle(self, *args: object, if_empty: bool, seed: int, companies: int, **options: object) -> None:
        if if_empty and Company.objects.exists():
            self.stdout.write("Companies exist already; seed_demo --if-empty changes nothing.")
            return
        started = time.perf_counter()
        with transaction.atomic():
            users, created_users = ensure_demo_users()
            created, skipped = self._companies(users, seed=seed, count=companies)
            offers = seed_offers(rng_seed=seed)
            competences = seed_competences(rng_seed=seed, member=users.get(f"kompetenz@{DEMO_DOMAIN}"))
            demo_companies = list(Company.objects.filter(is_active=True).order_by("pk"))
            # Check results are not matched on a second run: only a database without any gets them.
            results = [] if CheckResult.objects.exists() else seed_check_results(companies=demo_companies[::2], rng_seed=seed)
            requests = [] if Request.objects.exists() else seed_requests(companies=demo_companies, offers=offers, rng_seed=seed)
            grants = seed_aid(companies=demo_companies, rng_seed=seed)
            # After the aid demo (which only runs on a ledger without grants); each does nothing when it has run before.
            journey = seed_journey(companies=demo_companies, rng_seed=seed)
            appointments = seed_appointments(consultations=journey.consultations, rng_seed=seed)
            # After the competence map, the check results and the cases (introductions are case activities).
            connect = seed_connect(companies=demo_companies, users=users, rng_seed=seed)
            # Last: participants come from the demo companies (see kgp/events/demo.py).
            events = seed_events(companies=demo_companies, rng_seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {len(created_users)} of {len(DEMO_USERS)} logins created, "
                f"{created} companies created, {skipped} existed already, {len(offers)} offers, "
                f"{len(competences)} competence profiles, "
                f"{len(results)} check results, {len(requests)} requests, {len(grants)} de-minimis grants, "
                f"{len(journey.cases)} cases with {journey.activities} activities and {journey.tasks} tasks, "
                f"{len(appointments.slots)} slots and {len(appointments.bookings)} bookings, "
                f"{len(connect.profiles)} company profiles, {len(connect.needs)} needs and "
                f"{len(connect.introductions)} introductions, "
                f"{len(events.events)} events with {events.registrations} registrations added "
                f"({time.perf_counter() - started:.1f} s)."
            )
        )
        self.stdout.write(f"All demo logins use the password {DEMO_PASSWORD!r}; see `manage.py demo_logins`.")
        self.stdout.write(f"Log in at {LOGIN_URL}")

    def _companies(self, users: dict, *, seed: int, count: int) -> tuple[int, int]:
        region = RegionIndex.load()
        topics = {t.key: t for t in Topic.objects.all()}
        specs = demo_company_specs(
            region, last_year=timezone.localdate().year - 1, topic_keys=sorted(topics), seed=seed, count=count
        )
        coordinator = next(u for u in users.values() if u.role == Role.COORDINATOR)
        company_user = users[COMPANY_USER_EMAIL]
        created = skipped = 0
        member_company = None
        for spec in specs:
            existing = Company.objects.filter(name=spec.data["name"], postcode=spec.data["postcode"]).first()
            if existing is not None:
                skipped += 1
                member_company = member_company or (existing if spec.partner_key == "dortmund" else None)
                continue
            actor = users.get(consultant_email(spec.partner_key)) if spec.partner_key else None
            actor = actor or coordinator
            company = services.company_create(
                actor=actor, data=spec.data, topics=[topics[k] for k in spec.topics]
            )
            for year, figures in spec.figures:
                services.figures_set(
                    actor=actor,
                    company=company,
                    year=year,
                    staff_awu=figures.staff_awu,
                    turnover=figures.turnover,
                    balance_sheet_total=figures.balance_sheet_total,
                )
            for contact_data, consent_contact in spec.contacts:
                services.contact_create(actor=actor, company=company, data=contact_data, consent_contact=consent_contact)
            if spec.network_sharing:
                services.consent_record(
                    actor=actor, company=company, kind=Consent.Kind.NETWORK_SHARING, granted=True, language="de"
                )
            if spec.newsletter:
                services.consent_record(
                    actor=actor, company=company, kind=Consent.Kind.NEWSLETTER, granted=True, language="de"
                )
            for text in spec.notes:
                services.note_create(actor=actor, company=company, text=text)
            if member_company is None and spec.partner_key == "dortmund" and spec.figures:
                member_company = company
            created += 1
        if member_company is not None and not CompanyMembership.objects.filter(user=company_user).exists():
            membership = services.membership_request(user=company_user, company=member_company)
            approver = users.get(consultant_email("dortmund")) or coordinator
            services.membership_decide(actor=approver, membership=membership, approve=True)
        return created, skipped
