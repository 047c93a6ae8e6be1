"""Demo requests: about 15 fictitious requests of demo companies, spread over the five agencies and
every status. Called by `seed_demo` after the companies and the offers exist.

Everything goes through the services (audit log, timeline, consent records); no e-mails are sent.
Contact persons come from Faker (de_DE) with addresses at example.org. Deterministic for one seed,
apart from the timestamps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import unicodedata
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Offer
from kgp.companies import services as company_services
from kgp.companies.models import Company, CompanyMembership

from . import services
from .models import ContactChannel, EmployeesBand, Request, RequestStatus

DEMO_REQUEST_COUNT = 15
# Every status appears; most requests are still open, as in a working inbox.
STATUS_CYCLE = (
    RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.NEW, RequestStatus.CONSULTATION_AGREED,
    RequestStatus.CLOSED, RequestStatus.IN_PROGRESS, RequestStatus.NEW,
)  # fmt: skip
MESSAGES = (
    "Wir planen, unsere Druckluftanlage zu erneuern, und möchten vorher wissen, wo wir am meisten Energie sparen.",
    "Unsere Kunden fragen nach dem CO2-Fußabdruck unserer Produkte. Wie fangen wir an?",
    "Wir suchen eine Hochschule, mit der wir die Qualitätsprüfung mit Kameras automatisieren können.",
    "Nach den Lieferengpässen der letzten Jahre wollen wir mehr Zulieferer aus der Region finden.",
    "Wir möchten Auszubildende und Studierende stärker an uns binden und suchen Ideen.",
    "",
)
NOTES = (
    "",
    "",
    "Gern im ersten Quartal.",
    "Interessant für unsere Produktionsleitung.",
    "Passt das auch für einen Betrieb mit zwei Standorten?",
    "Bitte mit Blick auf Fördermöglichkeiten.",
)
TIMES = ("", "vormittags", "dienstags und donnerstags", "nach 14 Uhr", "in der nächsten Woche")


def _ascii(text: str) -> str:
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text if ch.isalnum()) or "kontakt"


def _spread_over_agencies(companies: list[Company], count: int, rng: random.Random) -> list[Company]:
    """Up to `count` companies, taken in turn from each agency (and from outside the region)."""
    groups: dict[int | None, list[Company]] = {}
    for company in companies:
        groups.setdefault(company.responsible_partner_id, []).append(company)
    for group in groups.values():
        rng.shuffle(group)
    order = sorted(groups, key=lambda k: (k is None, k or 0))
    picked: list[Company] = []
    for key in itertools.cycle(order):
        if len(picked) >= count or not any(groups.values()):
            break
        if groups[key]:
            picked.append(groups[key].pop())
    return picked


@transaction.atomic
def seed_requests(*, companies: Iterable[Company], offers: Iterable[Offer], rng_seed: int = 0) -> list[Request]:
    """Create about 15 demo requests; companies that have requests already are left alone."""
    from faker import Faker

    rng = random.Random(rng_seed)
    fake = Faker("de_DE")
    fake.seed_instance(rng_seed)
    public = set(Offer.objects.public().values_list("pk", flat=True))
    offers = sorted((o for o in offers if o.pk in public), key=lambda o: o.pk)
    companies = sorted(
        (c for c in companies if c.is_active and not c.requests.exists()), key=lambda c: c.pk
    )
    if not offers or not companies:
        return []
    members = dict(
        CompanyMembership.objects.filter(company__in=companies, status=CompanyMembership.Status.APPROVED)
        .order_by("pk")
        .values_list("company_id", "user_id")
    )
    # A company with a portal user first, so the demo company login sees a request in its account.
    first = [c for c in companies if c.pk in members][:1]
    chosen = first + _spread_over_agencies([c for c in companies if c not in first], DEMO_REQUEST_COUNT - len(first), rng)
    staff = {
        u.organisation_id: u
        for u in User.objects.filter(is_active=True, role=Role.CONSULTANT).order_by("-pk")
    }
    coordinator = User.objects.filter(is_active=True, role=Role.COORDINATOR).order_by("pk").first()
    now = timezone.now()
    created: list[Request] = []
    for index, company in enumerate(chosen):
        first_name, last_name = fake.first_name(), fake.last_name()
        picked = rng.sample(offers, rng.randint(1, min(3, len(offers))))
        member_id = members.get(company.pk)
        common = {
            "contact": {
                "name": f"{first_name} {last_name}",
                "email": f"{_ascii(first_name)}.{_ascii(last_name)}@example.org",
                "phone": fake.phone_number() if rng.random() < 0.6 else "",
            },
            "message": rng.choice(MESSAGES),
            "channel": rng.choice(ContactChannel.values),
            "preferred_time": rng.choice(TIMES),
            "offers_with_notes": [(offer, rng.choice(NOTES)) for offer in picked],
            "consent_given": True,
            "language": "de",
            "notify": False,
        }
        # Every other request comes through the public form, for a company the duplicate check
        # recognises unambiguously (so the demo shows a matched request and creates no new record).
        recognised = [c.pk for c in company_services.find_duplicates(
            name=company.name, postcode=company.postcode,
            register_court=company.register_court, register_number=company.register_number,
        )] == [company.pk]  # fmt: skip
        if member_id is not None or index % 2 == 0 or not recognised:
            # Sent by a company user in the portal (for a company without one: as if it had one).
            actor = User.objects.filter(pk=member_id).first() if member_id else None
            req = services.request_submit(actor=actor, company_data=None, company=company, **common)
        else:
            # Sent with the public form: matched to the existing record (sometimes with a new street).
            data = {
                "name": company.name,
                "street": company.street if rng.random() < 0.6 else fake.street_address(),
                "postcode": company.postcode,
                "city": company.city,
                "register_court": company.register_court,
                "register_number": company.register_number,
                "website": company.website,
                "employees_band": rng.choice(EmployeesBand.values),
            }
            req = services.request_submit(actor=None, company_data=data, **common)
        status = STATUS_CYCLE[index % len(STATUS_CYCLE)]
        if status != RequestStatus.NEW:
            actor = staff.get(req.partner_id) or coordinator
            if status in (RequestStatus.CONSULTATION_AGREED, RequestStatus.CLOSED):
                services.request_status_set(actor=actor, req=req, status=RequestStatus.IN_PROGRESS)
            req = services.request_status_set(actor=actor, req=req, status=status)
        days_ago = rng.randint(0, 3) if status == RequestStatus.NEW else rng.randint(4, 60)
        sent_at = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
        Request.objects.filter(pk=req.pk).update(created_at=sent_at)
        req.created_at = sent_at
        created.append(req)
    return created
