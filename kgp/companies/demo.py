"""Demo and synthetic data: the demo logins, a vocabulary of fictitious manufacturing companies, and an
in-memory postcode lookup for bulk generation.

Used by the management commands `seed_demo`, `demo_logins` and `generate_synthetic` and by the
benchmark. Every person and company produced here is fictitious.
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kgp.accounts.models import Role, User
from kgp.core.text import fold
from kgp.organisations.models import Organisation, PostcodeRange

from .models import LegalForm

# --- demo logins -------------------------------------------------------------------------------

DEMO_PASSWORD = "Demo-Passwort-2026"
DEMO_DOMAIN = "demo.kompetenzregion.de"
LOGIN_URL = "http://127.0.0.1:8000/accounts/login/"
COMPANY_USER_EMAIL = f"unternehmen@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str
    organisation: str | None  # organisation key
    first_name: str
    last_name: str
    label: str  # what the login is for, shown by demo_logins


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(f"koordination@{DEMO_DOMAIN}", Role.COORDINATOR, "dortmund", "Katrin", "Albers",
             "Netzwerkkoordination (sieht alle Unternehmen)"),
    DemoUser(f"beratung.dortmund@{DEMO_DOMAIN}", Role.CONSULTANT, "dortmund", "Jonas", "Brandt",
             "Beratung Wirtschaftsförderung Dortmund"),
    DemoUser(f"beratung.bochum@{DEMO_DOMAIN}", Role.CONSULTANT, "bochum", "Miriam", "Kessler",
             "Beratung Bochum Wirtschaftsentwicklung"),
    DemoUser(f"beratung.hagen@{DEMO_DOMAIN}", Role.CONSULTANT, "hagen", "Tobias", "Lindner",
             "Beratung Wirtschaftsförderung Hagen"),
    DemoUser(f"beratung.hamm@{DEMO_DOMAIN}", Role.CONSULTANT, "hamm", "Sabine", "Wolters",
             "Beratung Wirtschaftsförderung Hamm"),
    DemoUser(f"beratung.unna@{DEMO_DOMAIN}", Role.CONSULTANT, "unna", "Deniz", "Aydın",
             "Beratung Wirtschaftsförderung Kreis Unna"),
    DemoUser(f"lesen.dortmund@{DEMO_DOMAIN}", Role.READONLY, "dortmund", "Paul", "Hoffmeister",
             "Lesezugriff (Dortmund)"),
    DemoUser(COMPANY_USER_EMAIL, Role.COMPANY, None, "Clara", "Engel",
             "Unternehmensportal (Mitglied eines Demo-Unternehmens)"),
    DemoUser(f"kompetenz@{DEMO_DOMAIN}", Role.COMPETENCE, None, "Henrik", "Sommer",
             "Kompetenzträger (Hochschule/Institut)"),
)  # fmt: skip


def consultant_email(partner_key: str) -> str:
    return f"beratung.{partner_key}@{DEMO_DOMAIN}"


@transaction.atomic
def ensure_demo_users() -> tuple[dict[str, User], list[str]]:
    """Create the demo users that are missing (existing ones are left as they are).

    Every user gets a verified primary allauth e-mail address, without which the mandatory e-mail
    verification would block the login. Returns all demo users by e-mail and the e-mails created.
    """
    from allauth.account.models import EmailAddress

    organisations = {o.key: o for o in Organisation.objects.all()}
    existing = {u.email: u for u in User.objects.filter(email__in=[d.email for d in DEMO_USERS])}
    password_hash = None  # hashed once: PBKDF2 is deliberately slow
    created: list[str] = []
    users: dict[str, User] = {}
    for demo in DEMO_USERS:
        user = existing.get(demo.email)
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                email=demo.email,
                password=password_hash,
                role=demo.role,
                organisation=organisations[demo.organisation] if demo.organisation else None,
                first_name=demo.first_name,
                last_name=demo.last_name,
            )
            created.append(demo.email)
        EmailAddress.objects.get_or_create(
            user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
        )
        users[demo.email] = user
    return users, created


# --- vocabulary of fictitious companies --------------------------------------------------------

# (word used in the name, WZ 2008 code, relative weight). Manufacturing C10–C33, then a few
# production-related services.
TRADES: tuple[tuple[str, str, int], ...] = (
    ("Feinkost", "C10.89", 2), ("Backwaren", "C10.71", 2), ("Brauerei", "C11.05", 1),
    ("Textiltechnik", "C13.96", 1), ("Holztechnik", "C16.23", 2), ("Verpackung", "C17.21", 2),
    ("Druckerei", "C18.12", 2), ("Chemie", "C20.59", 1), ("Kunststofftechnik", "C22.29", 5),
    ("Betonwerk", "C23.61", 2), ("Glastechnik", "C23.19", 1), ("Gießerei", "C24.52", 2),
    ("Stahlbau", "C25.11", 5), ("Metallbau", "C25.11", 8), ("Metallverarbeitung", "C25.62", 5),
    ("Metalltechnik", "C25.62", 3), ("Oberflächentechnik", "C25.61", 3), ("Schweißtechnik", "C25.62", 2),
    ("Präzisionsteile", "C25.62", 3), ("Elektronik", "C26.11", 2), ("Sensorik", "C26.51", 2),
    ("Elektrotechnik", "C27.12", 3), ("Maschinenbau", "C28.99", 8), ("Anlagenbau", "C28.29", 4),
    ("Antriebstechnik", "C28.15", 2), ("Fördertechnik", "C28.22", 2), ("Fahrzeugteile", "C29.32", 2),
    ("Schienenfahrzeugtechnik", "C30.20", 1), ("Möbelwerkstätten", "C31.09", 2), ("Medizintechnik", "C32.50", 2),
    ("Industrieservice", "C33.12", 3),
    ("Ingenieurbüro", "M71.12", 3), ("Prüftechnik", "M71.20", 1), ("Industrie-Software", "J62.01", 2),
    ("Recycling", "E38.32", 2), ("Kontraktlogistik", "H52.10", 1),
)  # fmt: skip

# (legal form, suffix in the name, relative weight)
LEGAL_FORMS: tuple[tuple[str, str, int], ...] = (
    (LegalForm.GMBH, "GmbH", 60), (LegalForm.GMBH_CO_KG, "GmbH & Co. KG", 20), (LegalForm.KG, "KG", 5),
    (LegalForm.EK, "e. K.", 7), (LegalForm.AG, "AG", 2), (LegalForm.UG, "UG (haftungsbeschränkt)", 6),
)  # fmt: skip

# Rough relative weights of the municipalities by number of businesses.
MUNICIPALITY_WEIGHTS: dict[str, float] = {
    "dortmund": 30, "bochum": 18, "hagen": 10, "hamm": 9, "unna": 3.5, "luenen": 4, "kamen": 2.2,
    "bergkamen": 2.2, "werne": 1.5, "selm": 1.3, "schwerte": 2.2, "holzwickede": 1.2, "froendenberg": 1.2,
    "boenen": 1.0,
}  # fmt: skip

# Where the commercial register of a municipality's companies is kept (fictitious entries).
REGISTER_COURTS: dict[str, str] = {"dortmund": "Dortmund", "bochum": "Bochum", "hagen": "Hagen", "hamm": "Hamm"}
DEFAULT_REGISTER_COURT = "Hamm"

# Outside the region: no municipality, no responsible partner (the network coordination decides).
OUTSIDE_REGION: tuple[tuple[str, str], ...] = (
    ("10115", "Berlin"), ("50667", "Köln"), ("45127", "Essen"), ("40210", "Düsseldorf"), ("48143", "Münster"),
)  # fmt: skip

FUNCTIONS: tuple[str, ...] = (
    "Geschäftsführung", "Technische Leitung", "Produktionsleitung", "Einkauf", "Nachhaltigkeitsmanagement",
    "Personalleitung", "Qualitätsmanagement", "Energiemanagement",
)  # fmt: skip


def slug(text: str) -> str:
    """An ASCII slug for fictitious domains and e-mail local parts."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def weighted_table(items: list[tuple[object, float]]) -> tuple[list[object], list[float]]:
    """Values and cumulative weights for random.Random.choices(cum_weights=...)."""
    values, cum, total = [], [], 0.0
    for value, weight in items:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


@dataclass(frozen=True)
class GeneratedFigures:
    staff_awu: Decimal
    turnover: Decimal | None
    balance_sheet_total: Decimal | None


_SIZE_BANDS = (
    # weight, staff range, turnover range in EUR thousands
    (45, (1, 9), (80, 1900)),
    (30, (10, 49), (900, 9500)),
    (17, (50, 249), (7000, 48000)),
    (8, (250, 1500), (45000, 400000)),
)


def random_figures(rng: random.Random, *, financials_share: float = 0.8) -> GeneratedFigures:
    """Plausible yearly figures of a manufacturing company; some without financial figures."""
    r = rng.random() * 100
    for weight, (staff_lo, staff_hi), (turn_lo, turn_hi) in _SIZE_BANDS:
        r -= weight
        if r < 0:
            break
    staff = Decimal(rng.randint(staff_lo * 4, staff_hi * 4)) / 4  # quarter AWU steps
    if rng.random() >= financials_share:
        return GeneratedFigures(staff, None, None)
    turnover = Decimal(rng.randint(turn_lo, turn_hi) * 1000)
    balance = (turnover * Decimal(rng.randint(35, 90)) / 100).quantize(Decimal("1"))
    if rng.random() < 0.15:  # some only report the turnover
        balance = None
    return GeneratedFigures(staff, turnover, balance)


# --- postcodes in memory -----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    municipality_id: int
    municipality_key: str
    city: str
    partner_id: int
    partner_key: str
    first: int
    last: int


class RegionIndex:
    """The postcode ranges of the region in memory: lookups without a query per row."""

    def __init__(self, places: list[Place]) -> None:
        self.places = sorted(places, key=lambda p: p.first)
        self._starts = [p.first for p in self.places]
        self.by_key: dict[str, list[Place]] = {}
        for place in self.places:
            self.by_key.setdefault(place.municipality_key, []).append(place)

    @classmethod
    def load(cls) -> RegionIndex:
        places = [
            Place(
                municipality_id=r.municipality_id,
                municipality_key=r.municipality.key,
                city=r.municipality.name,
                partner_id=r.municipality.partner_id,
                partner_key=r.municipality.partner.key,
                first=int(r.first),
                last=int(r.last),
            )
            for r in PostcodeRange.objects.select_related("municipality__partner")
        ]
        return cls(places)

    def lookup(self, postcode: str) -> Place | None:
        """The place whose range holds the postcode: the same answer as municipality_for_postcode
        (the first matching range by its first postcode)."""
        if len(postcode) != 5 or not postcode.isdigit():
            return None
        value = int(postcode)
        for place in self.places[: bisect.bisect_right(self._starts, value)]:
            if value <= place.last:
                return place
        return None

    def random_postcode(self, rng: random.Random, municipality_key: str) -> tuple[str, Place]:
        ranges = self.by_key[municipality_key]
        place = ranges[0] if len(ranges) == 1 else rng.choice(ranges)
        return f"{rng.randint(place.first, place.last):05d}", place

    def municipality_table(self) -> tuple[list[str], list[float]]:
        keys = sorted(self.by_key)
        return weighted_table([(k, MUNICIPALITY_WEIGHTS.get(k, 1.0)) for k in keys])  # type: ignore[return-value]


# --- the demo companies ------------------------------------------------------------------------

DEMO_SEED = 2026
DEMO_COMPANY_COUNT = 60

DESCRIPTIONS: tuple[str, ...] = (
    "Familiengeführter Betrieb mit eigener Fertigung; beliefert Industriekunden in NRW und den Benelux-Ländern.",
    "Lohnfertigung in Klein- und Mittelserien, zertifiziert nach ISO 9001.",
    "Spezialisiert auf Sonderanfertigungen; plant eine Erweiterung der Produktionsfläche.",
    "Zulieferer für den Maschinen- und Anlagenbau mit eigener Konstruktion.",
    "Modernisiert derzeit den Maschinenpark und sucht Partner für die Digitalisierung der Fertigung.",
    "Bildet jedes Jahr aus und sucht Kontakt zu Hochschulen der Region.",
)
NOTES: tuple[str, ...] = (
    "Erstgespräch vor Ort geführt. Interesse an einer Energieberatung und an Förderprogrammen für Effizienzmaßnahmen.",
    "Telefonat: Das Unternehmen sucht eine Fläche zur Erweiterung (ca. 3.000 m²). Rückmeldung bis Monatsende zugesagt.",
    "Kontakt zur Hochschule für ein gemeinsames Projekt zur Kreislaufwirtschaft vermittelt.",
    "Teilnahme am Netzwerktreffen „Grüne Produktion“ bestätigt.",
    "Fachkräftebedarf in der Instandhaltung besprochen; Hinweis auf das regionale Ausbildungsnetzwerk gegeben.",
    "Unterlagen zum Förderprogramm Ressourceneffizienz übersandt.",
)


@dataclass
class CompanySpec:
    """One demo company as plain data (creating it is the command's business)."""

    data: dict[str, object]
    municipality_key: str | None
    partner_key: str | None
    topics: list[str]
    figures: list[tuple[int, GeneratedFigures]]
    contacts: list[tuple[dict[str, str], bool]]  # contact data, consents to being contacted
    network_sharing: bool
    newsletter: bool
    notes: list[str]


def company_name(rng: random.Random, last_name: Callable[[], str], trade: str, suffix: str) -> str:
    """A fictitious company name like "Becker Metallbau GmbH" or "Metallbau Becker & Lange KG"."""
    last = last_name()
    pattern = rng.random()
    if pattern < 0.6:
        return f"{last} {trade} {suffix}"
    if pattern < 0.85:
        return f"{trade} {last} {suffix}"
    return f"{last} & {last_name()} {trade} {suffix}"


def _vary(value: Decimal | None, rng: random.Random, step: Decimal) -> Decimal | None:
    if value is None:
        return None
    return max(step, (value * Decimal(rng.randint(88, 112)) / 100).quantize(step))


def demo_company_specs(region: RegionIndex, *, last_year: int, topic_keys: list[str], seed: int = DEMO_SEED,
                       count: int = DEMO_COMPANY_COUNT) -> list[CompanySpec]:  # fmt: skip
    """The demo companies: deterministic for a seed, spread over every municipality of the region,
    two of them outside the region."""
    from faker import Faker

    fake = Faker("de_DE")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    trades, trade_cum = weighted_table([((w, c), weight) for w, c, weight in TRADES])
    forms, form_cum = weighted_table([((f, s), weight) for f, s, weight in LEGAL_FORMS])
    keys, key_cum = region.municipality_table()
    outside = 2
    places: list[str | None] = sorted(region.by_key)  # one in every municipality first
    places += rng.choices(keys, cum_weights=key_cum, k=max(0, count - len(places) - outside))  # type: ignore[arg-type]
    places += [None] * outside
    register_numbers = rng.sample(range(1000, 99999), count)
    specs: list[CompanySpec] = []
    names: set[str] = set()
    for i, municipality_key in enumerate(places[:count]):
        (trade, sector), (legal_form, suffix) = (
            rng.choices(trades, cum_weights=trade_cum)[0],
            rng.choices(forms, cum_weights=form_cum)[0],
        )  # type: ignore[misc]
        while True:
            name = company_name(rng, fake.last_name, trade, suffix)
            if name not in names:
                names.add(name)
                break
        if municipality_key is None:
            postcode, city = OUTSIDE_REGION[i % len(OUTSIDE_REGION)]
            partner_key = None
        else:
            postcode, place = region.random_postcode(rng, municipality_key)
            city, partner_key = place.city, place.partner_key
        domain = f"{slug(name.removesuffix(suffix))}.example"
        has_register = legal_form not in (LegalForm.EK,) or rng.random() < 0.5
        data: dict[str, object] = {
            "name": name,
            "legal_form": legal_form,
            "register_court": f"Amtsgericht {REGISTER_COURTS.get(municipality_key or '', DEFAULT_REGISTER_COURT)}"
            if has_register and municipality_key
            else "",
            "register_number": f"{'HRA' if legal_form in (LegalForm.KG, LegalForm.EK) else 'HRB'} {register_numbers[i]}"
            if has_register and municipality_key
            else "",
            "street": f"{fake.street_name()} {rng.randint(1, 180)}",
            "postcode": postcode,
            "city": city,
            "sector_code": sector,
            "website": f"https://www.{domain}",
            "email": f"info@{domain}",
            "phone": fake.phone_number(),
            "description": rng.choice(DESCRIPTIONS),
        }
        base = random_figures(rng, financials_share=0.8)
        years = rng.choice((1, 2, 2, 3, 3))
        figures = []
        for year in range(last_year - years + 1, last_year + 1):
            figures.append(
                (year, GeneratedFigures(
                    _vary(base.staff_awu, rng, Decimal("0.25")),  # type: ignore[arg-type]
                    _vary(base.turnover, rng, Decimal("1000")),
                    _vary(base.balance_sheet_total, rng, Decimal("1000")),
                ))
            )  # fmt: skip
        if i % 9 == 4:
            figures = []  # not yet known: size class unknown
        contacts = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            female = rng.random() < 0.45
            first = fake.first_name_female() if female else fake.first_name_male()
            last_name = fake.last_name()
            contacts.append(
                (
                    {
                        "salutation": "Frau" if female else "Herr",
                        "first_name": first,
                        "last_name": last_name,
                        "function": rng.choice(FUNCTIONS),
                        "email": f"{slug(first).replace('-', '')}.{slug(last_name).replace('-', '')}@{domain}",
                        "phone": fake.phone_number(),
                    },
                    rng.random() < 0.5,
                )
            )
        specs.append(
            CompanySpec(
                data=data,
                municipality_key=municipality_key,
                partner_key=partner_key,
                topics=sorted(rng.sample(topic_keys, rng.choice((0, 1, 1, 2, 2, 3)))) if topic_keys else [],
                figures=figures,
                contacts=contacts,
                network_sharing=rng.random() < 0.3,
                newsletter=rng.random() < 0.25,
                notes=rng.sample(NOTES, rng.choice((1, 2))) if rng.random() < 0.3 else [],
            )
        )
    return specs
