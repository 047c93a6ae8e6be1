"""Demo events: thirteen events of every kind and module over the past and the coming weeks, with
registrations, a waiting list, check-ins, no-shows and feedback.

- Past events (five): information evening, peer round, company visit, webinar and matchmaking day,
  with participants of the demo companies who attended or did not come, and their feedback.
- Coming events (eight): a workshop that is fully booked, with a waiting list and a seat offered to
  the first on it; an online webinar with its video link; an information event with a co-organising
  institute; a peer round with extra questions and a limit per company; an event whose registration
  opens next week; a transfer event; a cancelled matchmaking day (with the reason); a draft.

Everything that the services allow goes through them (validation, locking, audit log, the e-mails
after the commit, to addresses at the demo domain only). The services refuse registrations for an
event that is over, and freezing the clock is not possible in a seed, so a past event is created for
a day in the coming weeks, its registrations are made through the services, and then its dates are
moved to the past with a queryset update. Check-ins, no-shows and feedback then go through the
services again (they only need the event to have started). Afterwards the timestamps the services
set to "now" — registrations, their history, check-in times, feedback, the audit entries — are set
back to plausible times around the event with queryset updates, so the company timelines read right.

Participants are fictitious (Faker, de_DE, seeded) and linked to the demo companies; the demo
company login takes part in one past and two coming events. `seed_events` does nothing when any event
exists already; for one seed it is deterministic apart from the timestamps of seeding.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Offer
from kgp.companies.demo import COMPANY_USER_EMAIL, DEMO_DOMAIN, consultant_email, slug
from kgp.companies.models import Company, CompanyMembership, Topic
from kgp.competences.models import CompetenceProfile
from kgp.core.models import AuditLogEntry
from kgp.organisations.models import Municipality, Organisation

from . import services
from .models import Event, EventStatus, Feedback, Registration, RegistrationChange, RegistrationStatus

S = RegistrationStatus

FUNCTIONS = (
    "Geschäftsführung", "Technische Leitung", "Produktionsleitung", "Energiebeauftragte", "Energiebeauftragter",
    "Einkauf", "Nachhaltigkeitsmanagement", "Instandhaltung", "Qualitätsmanagement", "Personalleitung",
)  # fmt: skip
COMMENTS = (
    "Sehr praxisnah, die Beispiele aus der Region haben mir am meisten gebracht.",
    "Gern beim nächsten Mal mehr Zeit für den Austausch untereinander.",
    "Gute Mischung aus kurzem Vortrag und offener Diskussion.",
    "Die Unterlagen hätte ich gern schon vorab gehabt.",
    "Der Rundgang durch die Fertigung war das Beste am Tag.",
    "Hilfreich, um die passenden Förderprogramme einzuordnen.",
    "Etwas zu viel Theorie für unseren kleinen Betrieb.",
    "",
    "",
)
RATINGS = (5, 5, 5, 4, 4, 4, 4, 3, 3, 2)
ONLINE_LINK = "https://video.demo.kompetenzregion.de/raum/"


@dataclass(frozen=True)
class Spec:
    key: str  # for the online link and the tests
    title: str
    kind: str
    module: str
    organisers: tuple[str, ...]
    day: int  # days from today (negative: past); moved to the next working day
    hour: int
    hours: float
    summary: str
    description: str
    topics: tuple[str, ...] = ()
    venue: str = ""
    address: str = ""
    city: str = ""
    online: bool = False
    capacity: int = 30
    participants: int = 0  # registrations made by staff (the waiting list beyond the capacity)
    attended: float = 0.8  # past events: the share that came
    feedback: float = 0.6  # past events: the share of those who came that answered the survey
    max_per_company: int | None = None
    target_group: str = ""
    offer: str = ""  # offer slug
    co_organiser: str = ""  # competence profile external_id
    questions: tuple[dict[str, Any], ...] = ()
    status: str = EventStatus.PUBLISHED
    cancel_reason: str = ""
    opens_in_days: int | None = None
    free_one_seat: bool = False  # cancel one registration, so the first on the waiting list gets an offer
    company_user: bool = False  # the demo company login registers itself


SPECS: tuple[Spec, ...] = (
    # --- past ----------------------------------------------------------------------------------
    Spec(
        "abwaerme-praxisabend", "Abwärme nutzen: Praxisabend zu Druckluft und Öfen", "information", "inform",
        ("dortmund",), -36, 17, 2.5,
        "Drei Betriebe aus der Region zeigen, wie sie Abwärme aus Kompressoren und Öfen wieder einsetzen.",
        "Kurze Impulse aus der Praxis, danach Zeit für Fragen an die Betriebe und an die Energieberatung.\n\n"
        "Im Anschluss gibt es einen kleinen Imbiss und Gelegenheit zum Austausch.",
        topics=("energy", "climate"), venue="Technologiezentrum Dortmund, Saal 2", address="Emil-Figge-Straße 76, 44227 Dortmund",
        city="Dortmund", capacity=40, participants=16, attended=0.75, target_group="Produzierende KMU mit Wärmeprozessen",
        offer="machbarkeitsstudie-abwaermenutzung", company_user=True,
    ),
    Spec(
        "matchmaking-hochschule", "Hochschule trifft Mittelstand: Matchmaking Produktion und Logistik", "matchmaking",
        "connect", ("dortmund", "bochum"), -43, 13, 4,
        "Kurze Gespräche zwischen Betrieben und Lehrstühlen: Wer kann bei welcher Frage weiterhelfen?",
        "Die Lehrstühle stellen sich in je drei Minuten vor. Danach vereinbaren Sie Gespräche an Thementischen.",
        topics=("cooperation", "smart"), venue="Ruhr-Universität Bochum, Veranstaltungszentrum",
        address="Universitätsstraße 150, 44801 Bochum", city="Bochum", capacity=30, participants=14, attended=0.85,
        co_organiser="rub-produktionssysteme", offer="matchmaking-tu-dortmund-produktion-und-logistik",
    ),
    Spec(
        "peer-energiemanagement", "Erfahrungsaustausch Energiemanagement", "peer_round", "connect", ("hamm", "unna"),
        -22, 9, 3,
        "Energiebeauftragte aus Betrieben tauschen sich zu Messkonzepten und Kennzahlen aus.",
        "Vertraulicher Kreis ohne Vorträge: Jede Runde beginnt mit einer Frage aus einem der Betriebe.",
        topics=("energy",), venue="Wirtschaftsförderung Hamm, Besprechungsraum 1", address="Bahnhofstraße 1, 59065 Hamm",
        city="Hamm", capacity=12, participants=9, attended=0.9, max_per_company=1, offer="peer-group-energiemanagement",
    ),
    Spec(
        "betriebsbesuch-schwerte", "Betriebsbesuch: Energieautarke Fertigung in Schwerte", "company_visit", "inform",
        ("unna",), -15, 10, 3,
        "Ein Metallbetrieb zeigt seine Photovoltaik, den Batteriespeicher und die Lastspitzenkappung.",
        "Rundgang in zwei Gruppen, festes Schuhwerk erforderlich. Anschließend Fragerunde mit der Geschäftsführung.",
        topics=("energy", "resilience"), venue="Besuchsbetrieb im Gewerbegebiet Schwerte-Ost", address="Am Gewerbepark 8, 58239 Schwerte",
        city="Schwerte", capacity=20, participants=12, attended=0.8, offer="unternehmensbesuch-energieautarke-fertigung",
    ),
    Spec(
        "webinar-co2-bilanz", "Webinar: Die erste CO₂-Bilanz in 90 Minuten", "webinar", "inform", ("bochum",), -9, 10, 1.5,
        "Welche Daten Sie brauchen, welche Werkzeuge es gibt und wie Kunden die Zahlen lesen.",
        "Das Webinar richtet sich an Betriebe, die noch keine Bilanz erstellt haben. Die Folien erhalten Sie im Anschluss.",
        topics=("climate",), online=True, capacity=100, participants=22, attended=0.7, offer="leitfaden-co2-bilanz-fuer-kmu",
    ),
    # --- coming --------------------------------------------------------------------------------
    Spec(
        "digitaler-zwilling", "Workshop: Digitaler Zwilling für Einsteiger", "workshop", "coach", ("hagen",), 12, 9, 6,
        "Ein Tag zum Ausprobieren: Vom Maschinenmodell zur ersten Simulation Ihrer Linie.",
        "Sie arbeiten in Zweiergruppen an Beispieldaten; Laptops werden gestellt. Die Plätze sind begrenzt.",
        topics=("smart",), venue="Labor für Mechatronik und Robotik", address="Haldener Straße 182, 58095 Hagen",
        city="Hagen", capacity=8, participants=11, max_per_company=2, offer="workshop-digitaler-zwilling-fuer-einsteiger",
        co_organiser="fhswf-mechatronik-robotik", free_one_seat=True,
        questions=({"label": "Vorkenntnisse in Simulation", "kind": "choice", "choices": ["keine", "einige", "gute"], "required": True},),
    ),
    Spec(
        "foerderprogramme-online", "Online-Seminar: Förderprogramme für die grüne Transformation", "webinar", "inform",
        ("dortmund", "bochum", "hagen", "hamm", "unna"), 6, 10, 1.5,
        "Ein Überblick über Zuschüsse und Kredite für Energie-, Klima- und Digitalisierungsprojekte.",
        "Die Wirtschaftsförderungen stellen die wichtigsten Programme vor und beantworten Ihre Fragen im Chat.",
        topics=("funding", "climate"), online=True, capacity=150, participants=18,
        offer="infoveranstaltung-foerderprogramme-gruene-transformation", company_user=True,
    ),
    Spec(
        "wasserstoff", "Wasserstoff in der Produktion: Was geht heute schon?", "information", "inform", ("bochum",), 20, 16, 2,
        "Forschung und Betriebe berichten über Wasserstoff als Prozesswärme und Speicher.",
        "Mit einem Blick in das Wärmespeicher-Labor und einer Diskussion zu Kosten und Verfügbarkeit.",
        topics=("energy", "climate", "cooperation"), venue="Fraunhofer IEG, Foyer", address="Am Hochschulcampus 1, 44801 Bochum",
        city="Bochum", capacity=45, participants=14, co_organiser="ieg-waermespeicher-wasserstoff",
        offer="workshop-wasserstoff-in-der-produktion", company_user=True,
    ),
    Spec(
        "peer-kreislauf", "Peer-Runde Kreislaufwirtschaft im Maschinenbau", "peer_round", "connect", ("unna",), 27, 14, 3,
        "Betriebe tauschen Erfahrungen mit Rücknahme, Wiederaufbereitung und Rezyklaten aus.",
        "Jeder Betrieb bringt eine konkrete Frage mit. Die Runde ist vertraulich.",
        topics=("circular",), venue="Transferzentrum Kreislaufwirtschaft", address="Friedrich-Ebert-Straße 17, 59425 Unna",
        city="Unna", capacity=14, participants=6, max_per_company=2, offer="unternehmensnetzwerk-kreislaufwirtschaft",
        questions=(
            {"label": "Ihr Thema für die Runde", "kind": "text"},
            {"label": "Mittagessen", "kind": "choice", "choices": ["mit Fleisch", "vegetarisch", "kein Essen"]},
            {"label": "Einverstanden mit einem Foto für die Website", "kind": "yes_no"},
        ),
    ),
    Spec(
        "fachkraefte", "Fachkräfte sichern: Arbeitgeberattraktivität im Mittelstand", "information", "inform", ("hamm",), 34, 17, 2,
        "Was kleine Betriebe tun können, um Auszubildende und Fachkräfte zu gewinnen und zu halten.",
        "Mit Beispielen aus Betrieben der Region und einer Übersicht über Beratungsangebote.",
        topics=("talent",), venue="Hochschule Hamm-Lippstadt, Hörsaal 1", address="Marker Allee 76–78, 59063 Hamm",
        city="Hamm", capacity=60, opens_in_days=7, offer="infoabend-fachkraefte-sichern",
    ),
    Spec(
        "ki-qualitaet", "Transferprojekt KI in der Qualitätsprüfung: Ergebnisse", "information", "transfer", ("dortmund",), 16, 15, 2,
        "Ein Betrieb und ein Labor stellen vor, was ihr gemeinsames Projekt zur Bildprüfung gebracht hat.",
        "Von der Idee über den Prototyp bis zur Entscheidung, die Prüfung in der Serie einzusetzen.",
        topics=("smart", "cooperation"), venue="Fachhochschule Dortmund, Raum A.1.12", address="Sonnenstraße 96, 44139 Dortmund",
        city="Dortmund", capacity=35, participants=8, co_organiser="fhdo-angewandte-ki", offer="transferprojekt-ki-qualitaetspruefung",
    ),
    Spec(
        "lieferantenboerse", "Regionale Lieferantenbörse Westfalen", "matchmaking", "connect", ("dortmund", "unna"), 24, 10, 5,
        "Einkauf trifft Zulieferer aus der Region: kurze Gespräche nach vorheriger Anmeldung.",
        "Sie geben bei der Anmeldung an, was Sie suchen oder anbieten; wir stellen die Gesprächspläne zusammen.",
        topics=("supply_chain",), venue="Kulturzentrum Lünen", address="Kurt-Schumacher-Straße 41, 44532 Lünen", city="Lünen",
        capacity=50, participants=5, offer="regionale-lieferantenboerse-westfalen",
        cancel_reason="Der Veranstaltungsort steht an diesem Tag nicht zur Verfügung. Ein neuer Termin folgt.",
    ),
    Spec(
        "resilienz-workshop", "Workshop: Resilienz in der vernetzten Fabrik", "workshop", "coach", ("hagen",), 45, 9, 4,
        "Störungen in Lieferkette und IT durchspielen und die eigenen Schwachstellen finden.",
        "Entwurf: Ablauf und Referierende werden noch abgestimmt.",
        topics=("resilience", "smart"), venue="Wirtschaftsförderung Hagen", address="Körnerstraße 25, 58095 Hagen", city="Hagen",
        capacity=16, status=EventStatus.DRAFT,
    ),
)


@dataclass
class EventDemo:
    events: list[Event] = field(default_factory=list)
    registrations: int = 0
    feedback: int = 0


def _working_day(day: dt.date) -> dt.date:
    """Tuesday to Thursday: the next such day on or after `day`."""
    while day.weekday() not in (1, 2, 3):
        day += dt.timedelta(days=1)
    return day


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _staff(keys: Sequence[str]) -> User | None:
    """The demo consultant of the first organising agency, else the coordination."""
    for key in keys:
        user = User.objects.filter(email=consultant_email(key), is_active=True).first()
        if user is not None:
            return user
    return User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("pk").first()


class _People:
    """Fictitious participants: name, function, an address at the demo domain."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        self.fake = Faker("de_DE")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.n = 0

    def person(self) -> dict[str, str]:
        self.n += 1
        first, last = self.fake.first_name(), self.fake.last_name()
        local = f"{slug(first)}.{slug(last)}".replace("-", "") or "teilnahme"
        return {
            "first_name": first, "last_name": last, "function": self.rng.choice(FUNCTIONS),
            "email": f"{local}.{self.n}@{DEMO_DOMAIN}",
        }  # fmt: skip


def _event_data(spec: Spec, starts_at: dt.datetime, refs: dict[str, Any]) -> dict[str, Any]:
    municipality = Municipality.objects.filter(name=spec.city).first() if spec.city else None
    data: dict[str, Any] = {
        "title": spec.title, "kind": spec.kind, "module": spec.module, "summary": spec.summary,
        "description": spec.description, "starts_at": starts_at, "ends_at": starts_at + dt.timedelta(hours=spec.hours),
        "online": spec.online, "venue": spec.venue, "address": spec.address, "municipality": municipality,
        "online_url": f"{ONLINE_LINK}{spec.key}" if spec.online else "", "capacity": spec.capacity,
        "max_per_company": spec.max_per_company, "target_group": spec.target_group or "Kleine und mittlere Unternehmen",
        "offer": refs["offers"].get(spec.offer), "co_organiser": refs["profiles"].get(spec.co_organiser),
        "questions": [dict(q) for q in spec.questions],
        "status": EventStatus.DRAFT if spec.status == EventStatus.DRAFT else EventStatus.PUBLISHED,
    }  # fmt: skip
    if spec.opens_in_days is not None:
        data["registration_opens_at"] = _local(timezone.localdate() + dt.timedelta(days=spec.opens_in_days), 9)
    return data


def _answers(spec: Spec, rng: random.Random) -> dict[str, str]:
    answers = {}
    for number, question in enumerate(spec.questions, start=1):
        if question["kind"] == "choice":
            answers[f"q{number}"] = rng.choice(question["choices"])
        elif question["kind"] == "yes_no":
            answers[f"q{number}"] = rng.choice(("yes", "yes", "no"))
        elif rng.random() < 0.7:
            answers[f"q{number}"] = rng.choice(("Rücknahme von Altgeräten", "Rezyklat im Spritzguss", "Aufbereitung von Werkzeugen"))
    return answers


def _register(
    spec: Spec, event: Event, actor: User, companies: list[Company], people: _People, member: tuple[User, Company] | None
) -> list[Registration]:
    rng = people.rng
    registrations: list[Registration] = []
    if spec.company_user and member is not None:
        user, company = member
        registrations.append(
            services.registration_create(
                event=event, email=user.email, first_name=user.first_name or "Clara", last_name=user.last_name or "Engel",
                company_name=company.name, function="Geschäftsführung", user=user, company=company,
                answers=_answers(spec, rng),
            )  # fmt: skip
        )
    per_company = spec.max_per_company or 3
    pool = [c for c in companies if member is None or c.pk != member[1].pk]
    rng.shuffle(pool)
    used: dict[int, int] = {}
    for n in range(spec.participants):
        person = people.person()
        company = None
        if pool and rng.random() < 0.8:  # most participants come from companies the agencies know
            company = pool[n % len(pool)]
            if used.get(company.pk, 0) >= per_company:
                company = None
        company_name = company.name if company else people.fake.company()
        registration = services.registration_create(
            event=event, actor=actor, company=company, company_name=company_name, answers=_answers(spec, rng), **person
        )
        if company is not None and registration.company_id == company.pk:
            used[company.pk] = used.get(company.pk, 0) + 1
        registrations.append(registration)
    return registrations


def _back_date_registrations(event: Event, registrations: Iterable[Registration], rng: random.Random) -> None:
    """Registration times before the event, instead of the time of seeding (history and audit entries
    too): in the order of registration, within the last four weeks and at least a day before the event."""
    registrations = list(registrations)
    latest = min(event.starts_at - dt.timedelta(days=1), timezone.now() - dt.timedelta(hours=1))
    earliest = min(event.starts_at - dt.timedelta(days=24), latest - dt.timedelta(days=3))
    span = int((latest - earliest).total_seconds() // 60)
    minutes = sorted(rng.randint(0, span) for _ in registrations)
    for registration, offset in zip(registrations, minutes, strict=True):
        created = earliest + dt.timedelta(minutes=offset)
        Registration.objects.filter(pk=registration.pk).update(created_at=created, confirmed_at=created)
        RegistrationChange.objects.filter(
            registration=registration, to_status__in=(S.PENDING, S.REGISTERED, S.WAITLISTED)
        ).update(at=created)
        AuditLogEntry.objects.filter(
            object_type="events.registration", object_id=str(registration.pk), action="create"
        ).update(created_at=created)


def _hold_in_the_past(spec: Spec, event: Event, actor: User, registrations: list[Registration], rng: random.Random) -> int:
    """Move the event to its day in the past, check people in, mark the rest as not attended, collect
    feedback; then set the timestamps back to the day. Returns the number of feedback answers."""
    starts_at = _local(_working_day(timezone.localdate() + dt.timedelta(days=spec.day)), spec.hour)
    if starts_at + dt.timedelta(hours=spec.hours) >= timezone.now():
        starts_at -= dt.timedelta(days=7)
    ends_at = starts_at + dt.timedelta(hours=spec.hours)
    Event.objects.filter(pk=event.pk).update(starts_at=starts_at, ends_at=ends_at, reminders_sent_at=starts_at - dt.timedelta(hours=24))
    event.refresh_from_db()
    _back_date_registrations(event, registrations, rng)
    came = [r for r in registrations if rng.random() < spec.attended] or registrations[:1]
    for registration in came:
        services.check_in(actor=actor, registration=registration)
    services.mark_no_shows(actor=actor, event=event)
    answered = 0
    for registration in came:
        if rng.random() < spec.feedback:
            services.feedback_submit(registration=registration, rating=rng.choice(RATINGS), comment=rng.choice(COMMENTS))
            answered += 1
    # The timestamps of the day: check-in at the door, no-shows at the end, the survey the day after.
    for registration in came:
        at = starts_at - dt.timedelta(minutes=rng.randint(-10, 25))
        Registration.objects.filter(pk=registration.pk).update(
            checked_in_at=at, reminder_sent_at=starts_at - dt.timedelta(hours=24), feedback_requested_at=ends_at + dt.timedelta(hours=2)
        )
        RegistrationChange.objects.filter(registration=registration, to_status=S.ATTENDED).update(at=at)
        AuditLogEntry.objects.filter(
            object_type="events.registration", object_id=str(registration.pk), action="update"
        ).update(created_at=at)
        Feedback.objects.filter(registration=registration).update(created_at=ends_at + dt.timedelta(days=1, hours=rng.randint(0, 30)))
    RegistrationChange.objects.filter(registration__event=event, to_status=S.NO_SHOW).update(at=ends_at)
    Registration.objects.filter(event=event, status=S.NO_SHOW).update(reminder_sent_at=starts_at - dt.timedelta(hours=24))
    AuditLogEntry.objects.filter(object_type="events.event", object_id=str(event.pk)).filter(
        Q(action="create") | Q(changes__has_key="status")
    ).update(created_at=starts_at - dt.timedelta(days=30))
    AuditLogEntry.objects.filter(object_type="events.event", object_id=str(event.pk), changes__has_key="no_shows").update(
        created_at=ends_at
    )
    return answered


def seed_events(*, companies: Iterable[Company] = (), rng_seed: int = 0) -> EventDemo:
    """The demo events (see the module docstring). Does nothing when any event exists already."""
    result = EventDemo()
    if Event.objects.exists():
        return result
    rng = random.Random(rng_seed)
    people = _People(rng_seed)
    people.rng = rng
    companies = list(companies) or list(Company.objects.filter(is_active=True).order_by("pk"))
    organisations = {o.key: o for o in Organisation.objects.all()}
    topics = {t.key: t for t in Topic.objects.all()}
    refs = {
        "offers": {o.slug: o for o in Offer.objects.filter(slug__in=[s.offer for s in SPECS if s.offer])},
        "profiles": {
            p.external_id: p for p in CompetenceProfile.objects.filter(external_id__in=[s.co_organiser for s in SPECS if s.co_organiser])
        },
    }
    member = None
    company_user = User.objects.filter(email=COMPANY_USER_EMAIL, role=Role.COMPANY, is_active=True).first()
    if company_user is not None:
        membership = (
            CompanyMembership.objects.filter(user=company_user, status=CompanyMembership.Status.APPROVED, company__is_active=True)
            .select_related("company")
            .order_by("pk")
            .first()
        )
        member = (company_user, membership.company) if membership else None
    today = timezone.localdate()
    for spec in SPECS:
        actor = _staff(spec.organisers)
        if actor is None:
            continue
        past = spec.day < 0
        # A past event starts in the coming weeks until its registrations are made (see the docstring).
        day = _working_day(today + dt.timedelta(days=abs(spec.day) + 21 if past else spec.day))
        starts_at = _local(day, spec.hour)
        event = services.event_create(
            actor=actor,
            data=_event_data(spec, starts_at, refs),
            organisations=[organisations[k] for k in spec.organisers if k in organisations],
            topics=[topics[k] for k in spec.topics if k in topics],
        )
        registrations: list[Registration] = []
        if event.status == EventStatus.PUBLISHED:
            registrations = _register(spec, event, actor, companies, people, member)
            if not past:
                _back_date_registrations(event, registrations, rng)
                if spec.free_one_seat:
                    seated = [r for r in registrations if r.status == S.REGISTERED]
                    if seated:
                        services.registration_cancel(
                            registration=seated[-1], actor=actor, reason="Hat telefonisch abgesagt (Krankheit im Team)."
                        )
            else:
                result.feedback += _hold_in_the_past(spec, event, actor, registrations, rng)
            if spec.cancel_reason:
                event = services.event_set_status(
                    actor=actor, event=event, status=EventStatus.CANCELLED, reason=spec.cancel_reason
                )
        event.refresh_from_db()
        result.events.append(event)
        result.registrations += len(registrations)
    return result
