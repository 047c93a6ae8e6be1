"""`manage.py generate_synthetic --companies 100000 --seed 1`: fictitious companies in bulk, for load tests.

Deterministic: the same seed gives the same names, postcodes, figures and contacts (random.Random
plus name pools drawn once from a seeded Faker). Fast: bulk inserts in batches inside transactions,
postcode -> municipality -> partner in memory, the size class straight from sme.classify. The
services are bypassed on purpose (no per-row audit log); one summary audit entry records the run
and doubles as the marker the benchmark uses to reuse a database.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from kgp.companies import sme
from kgp.companies.consents import VERSION as CONSENT_VERSION
from kgp.companies.consents import consent_text
from kgp.companies.demo import (
    DEFAULT_REGISTER_COURT,
    FUNCTIONS,
    LEGAL_FORMS,
    OUTSIDE_REGION,
    REGISTER_COURTS,
    TRADES,
    RegionIndex,
    company_name,
    random_figures,
    slug,
    weighted_table,
)
from kgp.companies.models import (
    Company,
    Consent,
    Contact,
    LegalForm,
    SizeClassPeriod,
    Topic,
    YearlyFigures,
)
from kgp.companies.services import search_text_for
from kgp.core.models import AuditLogEntry
from kgp.core.text import name_key

# Bump when the generated data changes, so that the benchmark does not reuse an old database.
GENERATOR_VERSION = 1
MARKER_OBJECT_ID = "generate_synthetic"
INSERT_BATCH = 1000  # rows per INSERT statement (SQLite lowers it to its parameter limit)

SHARE_NETWORK = 0.10
SHARE_NEWSLETTER = 0.05
SHARE_TOPICS = 0.30
SHARE_OUTSIDE = 0.02
SHARE_NO_FIGURES = 0.15
SHARE_REGISTER = 0.70
SHARE_PUBLIC = 0.003


@dataclass
class Pools:
    """Names drawn once from a seeded Faker; rows then pick from them with random.Random."""

    last_names: list[str]
    female: list[str]
    male: list[str]
    streets: list[str]

    @classmethod
    def create(cls, seed: int) -> Pools:
        from faker import Faker

        fake = Faker("de_DE")
        fake.seed_instance(seed)
        return cls(
            last_names=[fake.last_name() for _ in range(3000)],
            female=[fake.first_name_female() for _ in range(1500)],
            male=[fake.first_name_male() for _ in range(1500)],
            streets=[fake.street_name() for _ in range(3000)],
        )


def marker_entries():
    return AuditLogEntry.objects.filter(object_type="companies.company", object_id=MARKER_OBJECT_ID)


class Command(BaseCommand):
    help = "Generate deterministic synthetic companies and contacts in bulk (load and performance tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--companies", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--contacts-per-company", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000, help="Companies per transaction.")

    def handle(self, *args: object, companies: int, seed: int, contacts_per_company: int, batch_size: int,
               **options: object) -> None:  # fmt: skip
        if companies < 0 or contacts_per_company < 0 or batch_size < 1:
            raise CommandError("--companies and --contacts-per-company must not be negative, --batch-size positive.")
        region = RegionIndex.load()
        if not region.places:
            raise CommandError("The region (municipalities and postcodes) is missing; run migrate first.")
        started = time.perf_counter()
        self.generator = Generator(
            seed=seed,
            region=region,
            topic_ids=list(Topic.objects.order_by("key").values_list("id", flat=True)),
            contacts_per_company=contacts_per_company,
            # Register numbers continue after the companies already there, so a second run does not
            # collide with the unique register entries of the first.
            register_offset=Company.objects.count(),
        )
        done = 0
        while done < companies:
            n = min(batch_size, companies - done)
            with transaction.atomic():
                self.generator.write_batch(done, n)
            done += n
            if options.get("verbosity", 1) >= 2:
                self.stdout.write(f"  {done} companies ({time.perf_counter() - started:.1f} s)")
        seconds = time.perf_counter() - started
        stats = self.generator.stats
        with connection.cursor() as cursor:
            # Fresh planner statistics after a bulk load: without them SQLite picks poor indexes.
            cursor.execute("ANALYZE")
        AuditLogEntry.objects.create(
            actor=None,
            actor_label="generate_synthetic",
            action=AuditLogEntry.Action.IMPORT,
            object_type="companies.company",
            object_id=MARKER_OBJECT_ID,
            object_repr=f"Synthetic data: {companies} companies (seed {seed})"[:255],
            changes={
                "companies": companies,
                "seed": seed,
                "contacts_per_company": contacts_per_company,
                "generator_version": GENERATOR_VERSION,
                "seconds": round(seconds, 2),
                **stats,
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {companies} companies, {stats['contacts']} contacts, {stats['figures']} yearly figures, "
                f"{stats['topic_links']} topic links, {stats['shared']} shared with the network "
                f"in {seconds:.1f} s (seed {seed})."
            )
        )


class Generator:
    def __init__(self, *, seed: int, region: RegionIndex, topic_ids: list[int], contacts_per_company: int,
                 register_offset: int = 0) -> None:  # fmt: skip
        self.rng = random.Random(seed)
        self.pools = Pools.create(seed)
        self.region = region
        self.topic_ids = topic_ids
        self.contacts_per_company = contacts_per_company
        self.register_offset = register_offset
        self.trades, self.trade_cum = weighted_table([((w, c), weight) for w, c, weight in TRADES])
        self.forms, self.form_cum = weighted_table([((f, s), weight) for f, s, weight in LEGAL_FORMS])
        self.municipalities, self.municipality_cum = region.municipality_table()
        self.year = timezone.localdate().year - 1
        self.network_text = consent_text(Consent.Kind.NETWORK_SHARING, "de")
        self.newsletter_text = consent_text(Consent.Kind.NEWSLETTER, "de")
        self.stats = {"contacts": 0, "figures": 0, "topic_links": 0, "shared": 0, "outside_region": 0}

    def _company(self, index: int) -> tuple[Company, sme.Figures | None, list[int]]:
        rng, pools = self.rng, self.pools
        (trade, sector), (legal_form, suffix) = (
            rng.choices(self.trades, cum_weights=self.trade_cum)[0],
            rng.choices(self.forms, cum_weights=self.form_cum)[0],
        )  # type: ignore[misc]
        name = company_name(rng, lambda: rng.choice(pools.last_names), trade, suffix)
        if rng.random() < SHARE_OUTSIDE:
            postcode, city = rng.choice(OUTSIDE_REGION)
        else:
            key = rng.choices(self.municipalities, cum_weights=self.municipality_cum)[0]
            postcode, place = self.region.random_postcode(rng, key)  # type: ignore[arg-type]
            city = place.city
        place = self.region.lookup(postcode)
        if place is None:
            self.stats["outside_region"] += 1
        register_court = register_number = ""
        if place is not None and rng.random() < SHARE_REGISTER:
            register_court = "Amtsgericht " + REGISTER_COURTS.get(place.municipality_key, DEFAULT_REGISTER_COURT)
            prefix = "HRA" if legal_form in (LegalForm.KG, LegalForm.EK) else "HRB"
            register_number = f"{prefix} {100000 + (self.register_offset + index) % 900000}"
        domain = slug(name.removesuffix(suffix)) + ".example"
        public = rng.random() < SHARE_PUBLIC
        figures = None if rng.random() < SHARE_NO_FIGURES else random_figures(rng, financials_share=0.8)
        if figures is not None:
            total = sme.Figures(figures.staff_awu, figures.turnover, figures.balance_sheet_total)
            classification = sme.classify(total, public_control_25=public)
            size_class, provisional = classification.size_class, classification.provisional
        else:
            total = None
            size_class, provisional = ("large", False) if public else ("unknown", True)
        shared = rng.random() < SHARE_NETWORK
        newsletter = rng.random() < SHARE_NEWSLETTER
        topics = rng.sample(self.topic_ids, rng.randint(1, 3)) if self.topic_ids and rng.random() < SHARE_TOPICS else []
        company = Company(
            name=name,
            legal_form=legal_form,
            register_court=register_court,
            register_number=register_number,
            street=f"{rng.choice(pools.streets)} {rng.randint(1, 180)}",
            postcode=postcode,
            city=city,
            municipality_id=place.municipality_id if place else None,
            responsible_partner_id=place.partner_id if place else None,
            sector_code=sector,
            website=f"https://www.{domain}",
            email=f"info@{domain}",
            phone=f"0{rng.randint(2000, 9999)} {rng.randint(10000, 999999)}",
            public_control_25=public,
            size_class=size_class,
            size_class_provisional=provisional,
            network_sharing=shared,
            newsletter=newsletter,
            name_key=name_key(name),
        )
        company.search_text = search_text_for(company, contacts=())  # synthetic contacts are not searchable
        return company, total, topics

    def _contacts(self, company: Company, domain: str) -> list[Contact]:
        rng, pools = self.rng, self.pools
        contacts = []
        for _ in range(self.contacts_per_company):
            female = rng.random() < 0.45
            first = rng.choice(pools.female if female else pools.male)
            last = rng.choice(pools.last_names)
            local = f"{slug(first)}.{slug(last)}".replace("-", "")
            contacts.append(
                Contact(
                    company_id=company.pk,
                    salutation="Frau" if female else "Herr",
                    first_name=first,
                    last_name=last,
                    function=rng.choice(FUNCTIONS),
                    email=f"{local}@{domain}",
                )
            )
        return contacts

    def write_batch(self, start: int, count: int) -> None:
        rows = [self._company(start + i) for i in range(count)]
        companies = [row[0] for row in rows]
        Company.objects.bulk_create(companies, batch_size=INSERT_BATCH)
        if any(c.pk is None for c in companies):  # a database that cannot return ids from bulk inserts
            ids = list(Company.objects.order_by("-id").values_list("id", flat=True)[: len(companies)])
            for company, pk in zip(companies, reversed(ids)):
                company.pk = pk
        Through = Company.topics.through
        links, figures, periods, contacts, consents = [], [], [], [], []
        valid_from = dt.date(self.year, 1, 1)
        now = timezone.now()
        for company, total, topics in rows:
            links += [Through(company_id=company.pk, topic_id=t) for t in topics]
            if total is not None:
                figures.append(
                    YearlyFigures(
                        company_id=company.pk,
                        year=self.year,
                        staff_awu=total.staff_awu,
                        turnover=total.turnover,
                        balance_sheet_total=total.balance_sheet_total,
                    )
                )
                periods.append(
                    SizeClassPeriod(
                        company_id=company.pk,
                        size_class=company.size_class,
                        provisional=company.size_class_provisional,
                        valid_from=valid_from,
                        based_on_year=self.year,
                    )
                )
            if company.network_sharing:
                consents.append(self._consent(company, Consent.Kind.NETWORK_SHARING, self.network_text, now))
            if company.newsletter:
                consents.append(self._consent(company, Consent.Kind.NEWSLETTER, self.newsletter_text, now))
            contacts += self._contacts(company, company.email.partition("@")[2])
        Through.objects.bulk_create(links, batch_size=INSERT_BATCH)
        YearlyFigures.objects.bulk_create(figures, batch_size=INSERT_BATCH)
        SizeClassPeriod.objects.bulk_create(periods, batch_size=INSERT_BATCH)
        Consent.objects.bulk_create(consents, batch_size=INSERT_BATCH)
        Contact.objects.bulk_create(contacts, batch_size=INSERT_BATCH)
        self.stats["contacts"] += len(contacts)
        self.stats["figures"] += len(figures)
        self.stats["topic_links"] += len(links)
        self.stats["shared"] += sum(1 for c in companies if c.network_sharing)

    @staticmethod
    def _consent(company: Company, kind: str, text: str, now: dt.datetime) -> Consent:
        return Consent(
            company_id=company.pk,
            kind=kind,
            granted=True,
            text=text,
            text_version=CONSENT_VERSION,
            recorded_at=now,
            source="synthetic",
        )
