"""Demo data of the connect module: company profiles for exchange and supply, needs and introductions.

Called by `seed_demo` after the companies, the competence map, the check results and the journey demo
exist. Everything goes through `kgp.connect.services` with a demo consultant of the company's agency as
the actor (the coordination outside the region), so the audit log, the cases (an introduction is an
activity of the company's case) and the company timelines read as if the consultants had entered it.

- About 25 companies get a profile (processes, materials and certifications by trade; fictitious
  German texts), most of them open to the exchange with other companies, many as regional suppliers.
- Ten hand-written needs, and up to three proposed from shared Transformations-Check results.
- Introductions in every state: waiting for both sides, waiting for the contacted side (among them
  one to `tud-foerder-lagerwesen`, which the demo login kompetenz@ maintains, so that login has an
  introduction to answer), both agreed, declined by either side, withdrawn; answers given by phone or
  e-mail are recorded by the consultant on the side's behalf.

Deterministic for one seed (apart from the timestamps of seeding). A second run adds nothing: a
company with a profile, a need with the same title for the same company and an introduction of a
need to the same contact are left as they are.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation

from kgp.accounts.models import Role, User
from kgp.assessment.models import CheckResult
from kgp.companies.demo import COMPANY_USER_EMAIL
from kgp.companies.models import Company, CompanyMembership, Contact
from kgp.competences.demo import MEMBER_PROFILE
from kgp.competences.models import CompetenceProfile, Kind, ProfileStatus
from kgp.journey.models import Case
from kgp.journey.queries import IDLE_DAYS

from . import needs as need_proposals
from . import search, services
from .models import CompanyProfile, Introduction, Need, NeedKind

PROFILE_COUNT = 25
CHECK_NEEDS = 3


@dataclass(frozen=True)
class Trade:
    """What a company of a trade typically does, uses and struggles with (hand-written, fictitious)."""

    processes: tuple[str, ...]
    materials: tuple[str, ...]
    capabilities: str
    challenges: str
    extra_certification: str = ""


METAL = Trade(
    ("Laserschneiden", "CNC-Fräsen", "Kanten", "MAG-Schweißen", "Baugruppenmontage"),
    ("Baustahl", "Edelstahl", "Aluminium"),
    "Zuschnitt, Biegen und Schweißen von Blech- und Rohrteilen in Einzelfertigung und Kleinserien; freie Kapazitäten "
    "in der Schweißerei und auf der Laseranlage in der Spätschicht.",
    "Die Energiekosten der Laseranlage und der Druckluft sind stark gestiegen; zugleich fehlen uns Schweißer und "
    "Zerspaner. Wir suchen Betriebe, die ähnliche Erfahrungen gemacht haben.",
)
TRADES: dict[str, Trade] = {
    "C25.11": Trade(
        ("Laserschneiden", "Brennschneiden", "MAG-Schweißen", "Sandstrahlen", "Montage"),
        ("Baustahl", "Feuerverzinkter Stahl"),
        "Stahlkonstruktionen, Bühnen und Hallentragwerke nach EN 1090 bis EXC 3; Schweißarbeiten auch als "
        "Lohnfertigung für andere Betriebe.",
        "Wir möchten die CO2-Bilanz unserer Stahlkonstruktionen ausweisen, weil Auftraggeber danach fragen, und "
        "suchen Erfahrungen mit grünem Stahl und Umweltproduktdeklarationen.",
        "EN 1090",
    ),
    "C25.61": Trade(
        ("Pulverbeschichtung", "Nasslackierung", "Strahlen", "Eloxieren"),
        ("Stahl", "Aluminium", "Verzinkter Stahl"),
        "Pulverbeschichtung von Teilen bis 6 m Länge in allen RAL-Farben, auch Kleinserien ab einem Stück; "
        "Vorbehandlung chromfrei.",
        "Der Einbrennofen der Pulverbeschichtung läuft mit Erdgas; wir prüfen Wärmepumpe und Abwärmenutzung und "
        "suchen Betriebe, die ihre Öfen schon umgestellt haben.",
    ),
    "C25.62": METAL,
    "C24.52": Trade(
        ("Sandguss", "Kokillenguss", "Kernherstellung", "Gussputzen"),
        ("Grauguss", "Sphäroguss", "Aluminiumguss"),
        "Gussteile von 1 bis 800 kg in kleinen und mittleren Serien, mit mechanischer Vorbearbeitung.",
        "Schmelzbetrieb und Trocknung der Kerne brauchen viel Energie; wir möchten Abwärme nutzen und den "
        "Altsand wieder aufbereiten.",
    ),
    "C22.29": Trade(
        ("Spritzgießen", "Extrusion", "Ultraschallschweißen", "Tampondruck"),
        ("PP", "PA6", "ABS", "Rezyklat"),
        "Spritzgussteile von 2 bis 900 g, Werkzeugbau im Haus, Montage kleiner Baugruppen.",
        "Kunden verlangen einen Anteil an Rezyklat; wir suchen sichere Bezugsquellen und Erfahrungen mit der "
        "Prozessstabilität beim Einsatz von Rezyklat.",
    ),
    "C28": Trade(
        ("CNC-Drehen", "CNC-Fräsen", "Schleifen", "Montage", "Inbetriebnahme"),
        ("Stahl", "Edelstahl", "Guss"),
        "Sondermaschinen und Vorrichtungen, Zerspanung von Einzelteilen und Kleinserien, Montage und "
        "Inbetriebnahme beim Kunden.",
        "Lange Lieferzeiten für Zukaufteile und Elektronik bremsen unsere Projekte; wir möchten mehr Teile in der "
        "Region beschaffen und unsere Maschinen digital vernetzen.",
    ),
    "C26": Trade(
        ("SMD-Bestückung", "THT-Löten", "Kabelkonfektion", "Prüfen"),
        ("Leiterplatten", "Kupferlitzen"),
        "Bestückung von Leiterplatten und Konfektion von Kabelsätzen in kleinen Serien, mit Funktionsprüfung.",
        "Engpässe bei elektronischen Bauteilen und der Fachkräftemangel in der Fertigung beschäftigen uns sehr.",
    ),
    "C27": Trade(
        ("Schaltschrankbau", "Kabelkonfektion", "Wickeln", "Prüfen"),
        ("Kupfer", "Stahlblech"),
        "Schaltschränke und Steuerungen nach Kundenplan, Verdrahtung und Prüfung nach VDE.",
        "Wir wollen den Energieverbrauch unserer Prüffelder senken und suchen Fachkräfte für die Verdrahtung.",
    ),
    "C16": Trade(
        ("CNC-Abbund", "Hobeln", "Verleimen", "Lackieren"),
        ("Fichte", "Eiche", "Holzwerkstoffe"),
        "Zuschnitt und Bearbeitung von Holz und Plattenwerkstoffen, Sonderanfertigungen.",
        "Späne und Reststücke fallen in großer Menge an; wir suchen eine bessere Verwertung als die Entsorgung.",
    ),
    "C17": Trade(
        ("Stanzen", "Kaschieren", "Kleben", "Bedrucken"),
        ("Wellpappe", "Karton", "Papier"),
        "Verpackungen aus Wellpappe und Karton nach Maß, auch Kleinauflagen mit Digitaldruck.",
        "Kunden wollen kunststofffreie Verpackungen; wir suchen Partner für Tests und Rücknahme.",
    ),
    "C18": Trade(
        ("Offsetdruck", "Digitaldruck", "Weiterverarbeitung"),
        ("Papier", "Recyclingpapier"),
        "Druck von Katalogen, Etiketten und Betriebsanleitungen, auch kurzfristig.",
        "Der Papierpreis schwankt stark; wir möchten unseren Energiebedarf für Trocknung und Druckluft senken.",
    ),
    "C23": Trade(
        ("Betonfertigteile", "Schalungsbau", "Bewehren"),
        ("Beton", "Recyclingbeton", "Betonstahl"),
        "Betonfertigteile und Sonderbauteile für Industrie- und Hallenbau.",
        "Wir möchten Zement einsparen und Recyclingbaustoffe einsetzen, ohne die Festigkeit zu gefährden.",
    ),
    "C10": Trade(
        ("Abfüllen", "Verpacken", "Kühlen"),
        ("Lebensmittel", "Glas", "Karton"),
        "Lohnabfüllung und Verpackung von Lebensmitteln in kleinen Chargen.",
        "Kälteanlagen und Dampferzeugung verursachen hohe Energiekosten; wir suchen Erfahrungen mit "
        "Wärmerückgewinnung aus der Kälte.",
    ),
    "C29": Trade(
        ("Stanzen", "Tiefziehen", "Roboterschweißen", "KTL-Beschichtung"),
        ("Feinblech", "Hochfester Stahl"),
        "Stanz- und Tiefziehteile sowie geschweißte Baugruppen für Fahrzeuge und Landmaschinen.",
        "Unsere Kunden verlangen CO2-Daten je Bauteil und eine stabile Lieferkette; wir suchen Austausch dazu.",
        "IATF 16949",
    ),
    "C31": Trade(
        ("CNC-Plattenbearbeitung", "Kantenbearbeitung", "Polstern", "Montage"),
        ("Holzwerkstoffe", "Massivholz", "Stahlrohr"),
        "Objektmöbel und Ladenbau in Einzelstücken und Kleinserien.",
        "Wir wollen Möbel reparierbar und wiederverwendbar gestalten und suchen Partner für die Rücknahme.",
    ),
    "C32": Trade(
        ("Feinmechanik", "Reinraummontage", "Laserbeschriften"),
        ("Titan", "Edelstahl", "Medizinische Kunststoffe"),
        "Feinmechanische Teile und Baugruppen für Medizinprodukte, Montage im Reinraum.",
        "Die Dokumentationspflichten steigen; wir suchen Betriebe, die ihre Qualitätsdaten schon digital führen.",
        "ISO 13485",
    ),
    "C33": Trade(
        ("Instandhaltung", "Retrofit", "Schweißen", "Montage"),
        ("Stahl", "Hydraulikkomponenten"),
        "Instandhaltung, Umbau und Verlagerung von Produktionsanlagen, auch im Schichtbetrieb und am Wochenende.",
        "Viele Kunden wollen alte Maschinen mit Sensorik nachrüsten; wir suchen Erfahrungen und Partner dafür.",
    ),
}
TRADES |= {
    "C23.19": Trade(
        ("Glaszuschnitt", "Schleifen", "Bohren", "Verkleben"),
        ("Flachglas", "Sicherheitsglas"),
        "Zuschnitt und Bearbeitung von Flach- und Sicherheitsglas für Maschinen- und Anlagenbau.",
        "Die Schmelz- und Härteöfen unserer Lieferanten werden teurer; wir suchen Austausch zu Energie und Recycling.",
    ),
    "C30": TRADES["C29"],
    "C11": TRADES["C10"],
    "C13": Trade(
        ("Weben", "Beschichten", "Konfektionieren"),
        ("Technische Textilien", "Polyester", "Glasfaser"),
        "Technische Textilien nach Maß, Beschichtung und Konfektion in kleinen Losgrößen.",
        "Wir möchten Produktionsreste wiederverwerten und suchen Partner für textile Kreisläufe.",
    ),
    "C20": Trade(
        ("Mischen", "Abfüllen", "Analytik"),
        ("Lacke", "Klebstoffe", "Reinigungsmittel"),
        "Lohnmischung und Abfüllung von technischen Flüssigkeiten, Analytik im eigenen Labor.",
        "Wir möchten fossile Rohstoffe ersetzen und Dampf effizienter erzeugen.",
    ),
    "M71": Trade(
        ("Konstruktion", "FEM-Berechnung", "Prüfplanung"),
        (),
        "Konstruktion, Berechnung und Dokumentation für Maschinen- und Anlagenbauer der Region.",
        "Unsere Kunden fragen nach Energie- und CO2-Bilanzen ihrer Anlagen; wir möchten dazu Erfahrungen austauschen.",
    ),
    "J62": Trade(
        ("Softwareentwicklung", "MES-Anbindung", "Datenanalyse"),
        (),
        "Software für Produktionsbetriebe: Anbindung von Maschinen, Auswertungen und Dashboards.",
        "Wir suchen Produktionsbetriebe, die ihre Maschinendaten gemeinsam mit uns nutzbar machen wollen.",
    ),
    "E38": Trade(
        ("Sortieren", "Zerkleinern", "Metallrückgewinnung"),
        ("Stahlschrott", "NE-Metalle", "Kunststoffabfälle"),
        "Abholung, Sortierung und Verwertung von Produktionsresten aus Metall und Kunststoff in der Region.",
        "Die Qualität der angelieferten Reststoffe schwankt; wir suchen Betriebe, die sortenrein sammeln möchten.",
    ),
    "H52": Trade(
        ("Lagerung", "Kommissionierung", "Verpackung", "Just-in-sequence-Belieferung"),
        (),
        "Lager- und Kommissionierflächen mit freien Kapazitäten, Belieferung von Produktionsbetrieben in der Region.",
        "Der Fahrermangel und steigende Energiekosten im Lager beschäftigen uns; wir suchen Austausch dazu.",
    ),
}
DEFAULT_TRADE = Trade(
    ("Montage", "Prüfen", "Verpacken"),
    ("Stahl", "Kunststoff"),
    "Montage- und Prüfarbeiten für Industriekunden in der Region.",
    "Wir suchen Wege, Energie zu sparen und neue Fachkräfte zu gewinnen.",
)


def trade_of(company: Company) -> Trade:
    code = company.sector_code or ""
    return TRADES.get(code) or TRADES.get(code[:3]) or DEFAULT_TRADE


@dataclass(frozen=True)
class NeedSpec:
    key: str
    kind: str
    title: str
    text: str
    topics: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    trades: tuple[str, ...] = ()  # words in the company name that make a good fit


NEED_SPECS: tuple[NeedSpec, ...] = (
    NeedSpec(
        "materialfluss", NeedKind.COMPETENCE, "Materialfluss in der Montage neu planen",
        "Unsere Montage ist über drei Hallen gewachsen; Gabelstapler fahren lange Wege, Teile warten vor den "
        "Arbeitsplätzen. Wir möchten den Materialfluss neu planen, fahrerlose Transportsysteme prüfen und die "
        "Varianten vorher simulieren, bevor wir umbauen.",
        ("supply_chain", "cooperation"), ("contract_research", "thesis"), ("Maschinenbau", "Anlagenbau"),
    ),
    NeedSpec(
        "maschinendaten", NeedKind.COMPETENCE, "Maschinendaten und Energieverbrauch an Altmaschinen erfassen",
        "Ein Teil unserer Produktionsanlagen ist zwischen 10 und 25 Jahre alt. Wir möchten Maschinendaten wie "
        "Laufzeiten, Stillstände und Stromverbrauch mit nachgerüsteter Sensorik erfassen (Retrofit), ohne die "
        "Steuerungen zu tauschen, und ein einfaches Energiemonitoring mit Dashboards aufbauen.",
        ("smart", "energy"), ("joint_project",), ("Maschinenbau", "Präzisionsteile"),
    ),
    NeedSpec(
        "abwaerme", NeedKind.COMPETENCE, "Abwärme der Kompressoren speichern und nutzen",
        "Drei Schraubenkompressoren geben ihre Abwärme über das Dach ab, während die Hallen mit Gas beheizt werden. "
        "Wir suchen Unterstützung bei der Frage, ob sich ein Wärmespeicher und die Einbindung in die Hallenheizung "
        "lohnen.",
        ("energy", "climate"), ("contract_research",), ("Metallverarbeitung", "Gießerei", "Metalltechnik"),
    ),
    NeedSpec(
        "prozesswaerme", NeedKind.COMPETENCE, "Prozesswärme ohne Erdgas",
        "Unser Trocknungsofen läuft mit Erdgas bei 180 °C. Wir möchten wissen, ob Wasserstoff, eine Hochtemperatur-"
        "Wärmepumpe oder ein elektrischer Ofen technisch und wirtschaftlich in Frage kommen.",
        ("energy", "climate"), ("contract_research", "joint_project"), ("Oberflächentechnik", "Gießerei"),
    ),
    NeedSpec(
        "schweissnaht", NeedKind.COMPETENCE, "Schweißnähte an hochfesten Stählen prüfen lassen",
        "Ein Kunde verlangt für neue Bauteile aus hochfestem Stahl eine Schweißnahtprüfung mit Härteprüfung und "
        "Metallographie sowie eine Schadensanalyse eines Musters, das im Dauerversuch gerissen ist. Wir suchen ein "
        "Labor für Werkstoffprüfung in der Nähe.",
        ("resilience", "cooperation"), ("contract_research",), ("Stahlbau", "Schweißtechnik", "Metallbau"),
    ),
    NeedSpec(
        "rezyklat", NeedKind.COMPETENCE, "Kunststoffreste und Rezyklat im Kreislauf führen",
        "Angüsse und Fehlteile gehen heute in die Entsorgung. Wir möchten sie mahlen und wieder einsetzen und "
        "zusätzlich Rezyklat zukaufen; dazu brauchen wir eine Stoffstromanalyse und Partner für die Rücknahme.",
        ("circular",), ("student_project", "thesis"), ("Kunststofftechnik", "Verpackung"),
    ),
    NeedSpec(
        "fachkraefte", NeedKind.COMPETENCE, "Ausbildung attraktiver machen und Fachkräfte halten",
        "Wir finden kaum noch Auszubildende für Zerspanung und Elektrotechnik, und erfahrene Kräfte wechseln zu "
        "großen Unternehmen. Wir suchen Unterstützung bei Arbeitgebermarke, Arbeitsmodellen und Ausbildung.",
        ("talent",), ("training",), ("Elektrotechnik", "Metalltechnik"),
    ),
    NeedSpec(
        "entgraten", NeedKind.COMPETENCE, "Entgraten mit einem Roboter automatisieren",
        "Das Entgraten von Gussteilen ist körperlich schwer und schwankt in der Qualität. Wir möchten prüfen, ob ein "
        "Roboter mit Bildverarbeitung und passendem Greifer die Teile handhaben und entgraten kann.",
        ("smart", "talent"), ("student_project", "lab_use"), ("Gießerei", "Fahrzeugteile"),
    ),
    NeedSpec(
        "energiekosten", NeedKind.PEER, "Erfahrungsaustausch zu Energiekosten und Lastspitzen",
        "Wir möchten uns mit Betrieben austauschen, die ihre Lastspitzen schon senken konnten: Lastmanagement, "
        "Abwärme, Druckluft, eigene Photovoltaik. Was hat sich gelohnt, was nicht?",
        ("energy",), (), ("Metallbau", "Stahlbau"),
    ),
    NeedSpec(
        "pulverbeschichtung", NeedKind.SUPPLIER, "Regionaler Pulverbeschichter für Kleinserien",
        "Wir suchen einen Betrieb in der Region, der Stahl- und Aluminiumteile bis 3 m Länge in kleinen Serien "
        "pulverbeschichtet, damit die Teile nicht mehr quer durch Deutschland gefahren werden.",
        ("supply_chain", "resilience"), (), ("Maschinenbau", "Metallbau"),
    ),
)

# (need key, target: competence profile external id, or "peer"/"supplier" for the best company match,
#  how it goes on). Steps: "company" / "target" agree, "company-" / "target-" decline, "withdraw".
INTRODUCTION_PLAN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("materialfluss", MEMBER_PROFILE, ("company",)),  # waiting for the competence holder (kompetenz@)
    ("maschinendaten", "digitalwerk-kamen", ()),  # waiting for both sides (the company login answers)
    ("abwaerme", "ieg-waermespeicher-wasserstoff", ("company", "target")),
    ("energiekosten", "peer", ("company", "target")),
    ("pulverbeschichtung", "supplier", ("company",)),
    ("schweissnaht", "werkstoffpruefung-schwerte", ("company", "target-")),
    ("fachkraefte", "srh-personal-organisation", ("company-",)),
    ("rezyklat", "iml-ressourcenlogistik", ("withdraw",)),
    ("prozesswaerme", "rub-energieanlagen", ()),
)
NOTES = {
    "company": "telefonisch zugestimmt",
    "target": "per E-Mail zugestimmt",
    "company-": "möchte das Thema erst im nächsten Jahr angehen",
    "target-": "derzeit keine Kapazitäten im Labor",
    "withdraw": "Das Unternehmen hat inzwischen einen Partner gefunden.",
}


@dataclass
class ConnectDemo:
    profiles: list[CompanyProfile] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)


def _actors(users: dict[str, User]) -> tuple[dict[int, User], User]:
    coordinator = next(u for u in users.values() if u.role == Role.COORDINATOR)
    by_org = {u.organisation_id: u for u in users.values() if u.role == Role.CONSULTANT and u.organisation_id}
    return by_org, coordinator


def _actor_for(company: Company, by_org: dict[int, User], coordinator: User) -> User:
    return by_org.get(company.responsible_partner_id or 0) or coordinator


def _certifications(company: Company, trade: Trade, rng: random.Random) -> list[str]:
    certs = ["ISO 9001"] if rng.random() < 0.8 else []
    if trade.extra_certification:
        certs.append(trade.extra_certification)
    if rng.random() < 0.35:
        certs.append("ISO 14001")
    if rng.random() < 0.3:
        certs.append("ISO 50001")
    return certs


def seed_profiles(companies: Sequence[Company], *, by_org: dict[int, User], coordinator: User, rng: random.Random) -> list[CompanyProfile]:
    """Profiles for up to PROFILE_COUNT companies of the region, by name; existing ones stay."""
    regional = sorted((c for c in companies if c.is_active and c.responsible_partner_id), key=lambda c: (c.name, c.pk))
    chosen = regional[::2][:PROFILE_COUNT]
    existing = set(CompanyProfile.objects.filter(company__in=chosen).values_list("company_id", flat=True))
    created = []
    for number, company in enumerate(chosen):
        trade = trade_of(company)
        # Drawn for every company on every run, so a second run sees the same values.
        processes = list(trade.processes[: rng.randint(2, len(trade.processes))])
        materials = list(trade.materials[: rng.randint(1, max(1, len(trade.materials)))])
        certifications = _certifications(company, trade, rng)
        peer = number % 5 != 3
        supplier = number % 3 != 2
        if company.pk in existing:
            continue
        created.append(services.company_profile_save(
            actor=_actor_for(company, by_org, coordinator), company=company, challenges=trade.challenges,
            capabilities=trade.capabilities, processes=processes, materials=materials, certifications=certifications,
            peer_exchange=peer, supplier=supplier,
        ))  # fmt: skip
    return created


def _pick(candidates: Sequence[Company], words: Iterable[str], used: set[int]) -> Company | None:
    words = tuple(words)
    for company in candidates:
        if company.pk not in used and any(w in company.name for w in words):
            return company
    return next((c for c in candidates if c.pk not in used), None)


def _member_company() -> Company | None:
    membership = (
        CompanyMembership.objects.filter(user__email=COMPANY_USER_EMAIL, status=CompanyMembership.Status.APPROVED)
        .select_related("company")
        .order_by("pk")
        .first()
    )
    return membership.company if membership and membership.company.is_active else None


def seed_needs(
    companies: Sequence[Company], *, by_org: dict[int, User], coordinator: User
) -> tuple[dict[str, Need], list[Need]]:
    """The hand-written needs (by key) and those proposed from shared check results; returns the needs
    of the plan (existing or new) and the ones created now."""
    # Companies whose case has gone quiet keep it quiet (the "my work" page of the demo lists them).
    quiet = set(
        Case.objects.filter(
            stage__is_closed=False, last_activity_on__lt=timezone.localdate() - dt.timedelta(days=IDLE_DAYS)
        ).values_list("company_id", flat=True)
    )
    candidates = sorted(
        (c for c in companies if c.is_active and c.responsible_partner_id and c.municipality_id and c.pk not in quiet),
        key=lambda c: (c.name, c.pk),
    )
    member = _member_company()
    used: set[int] = set()
    plan: dict[str, Need] = {}
    created: list[Need] = []
    for spec in NEED_SPECS:
        if spec.key in ("materialfluss", "maschinendaten") and member is not None:
            company: Company | None = member  # the company login sees these needs and their introductions
        else:
            company = _pick(candidates, spec.trades, used)
        if company is None:
            continue
        used.add(company.pk)
        need = Need.objects.filter(company=company, title=spec.title).first()
        if need is None:
            need = services.need_create(
                actor=_actor_for(company, by_org, coordinator), company=company, kind=spec.kind, title=spec.title,
                text=spec.text, topics=list(spec.topics), formats=list(spec.formats),
            )  # fmt: skip
            created.append(need)
        plan[spec.key] = need
    results = (
        CheckResult.objects.filter(
            shared_with_agency=True, completed_at__isnull=False, company__is_active=True,
            company__responsible_partner__isnull=False,
        )
        .select_related("company", "questionnaire")
        .order_by("company__name", "pk")
    )  # fmt: skip
    done = 0
    for result in results:
        if done >= CHECK_NEEDS:
            break
        if result.company_id in used:
            continue
        proposal = need_proposals.propose(result)
        if proposal is None:
            continue
        used.add(result.company_id)
        done += 1
        if Need.objects.filter(check_result=result).exists():
            continue
        created.append(services.need_create(
            actor=_actor_for(result.company, by_org, coordinator), company=result.company, kind=NeedKind.COMPETENCE,
            title=proposal.title, text=proposal.text, topics=proposal.topics, check_result=result,
        ))  # fmt: skip
    return plan, created


def _text(need: Need) -> str:
    return f"{need.title}\n{need.text}"


def _position(need: Need) -> dict[str, float | None]:
    muni = need.municipality
    return {"lat": float(muni.lat), "lon": float(muni.lon)} if muni else {"lat": None, "lon": None}


def _company_target(need: Need, supplier: bool) -> tuple[Company | None, list[dict]]:
    visible = search.opted_in(Company.objects.filter(is_active=True), supplier=supplier)
    matches = search.match_companies(
        _text(need), visible=visible, supplier=supplier, topics=need.topics, limit=5, exclude=[need.company_id], **_position(need)
    )
    for match in matches:
        company = Company.objects.filter(pk=int(match.id), is_active=True).first()
        if company is not None:
            return company, match.reasons
    return None, []


def _profile_reasons(need: Need, external_id: str) -> list[dict]:
    matches = search.match_profiles(
        _text(need), formats=need.formats, topics=need.topics, limit=search.MAX_LIMIT, kinds=Kind.values, **_position(need)
    )
    return next((m.reasons for m in matches if m.id == external_id), [])


def _company_person(company: Company) -> dict[str, str] | None:
    contact = Contact.objects.filter(company=company).exclude(email="").order_by("last_name", "first_name", "id").first()
    if contact is None:
        return None
    return {"name": str(contact), "function": contact.function, "email": contact.email, "phone": contact.phone}


def _target_person(intro: Introduction) -> dict[str, str] | None:
    if intro.profile_id:
        contact = intro.profile.contacts.exclude(email="").order_by("pk").first()
        if contact is None:
            return None
        return {"name": contact.name, "function": contact.role, "email": contact.email, "phone": contact.phone}
    return _company_person(intro.target_company)  # type: ignore[arg-type]


def seed_introductions(plan: dict[str, Need], *, by_org: dict[int, User], coordinator: User) -> list[Introduction]:
    created: list[Introduction] = []
    for key, target, steps in INTRODUCTION_PLAN:
        need = plan.get(key)
        if need is None:
            continue
        actor = _actor_for(need.company, by_org, coordinator)
        profile = target_company = None
        if target in ("peer", "supplier"):
            if Introduction.objects.filter(need=need).exists():
                continue
            target_company, reasons = _company_target(need, supplier=target == "supplier")
            if target_company is None:
                continue
        else:
            profile = CompetenceProfile.objects.filter(external_id=target, status=ProfileStatus.PUBLISHED).first()
            if profile is None or Introduction.objects.filter(need=need, profile=profile).exists():
                continue
            reasons = _profile_reasons(need, target)
        name = profile.name if profile else target_company.name  # type: ignore[union-attr]
        intro = services.introduction_propose(
            actor=actor, company=need.company, profile=profile, target_company=target_company, need=need,
            message=f"{need.company.name} sucht Unterstützung bei „{need.title}“. {name} passt nach unserer Einschätzung "
            "gut dazu; wir würden den Kontakt gern herstellen.",
            reasons=reasons, company_person=_company_person(need.company),
        )  # fmt: skip
        for step in steps:
            if step == "withdraw":
                intro = services.introduction_withdraw(actor=actor, introduction=intro, note=NOTES[step])
                continue
            side = "company" if step.startswith("company") else "target"
            accept = not step.endswith("-")
            person = (_company_person(intro.company) if side == "company" else _target_person(intro)) if accept else None
            if accept and person is None:
                break  # nobody to name: the side is left to answer in the portal
            intro = services.introduction_decide(
                actor=actor, introduction=intro, side=side, accept=accept, person=person, note=NOTES[step], on_behalf=True
            )
        created.append(intro)
    return created


def seed_connect(*, companies: Sequence[Company], users: dict[str, User], rng_seed: int = 2026) -> ConnectDemo:
    """Company profiles, needs and introductions of the demo (see the module docstring)."""
    rng = random.Random(rng_seed)
    by_org, coordinator = _actors(users)
    demo = ConnectDemo()
    # Texts the services write (an activity's subject, a need proposed from a check) in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        demo.profiles = seed_profiles(companies, by_org=by_org, coordinator=coordinator, rng=rng)
        plan, demo.needs = seed_needs(companies, by_org=by_org, coordinator=coordinator)
        demo.introductions = seed_introductions(plan, by_org=by_org, coordinator=coordinator)
    return demo
