"""Demo cases: the journey of about forty fictitious companies through every stage, with typed
activities, de-minimis coaching, tasks and a few cases that have gone quiet.

Called by `seed_demo` after the companies, offers, requests and the de-minimis demo exist. Every case,
activity, stage change and task is recorded through the services (audit log, timeline, de-minimis
grant with its certificate number). What the services cannot know is *when* it happened: they stamp
"now". So, right after each service call, the dates are set back to the day the step took place
(`Case.opened_at`, `StageChange.changed_at`, `Case.closed_at`, `Activity.created_at`,
`Task.created_at`/`done_at`, and `Case.last_activity_on`, which only ever moves forward in the
service). The audit entries keep the time of seeding: that is when they were recorded.

Per agency the consultant gets one case in every stage where companies suffice, a case waiting for
its initial consultation (a booking in the next weeks, see `appointments/demo.py`), cases without an
activity for more than 60 days, overdue tasks, tasks due this week and done tasks. Cases are opened
from the requests that are already being handled (the new ones stay new for the "my work" page).

People and companies are fictitious; texts are hand-written. Deterministic for one seed, apart from
the timestamps of seeding.
"""

from __future__ import annotations

import datetime as dt
import random
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Offer
from kgp.companies.models import Company, CompanyMembership
from kgp.core.errors import ServiceError
from kgp.requests.models import Request, RequestStatus

from . import services
from .models import Activity, ActivityKind, Case, CoachKind, Stage, StageChange, Task

STAGE_ORDER = ("first_contact", "initial_consultation", "support", "connecting", "exchange", "transfer", "closed")

# The cases of each agency, most important first (agencies with few companies get the first ones):
# (stage, idle). The first two give every consultant a task due this week and an overdue one.
CASE_PLAN: tuple[tuple[str, bool], ...] = (
    ("first_contact", False),
    ("support", True),
    ("initial_consultation", False),
    ("support", False),
    ("connecting", False),
    ("transfer", False),
    ("exchange", False),
    ("closed", False),
    ("initial_consultation", True),
    ("first_contact", False),
)


@dataclass(frozen=True)
class Scenario:
    """What a company comes with, and how its journey reads: hand-written German texts."""

    key: str
    title: str  # short topic, also used for the booking
    topics: tuple[str, ...]  # company topics that suggest this scenario
    goals: str
    first_kind: str
    first_summary: str
    first_notes: str
    situation: str
    needs: dict[str, str]
    next_steps: str
    coaching_offer: str  # slug of a de-minimis coaching offer
    coaching_topics: tuple[str, str]
    email_summary: str
    email_notes: str
    introduction: str
    introduction_notes: str
    exchange: str
    exchange_notes: str
    milestones: tuple[str, str]
    connect_offer: str = ""
    transfer_offer: str = ""


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        key="druckluft",
        title="Druckluft und Energiekosten",
        topics=("energy", "climate"),
        goals="Stromverbrauch der Druckluftversorgung um mindestens 20 % senken und die Abwärme der Kompressoren "
        "für die Hallenheizung nutzen.",
        first_kind=ActivityKind.PHONE,
        first_summary="Anruf der Technischen Leitung: hohe Druckluftkosten",
        first_notes="Meldet sich nach der Webinarreihe Energieeffizienz. Die Stromrechnung ist nach der "
        "Vertragsverlängerung deutlich gestiegen; die Druckluft wird als größter Verbraucher vermutet.",
        situation="Drei Schraubenkompressoren (zusammen 90 kW, Baujahre 2006 bis 2011) versorgen zwei Hallen. Die "
        "Anlage läuft auch nachts und am Wochenende mit 8 bar durch, obwohl nur die Frühschicht Spitzenbedarf hat. "
        "Eine Leckagemessung gab es noch nie; die Abwärme geht über das Dach ins Freie.",
        needs={
            "climate": "Druckluftverbrauch messen, Leckagen orten und beseitigen, Netzdruck senken; Wärmerückgewinnung "
            "für Hallenheizung und Brauchwasser prüfen.",
            "resilience": "Wartung hängt an einem einzigen Dienstleister; Ersatzteile für den ältesten Kompressor "
            "sind kaum noch zu bekommen.",
            "smart": "Keine Verbrauchsmessung an den Kompressoren; Einstieg in ein einfaches Energiemonitoring gewünscht.",
        },
        next_steps="Energieeffizienz-Check vor Ort mit Schwerpunkt Druckluft anbieten. Das Unternehmen schickt "
        "Stromrechnungen und Lastgang der letzten zwölf Monate sowie die De-minimis-Erklärung.",
        coaching_offer="energieeffizienz-check-vor-ort",
        coaching_topics=("Begehung und Leckageortung an der Druckluftanlage", "Auswertung Lastgang und Maßnahmenliste Druckluft"),
        email_summary="Maßnahmenliste Druckluft an die Geschäftsführung versandt",
        email_notes="23 Leckagen markiert, geschätzte Einsparung rund 38.000 kWh im Jahr. Drucksenkung auf 6,5 bar "
        "wird in der Frühschicht getestet.",
        introduction="Vorstellung in der Peer-Group Energiemanagement",
        introduction_notes="Kontakt zur Moderation der Peer-Group hergestellt; nächstes Treffen zum Thema "
        "Wärmerückgewinnung.",
        exchange="Peer-Group: Wärmerückgewinnung aus Kompressoren",
        exchange_notes="Zwei Betriebe berichten von ihren Anlagen; Besichtigung bei einem Metallbauer aus Kamen verabredet.",
        milestones=(
            "Messkonzept Wärmerückgewinnung mit der Hochschule abgestimmt",
            "Wärmetauscher bestellt, Förderantrag bewilligt",
        ),
        connect_offer="peer-group-energiemanagement",
        transfer_offer="machbarkeitsstudie-abwaermenutzung",
    ),
    Scenario(
        key="abwaerme",
        title="Abwärmenutzung",
        topics=("energy", "climate", "cooperation"),
        goals="Abwärme aus Härterei und Lackieranlage nutzen und den Gasverbrauch der Hallenheizung halbieren.",
        first_kind=ActivityKind.EMAIL,
        first_summary="E-Mail der Geschäftsführung: Abwärme aus der Härterei",
        first_notes="Fragt nach Fördermöglichkeiten für eine Wärmerückgewinnung; ein Nachbarbetrieb hätte Interesse an Wärme.",
        situation="Zwei Härteöfen und eine Lackieranlage mit Trocknerofen verbrauchen zusammen rund 2,1 GWh Erdgas im "
        "Jahr. Die Abluft verlässt die Anlagen mit 180 bis 250 °C, während die Halle im Winter mit Gasstrahlern "
        "beheizt wird.",
        needs={
            "climate": "Abwärmepotenzial messen, Nutzung bewerten (Hallenheizung, Vorwärmung, Nachbarbetrieb) und die "
            "CO2-Einsparung beziffern.",
            "cooperation": "Hochschulpartner für eine Machbarkeitsstudie mit Messkampagne gesucht.",
            "resilience": "Abhängigkeit vom Gaspreis verringern; ein Notfallplan für eine Gasmangellage fehlt.",
        },
        next_steps="Machbarkeitsstudie Abwärmenutzung vorstellen und Kontakt zur Hochschule herstellen. Das "
        "Unternehmen stellt Verbrauchsdaten und Anlagenpläne zusammen.",
        coaching_offer="energieeffizienz-check-vor-ort",
        coaching_topics=("Datenaufnahme an Härterei und Trocknerofen", "Bewertung der Abwärmequellen und Wärmesenken"),
        email_summary="Verbrauchsdaten und Anlagenpläne erhalten",
        email_notes="Gaszählerdaten monatlich für zwei Jahre, Anlagenpläne der Lackierstraße; Abgastemperaturen fehlen noch.",
        introduction="Kennenlernen mit dem Lehrgebiet Energietechnik der Hochschule Hamm-Lippstadt",
        introduction_notes="Professor und eine wissenschaftliche Mitarbeiterin waren vor Ort; Messkampagne über vier "
        "Wochen im Herbst vorgeschlagen.",
        exchange="Besuch bei einem Referenzbetrieb mit Abwärmenutzung",
        exchange_notes="Die Gießerei aus dem Netzwerk nutzt seit zwei Jahren Ofenabwärme für die Hallenheizung; "
        "Erfahrungen mit Wartung und Wirtschaftlichkeit geteilt.",
        milestones=("Messkampagne Abwärmeströme abgeschlossen", "Machbarkeitsstudie Abwärmenutzung vorgestellt"),
        connect_offer="vernetzung-hochschule-hamm-lippstadt",
        transfer_offer="machbarkeitsstudie-abwaermenutzung",
    ),
    Scenario(
        key="pv",
        title="Photovoltaik und Eigenverbrauch",
        topics=("energy", "funding", "climate"),
        goals="Photovoltaik auf dem Hallendach planen und den Eigenverbrauch in der Produktion erhöhen.",
        first_kind=ActivityKind.PHONE,
        first_summary="Anruf der Geschäftsführung: Photovoltaik auf dem Hallendach",
        first_notes="Ein Angebot eines Solarteurs liegt vor; unklar ist, ob sich ein Speicher lohnt und welche "
        "Förderung es gibt.",
        situation="Rund 3.800 m² Dachfläche auf zwei Hallen (Baujahre 1994 und 2012), Strombedarf etwa 1,2 GWh im Jahr "
        "mit Lastspitzen in der Frühschicht. Die Statik der älteren Halle ist ungeklärt.",
        needs={
            "climate": "PV-Anlage mit 400 bis 500 kWp prüfen; Eigenverbrauch durch Lastverschiebung erhöhen.",
            "resilience": "Eigenversorgung gegen Strompreisspitzen; Speicheroption bewerten.",
            "smart": "Lastgangdaten sind vorhanden, werden aber nicht ausgewertet.",
        },
        next_steps="Fördermittelberatung Klimaschutzinvestitionen vereinbaren. Das Unternehmen lässt die Statik der "
        "Halle 1 prüfen und schickt den Lastgang zur Auswertung.",
        coaching_offer="energieeffizienz-check-vor-ort",
        coaching_topics=("Lastganganalyse und Auslegung der PV-Anlage", "Wirtschaftlichkeit PV mit und ohne Speicher"),
        email_summary="Förderübersicht PV und Speicher versandt",
        email_notes="Hinweis auf zinsgünstige Kredite und die Landesförderung für Speicher; Fristen markiert.",
        introduction="Kontakt zu einem Betrieb mit PV-Eigenverbrauch aus dem Netzwerk",
        introduction_notes="Der Kunststoffverarbeiter aus Werne zeigt seine 600-kWp-Anlage mit Lastmanagement.",
        exchange="Erfahrungsaustausch Photovoltaik und Lastmanagement in der Produktion",
        exchange_notes="Fünf Betriebe; Schwerpunkt Direktvermarktung überschüssigen Stroms am Wochenende.",
        milestones=("Statikgutachten Halle 1 liegt vor", "Auftrag PV-Anlage vergeben, Inbetriebnahme geplant"),
        connect_offer="peer-group-energiemanagement",
    ),
    Scenario(
        key="energieaudit",
        title="Energieaudit und Energiemanagement",
        topics=("energy", "funding"),
        goals="Energieaudit nach DIN EN 16247-1 durchführen und den Einstieg in ein Energiemanagement nach ISO 50001 "
        "vorbereiten.",
        first_kind=ActivityKind.PHONE,
        first_summary="Anruf Energiemanagement: Pflicht zum Energieaudit",
        first_notes="Das Unternehmen ist gewachsen und fällt nach eigener Einschätzung künftig unter die Auditpflicht.",
        situation="Verbrauchsdaten liegen nur als Jahresrechnungen vor; Zuständigkeiten für Energie sind nicht "
        "festgelegt. Größte Verbraucher sind Spritzgießmaschinen, Kälteanlage und Beleuchtung.",
        needs={
            "climate": "Energieaudit mit Maßnahmenplan; prüfen, ob ein Energiemanagementsystem nach ISO 50001 "
            "sinnvoller ist.",
            "smart": "Unterzähler an den Hauptverbrauchern und ein einfaches Monitoring fehlen.",
            "talent": "Eine Person soll als Energiebeauftragte qualifiziert werden.",
        },
        next_steps="Anforderungen an das Audit zusenden und den Energieeffizienz-Check als Vorstufe anbieten. Das "
        "Unternehmen benennt eine verantwortliche Person.",
        coaching_offer="energieeffizienz-check-vor-ort",
        coaching_topics=("Datenerhebung für das Energieaudit", "Maßnahmenplan und Messkonzept"),
        email_summary="Anforderungen an das Energieaudit zusammengefasst",
        email_notes="Übersicht zu Fristen, Auditorenliste und Unterschied Audit / ISO 50001 versandt.",
        introduction="Vorstellung bei der Peer-Group Energiemanagement",
        introduction_notes="Die Energiebeauftragte nimmt ab dem nächsten Treffen teil.",
        exchange="Peer-Group: Erfahrungen mit ISO 50001 in kleinen Betrieben",
        exchange_notes="Austausch zu Aufwand und Nutzen; Vorlage für die Energiepolitik weitergegeben.",
        milestones=("Messkonzept mit Unterzählern umgesetzt", "Energieaudit abgeschlossen und gemeldet"),
        connect_offer="peer-group-energiemanagement",
    ),
    Scenario(
        key="fachkraefte",
        title="Fachkräfte und Ausbildung",
        topics=("talent", "cooperation"),
        goals="Ausbildungsplätze besetzen, erfahrene Fachkräfte halten und Praktika und Abschlussarbeiten mit einer "
        "Hochschule aufbauen.",
        first_kind=ActivityKind.PHONE,
        first_summary="Anruf der Personalleitung: Ausbildungsplätze bleiben leer",
        first_notes="Kennt die Kompetenzregion vom Infoabend Fachkräfte sichern.",
        situation="Seit zwei Jahren bleiben zwei von drei Ausbildungsplätzen (Industriemechanik, Zerspanung) "
        "unbesetzt. Fünf erfahrene Facharbeiter gehen in den nächsten vier Jahren in Rente. Stellenanzeigen laufen "
        "nur über die Arbeitsagentur.",
        needs={
            "talent": "Arbeitgebermarke schärfen, Ausbildungsmarketing an Schulen und in sozialen Medien, Wissen der "
            "älteren Beschäftigten sichern.",
            "cooperation": "Kontakt zu einer Hochschule für Praxissemester und Abschlussarbeiten.",
            "smart": "Digitale Arbeitsanweisungen könnten die Einarbeitung beschleunigen.",
        },
        next_steps="Fachkräfte-Coaching Arbeitgeberattraktivität anbieten und Kontakt zur Fachhochschule vermitteln. "
        "Das Unternehmen sammelt Rückmeldungen der aktuellen Auszubildenden.",
        coaching_offer="fachkraefte-coaching-arbeitgeberattraktivitaet",
        coaching_topics=(
            "Workshop Arbeitgebermarke mit Geschäftsführung und Ausbildern",
            "Ausbildungsmarketing und Schichtmodelle",
        ),
        email_summary="Entwurf der neuen Stellenanzeige kommentiert",
        email_notes="Vorschläge: Einstiegsgehalt nennen, Fotos aus der Werkstatt, Ansprechperson mit Telefonnummer.",
        introduction="Kennenlernen mit dem Career Service der Fachhochschule Dortmund",
        introduction_notes="Praxissemester ab dem Wintersemester möglich; Aushang im Fachbereich Maschinenbau vereinbart.",
        exchange="Azubi-Speeddating im Netzwerk vorbereitet",
        exchange_notes="Vier Betriebe stellen sich gemeinsam an zwei Gesamtschulen vor.",
        milestones=("Erste Praxissemester-Studentin gestartet", "Abschlussarbeit zur digitalen Einarbeitung vergeben"),
        connect_offer="hochschulkooperation-fh-dortmund",
    ),
    Scenario(
        key="lieferkette",
        title="Lieferketten absichern",
        topics=("supply_chain", "resilience"),
        goals="Kritische Vorprodukte absichern und regionale Alternativlieferanten finden.",
        first_kind=ActivityKind.EMAIL,
        first_summary="E-Mail des Einkaufs: Lieferengpässe bei Gussteilen",
        first_notes="Ein Großkunde verlangt Nachweise zur Sorgfalt in der Lieferkette; Termin gewünscht.",
        situation="Gussteile und Elektronikkomponenten kommen zum großen Teil von je einem Lieferanten aus Fernost. "
        "2022 stand die Montage deshalb drei Wochen still. Sicherheitsbestände gibt es nur für wenige Teile.",
        needs={
            "resilience": "Risikolandkarte der 20 wichtigsten Vorprodukte; Zweitlieferanten und Sicherheitsbestände "
            "festlegen.",
            "cooperation": "Regionale Gießereien und Elektronikfertiger kennenlernen.",
            "climate": "Kürzere Transportwege sollen in die CO2-Bilanz eingehen.",
        },
        next_steps="Resilienz-Coaching Lieferkette anbieten und zur regionalen Lieferantenbörse einladen. Das "
        "Unternehmen stellt eine Teileliste mit Lieferanten und Mengen zusammen.",
        coaching_offer="resilienz-coaching-lieferkette",
        coaching_topics=("Risikobewertung der kritischen Vorprodukte", "Szenarien für Lieferausfälle und Notfallplan"),
        email_summary="Teileliste mit Lieferanten erhalten",
        email_notes="87 Positionen; 14 davon mit nur einer Bezugsquelle, sechs mit Lieferzeiten über zwölf Wochen.",
        introduction="Vorstellung bei zwei Gießereien aus der Region (Lieferantenbörse)",
        introduction_notes="Beide Gießereien können Musterteile liefern; Angebote bis Monatsende zugesagt.",
        exchange="Netzwerktreffen: Sorgfalt in der Lieferkette im Mittelstand",
        exchange_notes="Vorlage für einen Lieferantenfragebogen ausgetauscht.",
        milestones=("Zweitlieferant für Gussgehäuse qualifiziert", "Erste Serienlieferung aus der Region"),
        connect_offer="regionale-lieferantenboerse-westfalen",
    ),
    Scenario(
        key="co2",
        title="CO2-Bilanz für Kunden",
        topics=("climate",),
        goals="Eine belastbare CO2-Bilanz (Scope 1 und 2, wichtigste Quellen in Scope 3) erstellen und "
        "Reduktionsziele festlegen.",
        first_kind=ActivityKind.PHONE,
        first_summary="Anruf Qualitätsmanagement: CO2-Fußabdruck für Kunden",
        first_notes="Zwei Hauptkunden aus der Automobilzulieferung verlangen bis Jahresende den Fußabdruck je Bauteil.",
        situation="Eine Bilanz gibt es nicht; Daten zu Strom, Gas und Fuhrpark liegen verstreut in Buchhaltung und "
        "Technik. Niemand ist für das Thema zuständig.",
        needs={
            "climate": "Treibhausgasbilanz nach GHG Protocol; Produkt-Fußabdruck für die zwei Hauptbauteile.",
            "smart": "Datenerfassung so einrichten, dass die Bilanz jährlich fortgeschrieben werden kann.",
            "cooperation": "Austausch mit anderen Zulieferern, die die gleiche Anforderung haben.",
        },
        next_steps="CO2-Bilanz-Coaching anbieten und die Datenliste zusenden. Das Unternehmen benennt je eine "
        "Ansprechperson in Buchhaltung und Technik.",
        coaching_offer="co2-bilanz-fuer-kmu",
        coaching_topics=("Auftakt CO2-Bilanz: Systemgrenzen und Datenliste", "Berechnung Scope 1 und 2, Abschätzung Scope 3"),
        email_summary="Datenliste für die CO2-Bilanz versandt",
        email_notes="Rückmeldung bis Monatsende erbeten; Fuhrparkdaten kommen vom Leasinggeber.",
        introduction="Kontakt zur Peer-Group Energiemanagement (Schwerpunkt Klimabilanz)",
        introduction_notes="Zwei Teilnehmer haben ihre Bilanz schon an Kunden übermittelt und teilen ihre Erfahrungen.",
        exchange="Netzwerktreffen: Kundenanforderungen an den CO2-Fußabdruck",
        exchange_notes="Vergleich der Formate, die verschiedene Kunden verlangen; gemeinsame Rückfrage an einen Kunden.",
        milestones=("Bilanz Scope 1 und 2 abgeschlossen", "Reduktionspfad von der Geschäftsführung verabschiedet"),
        connect_offer="peer-group-energiemanagement",
    ),
    Scenario(
        key="digital",
        title="Digitale Fertigung und Qualitätsprüfung",
        topics=("smart", "cooperation"),
        goals="Auftragsabwicklung und Betriebsdatenerfassung digitalisieren und eine kamerabasierte Qualitätsprüfung "
        "erproben.",
        first_kind=ActivityKind.PHONE,
        first_summary="Anruf der Produktionsleitung: Zettelwirtschaft in der Fertigung",
        first_notes="Hat den Workshop Digitaler Zwilling besucht; möchte wissen, womit man anfängt.",
        situation="Aufträge laufen mit Papiermappen durch die Fertigung; Rückmeldungen werden abends in Excel "
        "übertragen. Die Sichtprüfung bindet zwei Beschäftigte je Schicht, die Ausschussquote liegt bei etwa 4 %.",
        needs={
            "smart": "Betriebsdatenerfassung an den Maschinen, Anbindung an das ERP-System, digitale Auftragsmappe.",
            "cooperation": "Hochschulpartner für eine kamerabasierte Qualitätsprüfung.",
            "talent": "Beschäftigte für die Umstellung schulen und mitnehmen.",
        },
        next_steps="Digitalisierungs-Coaching anbieten und ein Matchmaking mit der TU Dortmund vorbereiten. Das "
        "Unternehmen skizziert den Ablauf vom Auftragseingang bis zum Versand.",
        coaching_offer="digitalisierungs-coaching-vernetzte-fertigung",
        coaching_topics=(
            "Aufnahme der Abläufe vom Auftragseingang bis zum Versand",
            "Roadmap Betriebsdatenerfassung und ERP-Anbindung",
        ),
        email_summary="Ablaufskizze der Auftragsabwicklung erhalten",
        email_notes="Elf Medienbrüche markiert; das ERP-System hat eine Schnittstelle, die bisher nicht genutzt wird.",
        introduction="Matchmaking mit einem Lehrstuhl der TU Dortmund (Produktionstechnik)",
        introduction_notes="Lehrstuhl hat Erfahrung mit Bildverarbeitung an Drehteilen; Projektskizze vereinbart.",
        exchange="Workshop Digitaler Zwilling: Erfahrungen anderer Betriebe",
        exchange_notes="Drei Betriebe zeigen ihre Betriebsdatenerfassung; Austausch zu Kosten und Akzeptanz.",
        milestones=("Bilddatensatz für die KI-Prüfung erfasst", "Prototyp der Kameraprüfung an Linie 2 getestet"),
        connect_offer="matchmaking-tu-dortmund-produktion-und-logistik",
        transfer_offer="transferprojekt-ki-qualitaetspruefung",
    ),
    Scenario(
        key="kreislauf",
        title="Materialeffizienz und Kreislaufwirtschaft",
        topics=("circular", "supply_chain"),
        goals="Verschnitt und Ausschuss senken, Reststoffe sortenrein verwerten und Rezyklat einsetzen.",
        first_kind=ActivityKind.PHONE,
        first_summary="Anruf der Geschäftsführung: Materialkosten und Verschnitt",
        first_notes="Ein Kunde fragt nach dem Rezyklatanteil; die Materialpreise sind stark gestiegen.",
        situation="Blech- und Kunststoffverschnitt machen rund 12 % des Materialeinsatzes aus und werden als "
        "Mischschrott entsorgt. Ausschuss wird nicht nach Ursachen erfasst.",
        needs={
            "climate": "Materialflussanalyse, Verschnittoptimierung und sortenreine Trennung der Reststoffe.",
            "cooperation": "Partner für den Einsatz von Rezyklat und für Werkstofffragen.",
            "resilience": "Abhängigkeit von Primärrohstoffen verringern.",
        },
        next_steps="Coaching Kreislaufwirtschaft und Materialeffizienz anbieten und den Transfergutschein "
        "Ressourceneffizienz vorstellen. Das Unternehmen erhebt drei Monate lang die Verschnittmengen.",
        coaching_offer="coaching-kreislaufwirtschaft-materialeffizienz",
        coaching_topics=(
            "Materialflussanalyse in Zuschnitt und Spritzguss",
            "Maßnahmen gegen Verschnitt und für die Reststofftrennung",
        ),
        email_summary="Verschnittmengen der letzten drei Monate erhalten",
        email_notes="Größter Posten: Edelstahlreste aus dem Laserzuschnitt; ein Entsorger bietet sortenreine Abholung an.",
        introduction="Vorstellung im Unternehmensnetzwerk Kreislaufwirtschaft",
        introduction_notes="Das Netzwerk trifft sich reihum in den Betrieben; das nächste Treffen findet bei uns im Haus statt.",
        exchange="Netzwerktreffen Kreislaufwirtschaft: Rezyklat im Spritzguss",
        exchange_notes="Erfahrungen mit Rezyklatqualitäten und Lieferanten ausgetauscht.",
        milestones=("Versuchsreihe mit 30 % Rezyklat abgeschlossen", "Neue Verschachtelungssoftware im Zuschnitt eingeführt"),
        connect_offer="unternehmensnetzwerk-kreislaufwirtschaft",
        transfer_offer="transfergutschein-ressourceneffizienz",
    ),
)

CONSULTATION_NOTES = (
    "Gespräch mit Geschäftsführung und Technischer Leitung; das Ergebnis des Transformations-Checks lag vor.",
    "Rundgang durch die Produktion im Anschluss; Fotos der Anlagen liegen in der Akte.",
    "Gespräch per Videokonferenz; die Geschäftsführerin war sehr gut vorbereitet.",
    "Der Betrieb ist Mitglied im regionalen Arbeitgeberverband; Förderbedarf vorhanden, Eigenanteil geklärt.",
)
FOLLOW_UP_NOTES = (
    "Gespräch war konstruktiv; ein zweiter Termin vor Ort ist vereinbart.",
    "Beide Seiten wollen eine gemeinsame Projektskizze schreiben.",
    "Erstes Kennenlernen positiv; das Unternehmen prüft intern die Kapazitäten.",
)
COACH_FIRMS = (
    "Ingenieurbüro für Energietechnik",
    "Beratung für Material- und Ressourceneffizienz",
    "Büro für Organisationsentwicklung",
    "Energieberatung Ruhr-Lippe",
)


class ConsultationPlan(NamedTuple):
    """An initial consultation for `appointments/demo.py`: held on `day` (a past booking) or, with `day`
    None, still to be booked in the published slots. Plain values, so appointments need not import journey."""

    company: Company
    request: Request | None
    consultant: User
    day: dt.date | None
    topic: str
    booked_on: dt.date | None


@dataclass
class JourneyDemo:
    cases: list[Case] = field(default_factory=list)
    activities: int = 0
    tasks: int = 0
    consultations: list[ConsultationPlan] = field(default_factory=list)


@dataclass
class _Step:
    gap: int  # days after the previous step
    kind: str
    fields: dict[str, Any]
    move_to: str | None = None
    grant: bool = False
    attachment: tuple[str, str, list[str]] | None = None  # file name, title, lines


@dataclass
class _CaseSpec:
    company: Company
    stage: str
    idle: bool
    request: Request | None = None


# --- dates ------------------------------------------------------------------------------------


def _workday(day: dt.date) -> dt.date:
    """Saturday and Sunday become the Friday before (a monotone mapping: order is kept)."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment on a day (local time), never later than now: the demo has no future history."""
    return min(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))), timezone.now())


def _tiny_pdf(title: str, lines: Iterable[str]) -> bytes:
    """A one-page PDF (Helvetica, WinAnsi) with a title and wrapped lines: enough for a demo attachment."""

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    rows = [f"BT /F2 15 Tf 56 780 Td ({text(title)}) Tj ET", "BT /F1 10.5 Tf 56 748 Td 15 TL"]
    for line in lines:
        for part in textwrap.wrap(line, 95) or [""]:
            rows.append(f"({text(part)}) Tj T*")
    rows.append("ET")
    stream = "\n".join(rows).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> "
        b"/Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- the steps of a journey -------------------------------------------------------------------


def _reaches(path_end: str, stage: str) -> bool:
    return STAGE_ORDER.index(path_end) >= STAGE_ORDER.index(stage)


def _steps(
    sc: Scenario, spec: _CaseSpec, offers: dict[str, Offer], rng: random.Random, coach_name: str
) -> list[_Step]:
    """The activities (and stage moves) that bring a case to its stage, oldest first."""
    path_end = rng.choice(("support", "connecting", "transfer")) if spec.stage == "closed" else spec.stage
    if spec.request is not None:
        first = _Step(0, ActivityKind.PHONE, {"summary": f"Rückruf zur Anfrage {spec.request.number}", "notes": sc.first_notes})
    else:
        first = _Step(0, sc.first_kind, {"summary": sc.first_summary, "notes": sc.first_notes})
    steps = [first]
    if _reaches(path_end, "initial_consultation"):
        steps.append(
            _Step(
                rng.randint(5, 14),
                ActivityKind.INITIAL_CONSULTATION,
                {
                    "summary": f"Erstgespräch: {sc.title}",
                    "notes": rng.choice(CONSULTATION_NOTES),
                    "situation": sc.situation,
                    "needs": sc.needs,
                    "next_steps": sc.next_steps,
                },
                move_to="initial_consultation",
                attachment=(
                    f"Protokoll Erstgespräch {spec.company.name[:60].replace('/', '-')}.pdf",
                    f"Protokoll Erstgespräch: {sc.title}",
                    [spec.company.name, "", "Ausgangslage", sc.situation, "", "Bedarfe"]
                    + [f"- {text}" for text in sc.needs.values()]
                    + ["", "Vereinbarte nächste Schritte", sc.next_steps],
                )
                if rng.random() < 0.35
                else None,
            )
        )
    coaching = offers.get(sc.coaching_offer)
    if _reaches(path_end, "support"):
        external = rng.random() < 0.75
        coach = {
            "coach_kind": CoachKind.EXTERNAL if external else CoachKind.INTERNAL,
            "coach_name": coach_name if external else "",
        }
        offer_title = coaching.title if coaching else sc.title
        steps += [
            _Step(
                rng.randint(1, 4), ActivityKind.EMAIL, {"summary": f"Angebot „{offer_title}“ und De-minimis-Erklärung versandt"}
            ),
            _Step(
                rng.randint(7, 15),
                ActivityKind.COACHING,
                {"topic": sc.coaching_topics[0], "hours": Decimal(rng.choice((3, 4, 4, 6, 8))), "offer": coaching, **coach},
                move_to="support",
                grant=coaching is not None,
            ),
            _Step(rng.randint(3, 8), ActivityKind.EMAIL, {"summary": sc.email_summary, "notes": sc.email_notes}),
            _Step(
                rng.randint(7, 14),
                ActivityKind.COACHING,
                {"topic": sc.coaching_topics[1], "hours": Decimal(rng.choice(("2", "2.5", "3", "4"))), "offer": coaching}
                | coach,
                attachment=(
                    f"Maßnahmenliste {sc.title}.pdf",
                    f"Maßnahmenliste: {sc.title}",
                    [spec.company.name, "", sc.coaching_topics[1], "", sc.email_notes, "", "Ziel: " + sc.goals],
                )
                if rng.random() < 0.3
                else None,
            ),
        ]
    if _reaches(path_end, "connecting"):
        steps += [
            _Step(rng.randint(7, 15), ActivityKind.INTRODUCTION, {"summary": sc.introduction, "notes": sc.introduction_notes},
                  move_to="connecting"),
            _Step(rng.randint(4, 10), ActivityKind.PHONE,
                  {"summary": "Rückmeldung zum Kennenlernen", "notes": rng.choice(FOLLOW_UP_NOTES)}),
        ]  # fmt: skip
    if _reaches(path_end, "exchange"):
        steps.append(
            _Step(
                rng.randint(10, 25),
                ActivityKind.MEETING,
                {"summary": sc.exchange, "notes": sc.exchange_notes},
                move_to="exchange",
            )
        )
    if _reaches(path_end, "transfer"):
        steps += [
            _Step(rng.randint(14, 30), ActivityKind.MILESTONE, {"milestone_title": sc.milestones[0]}, move_to="transfer"),
            _Step(rng.randint(20, 40), ActivityKind.MILESTONE, {"milestone_title": sc.milestones[1],
                                                                "notes": "Zwischenbericht liegt vor; Zeitplan wird gehalten."}),
        ]  # fmt: skip
    if spec.stage == "closed":
        steps.append(
            _Step(
                rng.randint(7, 20),
                ActivityKind.MEETING,
                {
                    "summary": "Abschlussgespräch: Ergebnisse und Ausblick",
                    "notes": "Ziele weitgehend erreicht. Das Unternehmen bleibt im Newsletter und meldet sich zu "
                    "Folgeprojekten.",
                },
                move_to="closed",
            )
        )
    return steps


def _dates(steps: list[_Step], spec: _CaseSpec, rng: random.Random, today: dt.date) -> list[dt.date]:
    """The days of the steps: a case from a request starts shortly after it (gaps shrunk to fit up to
    today); others end 0–20 days ago, or 68–130 days ago for an idle case."""
    offsets, total = [], 0
    for step in steps:
        total += step.gap
        offsets.append(total)
    if spec.request is not None:
        floor = timezone.localtime(spec.request.created_at).date()
        start = min(floor + dt.timedelta(days=rng.randint(0, 2)), today)
        room = (today - start).days
        if total > room:
            offsets = [offset * room // total for offset in offsets]
    else:
        last_ago = rng.randint(68, 130) if spec.idle else rng.randint(0, 20)
        start = today - dt.timedelta(days=last_ago + total)
        floor = start
    return [max(_workday(start + dt.timedelta(days=offset)), floor) for offset in offsets]


# --- tasks ------------------------------------------------------------------------------------


def _task_titles(sc: Scenario, spec: _CaseSpec, offers: dict[str, Offer]) -> list[tuple[str, str]]:
    """(title, when) per case; when: overdue, week, later, done."""
    coaching = offers.get(sc.coaching_offer)
    offer_title = coaching.title if coaching else sc.title
    if spec.idle:
        return [("Nachfassen: Stand der vereinbarten Maßnahmen erfragen", "idle"), ("De-minimis-Erklärung anfordern", "done")]
    return {
        "first_contact": [("Erstgespräch vorbereiten: Anfrage, Check-Ergebnis und Website ansehen", "week")],
        "initial_consultation": [
            ("Protokoll des Erstgesprächs an das Unternehmen senden", "overdue"),
            (f"Angebot „{offer_title}“ abstimmen", "later"),
        ],
        "support": [("De-minimis-Erklärung anfordern", "done"), ("Zwischenstand mit dem Coach besprechen", "week")],
        "connecting": [
            ("Rückmeldung nach dem Kennenlernen einholen", "overdue"),
            ("Nächsten Schritt mit der Hochschule klären", "later"),
        ],
        "exchange": [
            ("Einladung zum nächsten Netzwerktreffen senden", "later"),
            ("Kurzbericht für den Newsletter abstimmen", "done"),
        ],
        "transfer": [
            ("Zwischenbericht zum Transferprojekt anfordern", "week"),
            ("Förderantrag: Unterlagen auf Vollständigkeit prüfen", "done"),
        ],
        "closed": [("Abschlussbericht ablegen und Zufriedenheit abfragen", "done")],
    }[spec.stage]  # fmt: skip


def _due(when: str, rng: random.Random, today: dt.date, first_day: dt.date, last_day: dt.date) -> dt.date:
    """The due date: this week (today at the earliest), overdue, long overdue (idle cases), later, or
    (done tasks) shortly before the latest activity. Never before the case was opened."""
    week_end = today + dt.timedelta(days=6 - today.weekday())
    if when == "week":
        return today + dt.timedelta(days=rng.randint(0, (week_end - today).days))
    if when == "later":
        return week_end + dt.timedelta(days=rng.randint(3, 20))
    if when == "overdue":
        due = today - dt.timedelta(days=rng.randint(2, 12))
    elif when == "idle":
        due = today - dt.timedelta(days=rng.randint(15, 40))
    else:  # done
        due = last_day - dt.timedelta(days=rng.randint(0, 5))
    return max(due, first_day)


# --- choosing the cases -----------------------------------------------------------------------


def _scenario_for(topic_keys: set[str], rng: random.Random) -> Scenario:
    fitting = [s for s in SCENARIOS if topic_keys & set(s.topics)]
    return rng.choice(fitting or list(SCENARIOS))


def _request_stage(req: Request, today: dt.date) -> str:
    age = (today - timezone.localtime(req.created_at).date()).days
    if req.status == RequestStatus.CLOSED:
        return "support" if age >= 25 else "initial_consultation"
    if req.status == RequestStatus.IN_PROGRESS and age >= 12:
        return "initial_consultation"
    return "first_contact"


def _plan_cases(companies: list[Company], consultants: dict[int, User], rng: random.Random, today: dt.date) -> list[_CaseSpec]:
    """Per agency the entries of CASE_PLAN, as far as its companies reach. Requests being handled
    (and the request of the demo company login's company) open their cases; new requests stay new."""
    members = set(
        CompanyMembership.objects.filter(company__in=companies, status=CompanyMembership.Status.APPROVED).values_list(
            "company_id", flat=True
        )
    )
    requests = list(
        Request.objects.filter(company__in=companies, company__is_active=True, cases__isnull=True)
        .select_related("company")
        .order_by("pk")
    )
    with_requests = {r.company_id for r in requests}
    specs: list[_CaseSpec] = []
    used: set[int] = set()
    for org_id in sorted(consultants):
        plan = list(CASE_PLAN)
        for req in requests:
            company = req.company
            if company.responsible_partner_id != org_id or company.pk in used or req.partner_id != org_id:
                continue
            if req.status == RequestStatus.NEW and company.pk not in members:
                continue
            stage = _request_stage(req, today)
            if (stage, False) in plan:
                plan.remove((stage, False))
            specs.append(_CaseSpec(company, stage, False, req))
            used.add(company.pk)
        free = [c for c in companies if c.responsible_partner_id == org_id and c.pk not in used and c.pk not in with_requests]
        rng.shuffle(free)
        for company, (stage, idle) in zip(free, plan):
            specs.append(_CaseSpec(company, stage, idle))
            used.add(company.pk)
    return specs


# --- seeding ----------------------------------------------------------------------------------


def _open_case(spec: _CaseSpec, actor: User, consultant: User, sc: Scenario, offers: dict[str, Offer]) -> Case:
    case_offers = [offers[s] for s in (sc.coaching_offer, sc.connect_offer, sc.transfer_offer) if s in offers]
    return services.case_open(
        actor=actor, company=spec.company, consultant=consultant, goals=sc.goals, offers=case_offers, request=spec.request
    )


def _add_activity(actor: User, case: Case, step: _Step, day: dt.date) -> Activity:
    values = dict(step.fields)
    if values.get("offer") is None:
        values.pop("offer", None)
    attachments = []
    if step.attachment is not None:
        name, title, lines = step.attachment
        attachments.append(SimpleUploadedFile(name, _tiny_pdf(title, lines), content_type="application/pdf"))
    offer = values.get("offer")
    value = None
    # Coaching with a de-minimis offer grants its value once per company and offer (the service checks
    # the ceiling; the demo values are far below it, and it never overrides a refusal).
    if step.grant and offer is not None and offer.is_de_minimis and not case.company.aid_grants.filter(offer=offer).exists():
        value = offer.de_minimis_value
    try:
        return services.activity_add(
            actor=actor, case=case, kind=step.kind, occurred_on=day, deminimis_value=value, attachments=attachments, **values
        )
    except ServiceError:
        if value is None:
            raise
        for upload in attachments:
            upload.seek(0)
        return services.activity_add(actor=actor, case=case, kind=step.kind, occurred_on=day, attachments=attachments, **values)


def seed_journey(*, companies: Iterable[Company], rng_seed: int = 0) -> JourneyDemo:
    """Cases, activities and tasks for the demo consultants; does nothing when any case exists already."""
    result = JourneyDemo()
    if Case.objects.exists():
        return result
    from faker import Faker

    rng = random.Random(rng_seed)
    fake = Faker("de_DE")
    fake.seed_instance(rng_seed)
    today = timezone.localdate()
    companies = sorted((c for c in companies if c.is_active), key=lambda c: c.pk)
    consultants: dict[int, User] = {}
    for user in User.objects.filter(role=Role.CONSULTANT, is_active=True, organisation__isnull=False).order_by("pk"):
        consultants.setdefault(user.organisation_id, user)
    coordinator = User.objects.filter(role=Role.COORDINATOR, is_active=True, organisation__isnull=False).order_by("pk").first()
    offers = {o.slug: o for o in Offer.objects.public()}
    stages = {s.key: s for s in Stage.objects.all()}
    topics: dict[int, set[str]] = {}
    for company_id, key in Company.topics.through.objects.filter(company__in=companies).values_list("company_id", "topic__key"):
        topics.setdefault(company_id, set()).add(key)
    specs = _plan_cases(companies, consultants, rng, today)
    # Requests from outside the region are handled by the network coordination.
    if coordinator is not None:
        for req in Request.objects.filter(
            company__in=companies, partner__isnull=True, company__responsible_partner__isnull=True, cases__isnull=True
        ).exclude(status=RequestStatus.NEW).select_related("company").order_by("pk")[:2]:
            specs.append(_CaseSpec(req.company, _request_stage(req, today), False, req))
    for spec in specs:
        consultant = consultants.get(spec.company.responsible_partner_id) or coordinator
        if consultant is None:
            continue
        sc = _scenario_for(topics.get(spec.company.pk, set()), rng)
        coach_name = f"{fake.first_name()} {fake.last_name()}, {rng.choice(COACH_FIRMS)}"
        steps = _steps(sc, spec, offers, rng, coach_name)
        days = _dates(steps, spec, rng, today)
        case = _open_case(spec, consultant, consultant, sc, offers)
        opened = _at(days[0], rng.randint(8, 10), rng.choice((0, 15, 30, 45)))
        if spec.request is not None:  # opened after the request came in, on the day of the first step
            received = spec.request.created_at
            opened = max(opened, received + dt.timedelta(minutes=rng.randint(20, 90)))
            opened = min(opened, max(_at(days[0], 23, 59), received + dt.timedelta(minutes=1)), timezone.now())
        moments = [opened]
        for step, day in zip(steps, days):
            activity = _add_activity(consultant, case, step, day)
            at = _at(day, rng.randint(11, 17), rng.randint(0, 59))
            at = min(max(at, moments[-1] + dt.timedelta(minutes=10)), timezone.now())
            # Back-dated: recorded on the day it happened (the service stamps "now").
            Activity.objects.filter(pk=activity.pk).update(created_at=at)
            result.activities += 1
            if step.move_to and step.move_to in stages:
                services.case_move_stage(actor=consultant, case=case, stage=stages[step.move_to])
                moments.append(min(at + dt.timedelta(minutes=5), timezone.now()))
            if step.kind == ActivityKind.INITIAL_CONSULTATION and day < today:
                result.consultations.append(ConsultationPlan(spec.company, spec.request, consultant, day, sc.title, days[0]))
        if spec.stage == "first_contact":
            result.consultations.append(ConsultationPlan(spec.company, spec.request, consultant, None, sc.title, None))
        # Back-dated stage history: the services stamp "now"; the moves happened on the steps' days.
        changes = list(StageChange.objects.filter(case=case).order_by("pk"))
        for change, moment in zip(changes, moments):
            StageChange.objects.filter(pk=change.pk).update(changed_at=moment)
        closed_at = moments[-1] if spec.stage == "closed" else None
        Case.objects.filter(pk=case.pk).update(opened_at=moments[0], last_activity_on=days[-1], closed_at=closed_at)
        for title, when in _task_titles(sc, spec, offers):
            due = _due(when, rng, today, days[0], days[-1])
            task = services.task_create(actor=consultant, case=case, title=title, assignee=consultant, due_on=due)
            created = max(min(due, days[-1]) - dt.timedelta(days=rng.randint(3, 10)), days[0])
            update: dict[str, Any] = {"created_at": _at(created, 16, rng.randint(0, 59))}
            if when == "done":
                services.task_done(actor=consultant, task=task)
                update["done_at"] = _at(min(due, today), 17, rng.randint(0, 59))
            Task.objects.filter(pk=task.pk).update(**update)
            result.tasks += 1
        case.refresh_from_db()
        result.cases.append(case)
    return result
