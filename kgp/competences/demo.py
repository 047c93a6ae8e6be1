"""Demo competence map: the 13 universities and institutes of the region (../shared/domain/region.md)
with two to four units each, and six fictitious transfer centres, expert companies and associations.

The institutions are real; the unit names are plausible and the descriptions are the project's own
short summaries of public focus areas. Contact persons are fictitious (Faker, de_DE) with addresses
at the demo domain. `seed_competences` goes through the services (validated, searchable, audited);
profiles that exist already (by `external_id`) are left as they are, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from faker import Faker

from kgp.accounts.models import User
from kgp.core.text import fold
from kgp.organisations.models import Municipality

from . import services
from .models import CompetenceProfile, Kind, ProfileMember, ProfileStatus, SubjectArea

DEMO_DOMAIN = "demo.kompetenzregion.de"
MEMBER_PROFILE = "tud-foerder-lagerwesen"  # the profile the demo login kompetenz@ maintains

FORMAT_WORDS = {
    "contract_research": "Auftragsforschung",
    "student_project": "studentische Projekte",
    "thesis": "Abschlussarbeiten",
    "lab_use": "die Nutzung unserer Labore",
    "joint_project": "gemeinsame Förderprojekte",
    "training": "Schulungen und Weiterbildung",
}


@dataclass(frozen=True)
class Unit:
    external_id: str
    institution: str
    unit: str
    kind: str
    city: str
    focus: str  # two or three sentences in the project's own words
    keywords: tuple[str, ...]
    areas: tuple[str, ...]
    formats: tuple[str, ...]
    equipment: str = ""
    languages: tuple[str, ...] = ("de", "en")


TUD, FHDO = "Technische Universität Dortmund", "Fachhochschule Dortmund"
IML = "Fraunhofer-Institut für Materialfluss und Logistik IML"
ISST = "Fraunhofer-Institut für Software- und Systemtechnik ISST"
ISAS = "Leibniz-Institut für Analytische Wissenschaften – ISAS"
RUB, HSBO, THGA = "Ruhr-Universität Bochum", "Hochschule Bochum", "Technische Hochschule Georg Agricola"
IEG = "Fraunhofer-Einrichtung für Energieinfrastrukturen und Geotechnologien IEG"
FEU, FHSWF = "FernUniversität in Hagen", "Fachhochschule Südwestfalen (Standort Hagen)"
HSHL, SRH = "Hochschule Hamm-Lippstadt", "SRH Hochschule Hamm"
U, UAS, INST = Kind.UNIVERSITY, Kind.UAS, Kind.INSTITUTE
CR, SP, TH, LAB, JP, TR = "contract_research", "student_project", "thesis", "lab_use", "joint_project", "training"

UNITS: tuple[Unit, ...] = (
    # --- Technische Universität Dortmund -----------------------------------------------------
    Unit(MEMBER_PROFILE, TUD, "Lehrstuhl für Förder- und Lagerwesen", U, "Dortmund",
         "Der Lehrstuhl untersucht, wie Material in Fabriken und Lagern schneller, sicherer und mit weniger Energie "
         "bewegt werden kann. Schwerpunkte sind fahrerlose Transportsysteme, Schwarmrobotik, die Planung von "
         "Kommissionierbereichen und die Simulation ganzer Materialflüsse, bevor ein Umbau beginnt.",
         ("Intralogistik", "Materialfluss", "Fahrerlose Transportsysteme", "Simulation", "Kommissionierung"),
         ("logistics", "production"), (CR, TH, JP, SP),
         "Versuchshalle mit Regalanlagen, Fördertechnik und einer Flotte autonomer Fahrzeuge; Simulationssoftware."),
    Unit("tud-umformtechnik-leichtbau", TUD, "Institut für Umformtechnik und Leichtbau", U, "Dortmund",
         "Das Institut entwickelt Verfahren, mit denen Bauteile aus Blech, Profilen und Rohren materialsparend und "
         "präzise umgeformt werden. Dazu gehören Leichtbaustrukturen, das Biegen hochfester Stähle und die "
         "Kombination von Umformen und Fügen, mit der sich Prozessschritte und Ausschuss einsparen lassen.",
         ("Umformtechnik", "Leichtbau", "Blechumformung", "Profilbiegen", "hochfeste Stähle"),
         ("production", "materials"), (CR, JP, TH, LAB),
         "Pressen bis in den Meganewton-Bereich, Biegemaschinen, optische Formmessung."),
    Unit("tud-energiesysteme", TUD, "Lehrstuhl für Energiesysteme und Energiewirtschaft", U, "Dortmund",
         "Der Lehrstuhl analysiert, wie Strom-, Wärme- und Gasnetze zusammenwirken und wie Betriebe ihren "
         "Energiebezug an schwankende Preise anpassen können. Modelle für Lastverschiebung, Eigenerzeugung und "
         "Speicher helfen Unternehmen, Investitionen in Photovoltaik, Batteriespeicher oder Wärmepumpen zu bewerten.",
         ("Energiesystemanalyse", "Lastmanagement", "Sektorkopplung", "Energiemärkte", "Eigenversorgung"),
         ("energy", "business"), (CR, TH, JP)),
    Unit("tud-feststoffverfahrenstechnik", TUD, "Lehrstuhl für Feststoffverfahrenstechnik", U, "Dortmund",
         "Im Mittelpunkt stehen Pulver, Granulate und Schüttgüter: wie sie gemahlen, gemischt, getrocknet und "
         "gefördert werden und wie sich dabei Energie und Staub vermeiden lassen. Der Lehrstuhl verbindet "
         "Experimente mit Partikelsimulationen und unterstützt Betriebe bei der Auslegung und Optimierung von Anlagen.",
         ("Schüttgut", "Partikeltechnik", "Trocknung", "Mahlen", "Partikelsimulation"),
         ("chemistry_process", "production"), (CR, LAB, TH),
         "Technikum mit Mühlen, Mischern, Wirbelschichttrocknern und Partikelmesstechnik."),
    # --- Fachhochschule Dortmund ----------------------------------------------------------------
    Unit("fhdo-angewandte-ki", FHDO, "Fachbereich Informatik – Labor für Angewandte Künstliche Intelligenz", UAS, "Dortmund",
         "Das Labor bringt Verfahren des maschinellen Lernens in kleine und mittlere Betriebe: Prognosen für "
         "Absatz und Auslastung, Anomalieerkennung in Maschinendaten und die automatische Auswertung von "
         "Dokumenten. Besonderen Wert legen die Teams auf nachvollziehbare Modelle und auf Lösungen, die mit "
         "den vorhandenen Daten eines Mittelständlers auskommen.",
         ("Maschinelles Lernen", "Datenanalyse", "Prognose", "Anomalieerkennung", "Dokumentenanalyse"),
         ("computing_ai",), (SP, TH, CR, TR)),
    Unit("fhdo-fertigungstechnik", FHDO, "Fachbereich Maschinenbau – Labor für Fertigungstechnik", UAS, "Dortmund",
         "Das Labor beschäftigt sich mit spanender Bearbeitung, additiver Fertigung und der Prüfung gefertigter "
         "Bauteile. Unternehmen erhalten Unterstützung beim Einfahren neuer Werkstoffe, bei der Wahl von "
         "Werkzeugen und Schnittdaten und bei der Frage, wann sich ein 3D-gedrucktes Bauteil gegenüber der "
         "klassischen Fertigung lohnt.",
         ("Zerspanung", "Additive Fertigung", "3D-Druck", "Werkzeugmaschinen", "Qualitätsprüfung"),
         ("production", "materials"), (LAB, SP, TH, CR),
         "CNC-Fräs- und Drehzentren, Metall- und Kunststoff-3D-Drucker, Koordinatenmessmaschine."),
    Unit("fhdo-unternehmensfuehrung", FHDO, "Fachbereich Wirtschaft – Forschungsgruppe Mittelstand und Unternehmensführung", UAS,
         "Dortmund",
         "Die Forschungsgruppe befasst sich mit Strategie, Controlling und Nachhaltigkeitsberichten in "
         "mittelständischen Unternehmen. Sie begleitet Betriebe bei der Einführung von Kennzahlensystemen, bei "
         "Nachfolgeregelungen und bei der Frage, wie sich Klimaziele in die Unternehmensplanung übersetzen lassen.",
         ("Controlling", "Nachhaltigkeitsbericht", "Strategie", "Unternehmensnachfolge", "Kennzahlen"),
         ("business",), (SP, TH, TR)),
    # --- Fraunhofer IML -----------------------------------------------------------------------------
    Unit("iml-intralogistik-planung", IML, "Abteilung Intralogistik und -IT-Planung", INST, "Dortmund",
         "Die Abteilung plant Lager, Werkslogistik und Materialversorgung von der ersten Idee bis zur Ausschreibung. "
         "Sie vergleicht Varianten mit Simulation und Kostenmodellen, wählt Lagerverwaltungssoftware aus und "
         "begleitet die Inbetriebnahme, sodass Umbauten im laufenden Betrieb planbar bleiben.",
         ("Lagerplanung", "Werkslogistik", "Lagerverwaltungssystem", "Ausschreibung", "Layoutplanung"),
         ("logistics",), (CR, JP, TR),
         "Versuchsfelder für Lager- und Fördertechnik, Simulationslabor."),
    Unit("iml-ressourcenlogistik", IML, "Abteilung Umwelt- und Ressourcenlogistik", INST, "Dortmund",
         "Die Abteilung zeigt, wie Abfälle, Nebenprodukte und Verpackungen zu Rohstoffen werden. Sie analysiert "
         "Stoffströme, entwickelt Rücknahme- und Sammelkonzepte und bewertet, welche Kreislauflösungen sich "
         "wirtschaftlich und ökologisch rechnen, etwa für Mehrwegladungsträger oder Produktionsreste.",
         ("Stoffstromanalyse", "Kreislaufwirtschaft", "Verpackung", "Rücknahmelogistik", "Recycling"),
         ("circular", "logistics", "environment"), (CR, JP)),
    # --- Fraunhofer ISST ----------------------------------------------------------------------------
    Unit("isst-datenwirtschaft", ISST, "Abteilung Datenwirtschaft", INST, "Dortmund",
         "Die Abteilung entwickelt Konzepte, mit denen Unternehmen Daten mit Partnern teilen, ohne die Kontrolle "
         "darüber zu verlieren. Themen sind Datenräume, Nutzungsbedingungen für Daten, Datenqualität und "
         "Geschäftsmodelle, die auf gemeinsam genutzten Daten entlang der Lieferkette aufbauen.",
         ("Datenräume", "Datensouveränität", "Datenqualität", "Geschäftsmodelle", "Datenaustausch"),
         ("computing_ai", "business"), (CR, JP, TR)),
    Unit("isst-software-engineering", ISST, "Abteilung Software-Engineering für datengetriebene Systeme", INST, "Dortmund",
         "Die Abteilung unterstützt beim Entwurf und der Modernisierung betrieblicher Software: von der Anforderung "
         "über die Architektur bis zur Anbindung von Maschinen und Cloud-Diensten. Sie prüft bestehende Systeme, "
         "entwickelt Prototypen und zeigt Wege, gewachsene Insellösungen schrittweise abzulösen.",
         ("Softwarearchitektur", "Prototyping", "Schnittstellen", "Cloud", "Modernisierung"),
         ("computing_ai",), (CR, JP)),
    # --- ISAS ---------------------------------------------------------------------------------------
    Unit("isas-miniaturisierung-optik", ISAS, "Bereich Miniaturisierung und optische Sensorik", INST, "Dortmund",
         "Der Bereich entwickelt kleine, empfindliche Messsysteme auf Basis von Licht, etwa Spektrometer und "
         "mikrofluidische Chips. Für Unternehmen interessant sind Verfahren, mit denen sich Stoffe schnell und "
         "ohne aufwendige Probenvorbereitung bestimmen lassen, zum Beispiel in der Prozess- und Qualitätskontrolle.",
         ("Spektroskopie", "Mikrofluidik", "optische Sensoren", "Prozessanalytik", "Messsysteme"),
         ("chemistry_process", "electrical_automation"), (JP, CR, TH),
         "Reinraum, Laserlabore, Spektrometer."),
    Unit("isas-massenspektrometrie", ISAS, "Bereich Massenspektrometrie und Analytik", INST, "Dortmund",
         "Der Bereich bestimmt kleinste Mengen von Stoffen in komplexen Proben mit hochauflösender "
         "Massenspektrometrie. Methodenentwicklung und Datenauswertung stehen im Vordergrund; Betriebe aus Chemie, "
         "Lebensmitteln und Werkstoffen können gemeinsam mit dem Team Fragestellungen der Spurenanalytik bearbeiten.",
         ("Massenspektrometrie", "Spurenanalytik", "Methodenentwicklung", "Datenauswertung"),
         ("chemistry_process",), (JP, CR),
         "Hochauflösende Massenspektrometer, Chromatographie."),
    # --- Ruhr-Universität Bochum ---------------------------------------------------------------
    Unit("rub-werkstofftechnik", RUB, "Lehrstuhl Werkstofftechnik", U, "Bochum",
         "Der Lehrstuhl erforscht metallische Werkstoffe von der Legierung bis zum Bauteil: Wärmebehandlung, "
         "Ermüdung, Korrosion und das Verhalten bei hohen Temperaturen. Unternehmen finden hier Unterstützung bei "
         "Schadensfällen, bei der Auswahl geeigneter Stähle und bei der Entwicklung ressourcenschonender Werkstoffe.",
         ("Metallische Werkstoffe", "Wärmebehandlung", "Schadensanalyse", "Ermüdung", "Korrosion"),
         ("materials",), (CR, LAB, TH, JP),
         "Elektronenmikroskope, Prüfmaschinen für Zug- und Ermüdungsversuche, Wärmebehandlungsöfen."),
    Unit("rub-produktionssysteme", RUB, "Lehrstuhl für Produktionssysteme", U, "Bochum",
         "Der Lehrstuhl gestaltet Produktionssysteme, in denen Menschen und Technik gut zusammenarbeiten. "
         "Schwerpunkte sind schlanke Abläufe, Montageplanung, Assistenzsysteme und die Qualifizierung von "
         "Beschäftigten. In einer Lernfabrik lassen sich Veränderungen ausprobieren, bevor sie im Betrieb "
         "umgesetzt werden.",
         ("Lean Production", "Montage", "Assistenzsysteme", "Lernfabrik", "Qualifizierung"),
         ("production", "work_hr"), (TR, CR, JP, SP),
         "Lernfabrik mit Montagelinie und digitalen Werkerassistenzsystemen."),
    Unit("rub-it-sicherheit-produktion", RUB, "Fakultät für Informatik – Arbeitsgruppe IT-Sicherheit in der Produktion", U,
         "Bochum",
         "Die Arbeitsgruppe untersucht, wie vernetzte Maschinen und Steuerungen gegen Angriffe geschützt werden. "
         "Sie bewertet Schwachstellen in Industrieprotokollen, entwickelt Methoden zur Erkennung von Angriffen und "
         "zeigt mittelständischen Betrieben, wie sie Sicherheitsrisiken ihrer Anlagen einschätzen können.",
         ("IT-Sicherheit", "Industrieprotokolle", "Angriffserkennung", "Risikoanalyse", "Steuerungstechnik"),
         ("computing_ai", "electrical_automation"), (JP, TH, TR)),
    Unit("rub-energieanlagen", RUB, "Lehrstuhl für Energieanlagen und Energieprozesstechnik", U, "Bochum",
         "Der Lehrstuhl befasst sich mit Verbrennung, Vergasung und der Umstellung industrieller Wärmeprozesse auf "
         "Wasserstoff und andere klimafreundliche Brennstoffe. Messungen an Versuchsanlagen und Simulationen "
         "helfen, Brenner und Öfen sicher umzurüsten und Emissionen zu senken.",
         ("Prozesswärme", "Wasserstoff", "Verbrennung", "Brennstoffumstellung", "Emissionen"),
         ("energy", "chemistry_process"), (CR, JP, TH),
         "Versuchsbrenner und Verbrennungsprüfstände, Abgasanalytik."),
    # --- Hochschule Bochum ------------------------------------------------------------------------
    Unit("hsbo-baustoffe", HSBO, "Fachbereich Bauingenieurwesen – Labor für Baustoffe", UAS, "Bochum",
         "Das Labor prüft Beton, Mörtel und mineralische Reststoffe und entwickelt Rezepturen mit weniger Zement. "
         "Betriebe des Bau- und Baustoffgewerbes erhalten Unterstützung bei Eignungsprüfungen, beim Einsatz von "
         "Recyclingmaterial und bei der Bewertung neuer, klimafreundlicher Baustoffe.",
         ("Beton", "Baustoffprüfung", "Recyclingbaustoffe", "Zementreduktion", "Rezepturen"),
         ("construction", "materials", "circular"), (LAB, SP, TH, CR),
         "Druck- und Biegeprüfmaschinen, Klimakammern, Mischanlagen."),
    Unit("hsbo-elektromobilitaet-antriebe", HSBO, "Fachbereich Elektrotechnik und Informatik – Labor für Elektromobilität und Antriebe",
         UAS, "Bochum",
         "Das Labor arbeitet an elektrischen Antrieben, Batteriesystemen und Ladeinfrastruktur. Unternehmen können "
         "Motoren und Umrichter vermessen lassen, Ladekonzepte für den eigenen Fuhrpark entwickeln oder mit "
         "Studierenden Prototypen für elektrifizierte Maschinen aufbauen.",
         ("Elektrische Antriebe", "Batteriesysteme", "Ladeinfrastruktur", "Umrichter", "Fuhrpark"),
         ("electrical_automation", "energy"), (LAB, SP, TH, CR),
         "Antriebsprüfstände, Batterietestsysteme, Ladesäulen."),
    # --- THGA ---------------------------------------------------------------------------------------
    Unit("thga-nachbergbau", THGA, "Forschungszentrum Nachbergbau", UAS, "Bochum",
         "Das Forschungszentrum beschäftigt sich mit den Folgen des Bergbaus: Grubenwasser, Bodenbewegungen und "
         "die Nachnutzung früherer Flächen. Für Unternehmen relevant sind Messverfahren zur Überwachung von Boden "
         "und Wasser sowie Ideen, wie Grubenwasser als Wärmequelle genutzt werden kann.",
         ("Grubenwasser", "Geomonitoring", "Flächennachnutzung", "Wärme aus Grubenwasser"),
         ("environment", "energy"), (CR, JP, TH)),
    Unit("thga-rohstoffaufbereitung", THGA, "Fachbereich Rohstoff und Prozess – Labor für Rohstoffaufbereitung und Recycling",
         UAS, "Bochum",
         "Das Labor untersucht, wie sich Rohstoffe aus Erzen, Schlacken und Abfällen zurückgewinnen lassen. "
         "Sortieren, Zerkleinern und Trennen werden im Labormaßstab erprobt, bevor Betriebe in Anlagen investieren; "
         "so lässt sich abschätzen, welche Wertstoffe sich wirtschaftlich gewinnen lassen.",
         ("Aufbereitung", "Sortierung", "Sekundärrohstoffe", "Schlacken", "Recycling"),
         ("circular", "chemistry_process"), (LAB, CR, SP, TH),
         "Brecher, Siebe, Sortier- und Trenntechnik im Labormaßstab."),
    # --- Fraunhofer IEG -----------------------------------------------------------------------------
    Unit("ieg-geothermische-energiesysteme", IEG, "Abteilung Geothermische Energiesysteme", INST, "Bochum",
         "Die Abteilung erschließt Erdwärme für Gebäude, Wärmenetze und industrielle Prozesse. Sie bewertet "
         "Standorte, plant Bohrungen und Erdwärmesonden und untersucht, wie Wärme aus dem Untergrund mit "
         "Wärmepumpen und Speichern in Betrieben genutzt werden kann.",
         ("Geothermie", "Erdwärme", "Wärmenetze", "Standortbewertung", "Wärmepumpen"),
         ("energy", "environment"), (CR, JP)),
    Unit("ieg-waermespeicher-wasserstoff", IEG, "Abteilung Wärmespeicher und Wasserstoffinfrastruktur", INST, "Bochum",
         "Die Abteilung entwickelt Speicher, mit denen Wärme über Stunden bis Monate aufbewahrt werden kann, und "
         "untersucht, wie Wasserstoff transportiert und gespeichert wird. Für Betriebe mit Abwärme oder hohem "
         "Wärmebedarf zeigt sie, wie Speicher die Energiekosten senken.",
         ("Wärmespeicher", "Wasserstoff", "Abwärme", "Energiespeicherung", "Infrastruktur"),
         ("energy",), (CR, JP, TH)),
    # --- FernUniversität in Hagen ---------------------------------------------------------------
    Unit("feu-wirtschaftsinformatik", FEU, "Lehrstuhl für Wirtschaftsinformatik – Betriebliche Anwendungssysteme", U, "Hagen",
         "Der Lehrstuhl untersucht, wie Unternehmen ihre Abläufe mit ERP-Systemen, Prozessmodellen und "
         "Automatisierung digital abbilden. Er hilft dabei, Geschäftsprozesse zu analysieren, Software "
         "auszuwählen und Daten aus verschiedenen Systemen für Entscheidungen zusammenzuführen.",
         ("ERP-Systeme", "Geschäftsprozesse", "Prozessmodellierung", "Digitalisierung", "Softwareauswahl"),
         ("computing_ai", "business"), (TH, CR, TR), languages=("de",)),
    Unit("feu-produktion-logistik", FEU, "Lehrstuhl für Betriebswirtschaftslehre, insbesondere Produktion und Logistik", U,
         "Hagen",
         "Der Lehrstuhl entwickelt Planungsverfahren für Produktion und Lieferketten: Losgrößen, Reihenfolgen, "
         "Standorte und Bestände. Mathematische Optimierung und Simulation zeigen, wie Betriebe trotz "
         "schwankender Nachfrage und unsicherer Lieferungen lieferfähig bleiben und Kosten senken.",
         ("Produktionsplanung", "Optimierung", "Bestandsmanagement", "Lieferkette", "Standortplanung"),
         ("business", "logistics"), (TH, CR, JP)),
    Unit("feu-weiterbildung", FEU, "Zentrum für Weiterbildung und digitale Lehre", U, "Hagen",
         "Das Zentrum entwickelt berufsbegleitende Weiterbildungen, die sich mit Arbeit und Familie vereinbaren "
         "lassen. Unternehmen können Zertifikatskurse für ihre Beschäftigten nutzen oder gemeinsam mit dem "
         "Zentrum Lernangebote zu Digitalisierung, Nachhaltigkeit und Führung entwickeln.",
         ("Weiterbildung", "Fernstudium", "digitale Lehre", "Zertifikatskurse", "Fachkräfte"),
         ("work_hr",), (TR, JP)),
    # --- Fachhochschule Südwestfalen (Hagen) ---------------------------------------------------
    Unit("fhswf-leistungselektronik", FHSWF, "Fachbereich Elektrotechnik und Informationstechnik – Labor für Leistungselektronik",
         UAS, "Hagen",
         "Das Labor entwickelt und prüft Umrichter, Netzteile und Schaltungen, die elektrische Energie effizient "
         "wandeln. Unternehmen erhalten Unterstützung bei der Auslegung, bei Messungen zur elektromagnetischen "
         "Verträglichkeit und bei der Frage, wie sich Verluste in Antrieben und Anlagen verringern lassen.",
         ("Leistungselektronik", "Umrichter", "EMV", "Wirkungsgrad", "Schaltungsentwicklung"),
         ("electrical_automation", "energy"), (LAB, SP, TH, CR),
         "Messplätze für Leistungselektronik, EMV-Messtechnik."),
    Unit("fhswf-mechatronik-robotik", FHSWF, "Labor für Mechatronik und Robotik", UAS, "Hagen",
         "Das Labor automatisiert Handhabungs- und Montageaufgaben mit Industrierobotern, Greifern und Kameras. "
         "Kleine Betriebe können hier prüfen, ob sich ein Roboter für ihre Stückzahlen lohnt, und gemeinsam mit "
         "Studierenden Vorrichtungen und Programme für den Einstieg entwickeln.",
         ("Robotik", "Automatisierung", "Handhabung", "Bildverarbeitung", "Greifer"),
         ("electrical_automation", "production"), (SP, TH, LAB, TR),
         "Industrie- und Leichtbauroboter, Bildverarbeitungssysteme."),
    # --- Hochschule Hamm-Lippstadt -------------------------------------------------------------
    Unit("hshl-mensch-technik-interaktion", HSHL, "Labor für Mensch-Technik-Interaktion", UAS, "Hamm",
         "Das Labor untersucht, wie Menschen Maschinen, Software und Assistenzsysteme bedienen und wie sich "
         "Arbeitsplätze ergonomisch gestalten lassen. Mit Nutzertests, Blickerfassung und Prototypen hilft es "
         "Betrieben, Bedienoberflächen verständlicher und Arbeitsplätze belastungsärmer zu machen.",
         ("Ergonomie", "Usability", "Nutzertests", "Assistenzsysteme", "Arbeitsplatzgestaltung"),
         ("work_hr", "computing_ai"), (SP, TH, CR, LAB),
         "Usability-Labor mit Blickerfassung, Bewegungsanalyse."),
    Unit("hshl-produktionslogistik", HSHL, "Labor für Produktionslogistik", UAS, "Hamm",
         "Das Labor beschäftigt sich mit der Steuerung von Aufträgen und Material in der Fertigung: Kanban, "
         "Rüstzeiten, Auftragsreihenfolgen und die Anbindung an ERP-Systeme. In Planspielen und mit "
         "Studierendenprojekten werden Verbesserungen für Betriebe der Region entwickelt.",
         ("Produktionssteuerung", "Kanban", "Rüstzeiten", "Planspiel", "Materialversorgung"),
         ("logistics", "production"), (SP, TH, TR)),
    # --- SRH Hochschule Hamm --------------------------------------------------------------------
    Unit("srh-supply-chain-management", SRH, "Fachbereich Logistik – Supply-Chain-Management", UAS, "Hamm",
         "Der Fachbereich befasst sich mit Einkauf, Transport und der Absicherung von Lieferketten. Lehrende und "
         "Studierende analysieren Lieferantenrisiken, vergleichen Transportkonzepte und entwickeln mit "
         "Unternehmen Strategien für regionale Beschaffung und nachhaltigen Güterverkehr.",
         ("Lieferkettenrisiko", "Einkauf", "Transport", "regionale Beschaffung", "Güterverkehr"),
         ("logistics", "business"), (SP, TH, TR), languages=("de",)),
    Unit("srh-personal-organisation", SRH, "Fachbereich Wirtschaft – Personal und Organisation", UAS, "Hamm",
         "Der Fachbereich untersucht, wie Betriebe Fachkräfte gewinnen, binden und weiterentwickeln. Themen sind "
         "Arbeitgebermarke, Ausbildung, flexible Arbeitsmodelle und die Begleitung von Veränderungen in "
         "Organisationen; Studierende bringen in Projekten den Blick der jungen Generation ein.",
         ("Fachkräftesicherung", "Arbeitgebermarke", "Ausbildung", "Arbeitsmodelle", "Veränderungsmanagement"),
         ("work_hr", "business"), (SP, TH, TR), languages=("de",)),
    # --- fictitious transfer centres, expert companies and associations -------------------------
    Unit("transferzentrum-kreislauf-unna", "Transferzentrum Kreislaufwirtschaft Unna", "", Kind.TRANSFER_CENTRE, "Unna",
         "Das Transferzentrum bringt Betriebe, die Reststoffe haben, mit Betrieben und Hochschulen zusammen, die "
         "sie verwerten können. Es organisiert Werkstattgespräche, vermittelt Ansprechpersonen und begleitet erste "
         "Pilotprojekte, in denen aus Abfall ein Rohstoff wird, bis zur ersten gemeinsamen Anlage.",
         ("Reststoffbörse", "Kreislaufwirtschaft", "Vermittlung", "Pilotprojekte"),
         ("circular", "environment"), (JP, TR), languages=("de",)),
    Unit("innovationsbuero-luenen", "Innovationsbüro Lünen", "Transferstelle Energie und Klima", Kind.TRANSFER_CENTRE, "Lünen",
         "Das Innovationsbüro ist die erste Anlaufstelle für Betriebe, die ihren Energieverbrauch senken oder "
         "klimaneutral werden wollen. Es klärt den Bedarf, stellt Kontakte zu passenden Lehrstühlen und "
         "Fachbetrieben her und hilft bei der Suche nach Fördermitteln für gemeinsame Projekte.",
         ("Energieberatung", "Klimaneutralität", "Fördermittel", "Vermittlung"),
         ("energy", "environment"), (JP, TR), languages=("de",)),
    Unit("werkstoffpruefung-schwerte", "Prüflabor Ruhrtal Schwerte GmbH", "", Kind.COMPANY, "Schwerte",
         "Das akkreditierte Prüflabor untersucht metallische Bauteile und Schweißverbindungen: Härte, Zugfestigkeit, "
         "Gefüge und Rissprüfung. Betriebe erhalten kurzfristig Prüfberichte für Erstmuster und Reklamationen "
         "und eine Beratung, welche Prüfungen ihre Kunden tatsächlich verlangen.",
         ("Werkstoffprüfung", "Schweißnahtprüfung", "Härteprüfung", "Metallographie", "Erstmusterprüfung"),
         ("materials",), (CR, TR, LAB), "Zugprüfmaschinen, Härteprüfer, Metallographie, Ultraschallprüfung.",
         ("de",)),
    Unit("digitalwerk-kamen", "DigitalWerk Kamen GmbH", "", Kind.COMPANY, "Kamen",
         "Das Unternehmen rüstet ältere Maschinen mit Sensoren und Datenanbindung nach, damit Betriebe Stillstände, "
         "Energieverbrauch und Stückzahlen sehen, ohne neue Anlagen kaufen zu müssen. Es liefert Hardware, "
         "Dashboards und die Schulung der Beschäftigten aus einer Hand.",
         ("Retrofit", "Maschinendaten", "Sensorik", "Dashboards", "Energiemonitoring"),
         ("electrical_automation", "computing_ai"), (CR, TR), languages=("de",)),
    Unit("abwaerme-consult-werne", "Abwärme-Consult Werne GmbH", "", Kind.COMPANY, "Werne",
         "Das Ingenieurbüro plant die Nutzung von Abwärme aus Öfen, Kompressoren und Kühlanlagen. Es misst "
         "Temperaturen und Wärmemengen vor Ort, berechnet die Wirtschaftlichkeit von Wärmetauschern und "
         "Wärmepumpen und begleitet die Umsetzung bis zur Inbetriebnahme. Auch Förderanträge für "
         "Effizienzmaßnahmen bereitet das Büro gemeinsam mit den Betrieben vor.",
         ("Abwärmenutzung", "Wärmetauscher", "Wirtschaftlichkeitsberechnung", "Energieeffizienz"),
         ("energy",), (CR,), languages=("de",)),
    Unit("netzwerk-produktion-hellweg", "Netzwerk Produktion Hellweg e.V.", "", Kind.ASSOCIATION, "Holzwickede",
         "Der Verein verbindet produzierende Betriebe zwischen Unna und Hamm. In Arbeitskreisen zu Energie, "
         "Ausbildung und Digitalisierung tauschen sich Geschäftsführungen und Fachleute aus, besuchen sich "
         "gegenseitig und organisieren gemeinsame Schulungen für ihre Beschäftigten. Neue Mitglieder aus "
         "Industrie und Handwerk sind willkommen.",
         ("Unternehmensnetzwerk", "Erfahrungsaustausch", "Arbeitskreise", "Betriebsbesichtigungen"),
         ("work_hr", "business"), (TR,), languages=("de",)),
)  # fmt: skip

# Profiles shown as drafts, and as not reviewed for more than a year, so both states appear in the demo.
DRAFTS = frozenset({"feu-weiterbildung", "netzwerk-produktion-hellweg"})
STALE = frozenset({"isst-software-engineering", "hsbo-baustoffe", "thga-nachbergbau", "srh-personal-organisation"})


CLOSING = {
    Kind.UNIVERSITY: "Anfragen aus Unternehmen sind willkommen: Ein erstes Gespräch dient dazu, die Fragestellung gemeinsam zu "
    "schärfen und den passenden Weg der Zusammenarbeit zu finden.",
    Kind.UAS: "Die Zusammenarbeit ist praxisnah und auch für kleine Betriebe ohne eigene Entwicklungsabteilung geeignet; "
    "Studierende lernen dabei die Unternehmen der Region kennen.",
    Kind.INSTITUTE: "Die Vorhaben reichen von kurzen Machbarkeitsstudien bis zu mehrjährigen Projekten, die gemeinsam mit "
    "Unternehmen und weiteren Forschungspartnern beantragt werden.",
}
CLOSING_OTHER = "Die Zusammenarbeit beginnt mit einem unverbindlichen Gespräch, in dem Bedarf, Zeitrahmen und Kosten geklärt werden."


def description_for(unit: Unit) -> str:
    formats = [FORMAT_WORDS[f] for f in unit.formats]
    listed = formats[0] if len(formats) == 1 else ", ".join(formats[:-1]) + " und " + formats[-1]
    return f"{unit.focus} Für eine Zusammenarbeit bieten sich {listed} an. {CLOSING.get(unit.kind, CLOSING_OTHER)}"


def _email(first: str, last: str) -> str:
    local = ".".join(fold(part).replace(" ", "-") for part in (first, last))
    return f"{''.join(c for c in local if c.isalnum() or c in '.-')}@{DEMO_DOMAIN}"


@transaction.atomic
def seed_competences(*, rng_seed: int = 2026, actor: User | None = None, member: User | None = None) -> list[CompetenceProfile]:
    """Create the demo profiles that do not exist yet; `member` (the kompetenz@ login) maintains MEMBER_PROFILE."""
    rng = random.Random(rng_seed)
    fake = Faker("de_DE")
    fake.seed_instance(rng_seed)
    today = timezone.localdate()
    municipalities = {m.name: m for m in Municipality.objects.all()}
    areas = {a.key: a for a in SubjectArea.objects.all()}
    existing = set(CompetenceProfile.objects.filter(external_id__in=[u.external_id for u in UNITS]).values_list("external_id", flat=True))
    created: list[CompetenceProfile] = []
    for unit in UNITS:
        first_name, last_name = fake.first_name(), fake.last_name()  # drawn on every run: the same names each time
        second = (fake.first_name(), fake.last_name())
        age = rng.randint(20, 700) if unit.external_id in STALE else rng.randint(5, 300)
        if unit.external_id in existing:
            continue
        reviewed_on = today - dt.timedelta(days=400 + age) if unit.external_id in STALE else today - dt.timedelta(days=age)
        profile = services.profile_create(
            actor=actor,
            data={
                "external_id": unit.external_id, "kind": unit.kind, "institution": unit.institution, "unit": unit.unit,
                "municipality": municipalities[unit.city], "description": description_for(unit),
                "keywords": list(unit.keywords), "equipment_labs": unit.equipment, "transfer_formats": list(unit.formats),
                "languages": list(unit.languages),
                "status": ProfileStatus.DRAFT if unit.external_id in DRAFTS else ProfileStatus.PUBLISHED,
                "reviewed_on": reviewed_on,
            },
            subject_areas=[areas[k] for k in unit.areas],
        )  # fmt: skip
        services.contact_add(
            actor=actor, profile=profile,
            data={"name": f"{first_name} {last_name}", "role": "Transferbeauftragte Person" if unit.unit else "Geschäftsführung",
                  "email": _email(first_name, last_name), "phone": f"0231 {rng.randint(100000, 999999)}", "is_public": True},
        )  # fmt: skip
        if rng.random() < 0.5:
            services.contact_add(
                actor=actor, profile=profile,
                data={"name": f"{second[0]} {second[1]}", "role": "Labor- und Projektleitung",
                      "email": _email(*second), "is_public": False},
            )  # fmt: skip
        created.append(profile)
    if member is not None and not ProfileMember.objects.filter(user=member).exists():
        profile = CompetenceProfile.objects.filter(external_id=MEMBER_PROFILE).first()
        if profile is not None:
            services.member_add(actor=actor, profile=profile, user=member)
    return created
