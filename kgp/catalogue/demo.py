"""Demo offers for the catalogue: about thirty realistic offers across the four modules and all topics.

Universities and institutes of the region are real and named; the descriptions are the project's own
words. Companies and people mentioned are fictitious. `seed_offers` goes through the services, so
every offer is validated, rendered, searchable and in the audit log; running it again changes only
what differs (matched by slug).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from kgp.companies.models import Topic
from kgp.organisations.models import Organisation

from . import services
from .models import Format, Module, Offer, OfferStatus, ProviderKind, TargetGroup

P, N, C = ProviderKind.PARTNERS, ProviderKind.NETWORK, ProviderKind.COMPETENCE_HOLDER


def _offer(
    slug: str,
    title: str,
    summary: str,
    description: str,
    module: str,
    format: str,
    topics: tuple[str, ...],
    *,
    kind: str = P,
    providers: tuple[str, ...] = (),
    holder: tuple[str, str] = ("", ""),
    owner: str | None = None,
    target: str = TargetGroup.SME,
    hours: str | None = None,
    de_minimis: str | None = None,
    after: str = "",
    status: str = OfferStatus.PUBLISHED,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> dict[str, Any]:
    return {
        "slug": slug, "title": title, "summary": summary, "description": description.strip(), "module": module,
        "format": format, "topics": topics, "provider_kind": kind, "providers": providers,
        "competence_holder_name": holder[0], "competence_holder_url": holder[1], "owner": owner,
        "target_group": target, "effort_hours": Decimal(hours) if hours else None,
        "is_de_minimis": de_minimis is not None, "de_minimis_value": Decimal(de_minimis) if de_minimis else None,
        "after_request": after, "status": status, "valid_from": valid_from, "valid_until": valid_until,
    }  # fmt: skip


OFFERS: tuple[dict[str, Any], ...] = (
    # --- Informieren ---------------------------------------------------------------------------
    _offer(
        "webinarreihe-energieeffizienz-in-der-produktion",
        "Webinarreihe Energieeffizienz in der Produktion",
        "Vier kompakte Online-Termine zu Druckluft, Abwärme, Beleuchtung und Lastmanagement – mit Beispielen aus "
        "Betrieben der Region und Zeit für Ihre Fragen.",
        """
Energie ist für viele Fertigungsbetriebe zum größten Kostenrisiko geworden. In vier Webinaren à 90 Minuten
zeigen Energieberaterinnen und -berater, wo in typischen Produktionen die größten Einsparpotenziale liegen.

- Druckluft: Leckagen finden und Drücke senken
- Abwärme: Wärme aus Kompressoren und Öfen nutzen
- Beleuchtung und Hallentechnik
- Lastmanagement und Spitzenlast vermeiden

Alle Termine werden aufgezeichnet; die Folien erhalten Sie im Anschluss.
""",
        Module.INFORM, Format.WEBINAR, ("energy", "climate"), kind=N, hours="6", target=TargetGroup.ALL,
        after="Sie erhalten die Zugangsdaten für alle vier Termine per E-Mail. Eine Anmeldung gilt für die ganze Reihe.",
    ),
    _offer(
        "infoveranstaltung-foerderprogramme-gruene-transformation",
        "Infoveranstaltung Förderprogramme für die grüne Transformation",
        "Welche Förderung passt zu Ihrer Investition in Klimaschutz, Energieeffizienz oder Digitalisierung? "
        "Ein Überblick über Landes-, Bundes- und EU-Programme an einem Nachmittag.",
        """
Die Förderlandschaft ist groß und ändert sich häufig. Wir stellen die wichtigsten Programme für
produzierende KMU vor – von Zuschüssen für effiziente Anlagen bis zu Programmen für Digitalisierung
und Innovation – und erklären, worauf es bei Anträgen ankommt.

Im Anschluss stehen die Förderlotsinnen und -lotsen der Wirtschaftsförderungen für kurze Einzelgespräche bereit.
""",
        Module.INFORM, Format.INFO_EVENT, ("funding", "climate", "energy"), providers=("dortmund", "bochum"), hours="3",
        target=TargetGroup.ALL,
    ),
    _offer(
        "leitfaden-co2-bilanz-fuer-kmu",
        "Leitfaden: Die erste CO2-Bilanz im Mittelstand",
        "Schritt für Schritt zur ersten Treibhausgasbilanz: welche Daten Sie brauchen, wie Sie Scope 1, 2 und 3 "
        "abgrenzen und welche Fehler Sie vermeiden.",
        """
Kunden, Banken und Behörden fragen immer häufiger nach dem CO2-Fußabdruck. Unser Leitfaden erklärt
verständlich, wie Sie mit vorhandenen Daten aus Strom-, Gas- und Tankrechnungen beginnen.

### Inhalt

1. Warum eine Bilanz? Anforderungen aus Lieferkette und Finanzierung
2. Systemgrenzen und die drei Scopes
3. Datenerhebung mit Vorlagen
4. Vom Ergebnis zu ersten Maßnahmen
""",
        Module.INFORM, Format.FACTSHEET, ("climate",), kind=N, hours="2", target=TargetGroup.ALL,
        after="Den Leitfaden senden wir Ihnen als PDF zu. Wenn Sie möchten, meldet sich danach Ihre Wirtschaftsförderung "
        "für ein kurzes Gespräch über die nächsten Schritte.",
    ),
    _offer(
        "factsheet-kreislaufwirtschaft-im-maschinenbau",
        "Factsheet Kreislaufwirtschaft im Maschinenbau",
        "Kompakt auf vier Seiten: Remanufacturing, recyclinggerechte Konstruktion und neue Geschäftsmodelle wie "
        "Leasing von Maschinen.",
        """
Kreislaufwirtschaft beginnt in der Konstruktion. Das Factsheet zeigt an Beispielen, wie Maschinenbauer
Material sparen, Bauteile wiederaufbereiten und mit Service-Modellen neue Umsätze erzielen.

Mit einer Checkliste für die eigene Produktpalette.
""",
        Module.INFORM, Format.FACTSHEET, ("circular",), providers=("hagen",), hours="1", target=TargetGroup.ALL,
    ),
    _offer(
        "webinar-resilienz-in-der-vernetzten-fabrik",
        "Webinar: Cybersicherheit und Resilienz in der vernetzten Fabrik",
        "Wie schützen Sie Steuerungen, Maschinen und Daten, wenn die Produktion zunehmend vernetzt ist? "
        "Praxisnahe Einführung mit Notfallcheckliste.",
        """
Ein Ausfall der IT legt heute oft auch die Fertigung lahm. Im Webinar erfahren Sie, welche Angriffe
Produktionsbetriebe typischerweise treffen und mit welchen einfachen Maßnahmen Sie vorbeugen.

- Netze von Büro und Produktion trennen
- Fernwartung sicher gestalten
- Notfallplan und Wiederanlauf üben
""",
        Module.INFORM, Format.WEBINAR, ("resilience", "smart"), providers=("bochum",), hours="2",
    ),
    _offer(
        "newsletter-kompetenzregion-gruene-produktion",
        "Newsletter Kompetenzregion grüne Produktion",
        "Einmal im Monat: Termine, neue Förderprogramme, Praxisbeispiele und Kooperationsangebote der "
        "Hochschulen aus der Region.",
        """
Der Newsletter bündelt, was für produzierende Unternehmen in Dortmund, Bochum, Hagen, Hamm und im
Kreis Unna wichtig ist. Sie können ihn jederzeit abbestellen.
""",
        Module.INFORM, Format.OTHER, ("funding", "cooperation", "climate"), kind=N, hours="0.5", target=TargetGroup.ALL,
        after="Sie erhalten eine E-Mail, mit der Sie Ihre Anmeldung bestätigen. Danach kommt der Newsletter einmal im Monat.",
    ),
    _offer(
        "workshop-digitaler-zwilling-fuer-einsteiger",
        "Workshop: Digitaler Zwilling für Einsteiger",
        "Ein Tag zum Ausprobieren: Was ein digitaler Zwilling Ihrer Anlage leisten kann, welche Daten er braucht "
        "und wie kleine Betriebe klein anfangen.",
        """
Im Workshop arbeiten Sie an einem Demonstrator mit realen Maschinendaten. Sie lernen, wie sich
Stillstände vorhersagen und Rüstzeiten verkürzen lassen – ohne große IT-Abteilung.

**Mitbringen:** eine Idee, welche Anlage Sie gern besser verstehen würden.
""",
        Module.INFORM, Format.WORKSHOP, ("smart",), providers=("dortmund",), hours="8",
    ),
    _offer(
        "infoabend-fachkraefte-sichern",
        "Infoabend Fachkräfte sichern: Ausbildung und Nachwuchs in der Produktion",
        "Wie gewinnen Sie Auszubildende, Studierende und Fachkräfte für Ihren Betrieb? Erfahrungen aus "
        "Unternehmen und Angebote der Region.",
        """
Der Fachkräftemangel trifft die Industrie besonders. Am Infoabend berichten Ausbildungsleiterinnen
aus der Region, was bei der Nachwuchsgewinnung wirkt: Praktika, duale Studiengänge, Ausbildungsmessen
und Kooperationen mit Schulen.
""",
        Module.INFORM, Format.INFO_EVENT, ("talent",), providers=("hamm", "unna"), hours="3", target=TargetGroup.ALL,
    ),
    _offer(
        "unternehmensbesuch-energieautarke-fertigung",
        "Unternehmensbesuch: Energieautarke Fertigung in Kamen",
        "Ein fiktives Praxisbeispiel zum Anfassen: Ein Metallverarbeiter zeigt Photovoltaik, Speicher und "
        "Wärmepumpe in der eigenen Halle.",
        """
Die (fiktive) Muster Metalltechnik GmbH versorgt ihre Fertigung inzwischen zu großen Teilen selbst
mit Energie. Bei der Führung sehen Sie die Anlagen und sprechen mit der Geschäftsführung über
Planung, Kosten und Erfahrungen.
""",
        Module.INFORM, Format.COMPANY_VISIT, ("energy", "climate"), providers=("unna",), hours="4",
    ),
    # --- Coachen -------------------------------------------------------------------------------
    _offer(
        "erstgespraech-transformation",
        "Erstgespräch Transformation",
        "Ihr Einstieg: In einem Gespräch mit Ihrer Wirtschaftsförderung klären Sie, wo Ihr Betrieb steht und "
        "welche Angebote aus dem Baukasten zu Ihnen passen.",
        """
Das Erstgespräch dauert etwa zwei Stunden, gern bei Ihnen im Betrieb. Wir sprechen über Energie,
Klimaschutz, Lieferketten, Digitalisierung und Fachkräfte – und vereinbaren, wie es weitergeht.

Wenn Sie vorher den Transformations-Check ausfüllen, können wir direkt an Ihren Ergebnissen ansetzen.
""",
        Module.COACH, Format.CONSULTATION, ("resilience", "climate", "smart", "funding"), kind=N, hours="2",
    ),
    _offer(
        "energieeffizienz-check-vor-ort",
        "Energieeffizienz-Check vor Ort",
        "Eine Energieberaterin oder ein Energieberater geht mit Ihnen durch den Betrieb, misst die größten "
        "Verbraucher und zeigt die wirtschaftlichsten Maßnahmen.",
        """
Der Check umfasst eine Begehung, Kurzzeitmessungen an den größten Verbrauchern und einen kompakten
Bericht mit Maßnahmen, Kosten und Amortisationszeiten.

- Analyse von Strom-, Gas- und Wärmeverbrauch
- Messung an Druckluft, Kälte und Antrieben
- Maßnahmenliste mit Prioritäten und Förderhinweisen
""",
        Module.COACH, Format.COACHING, ("energy", "climate"), providers=("dortmund", "hamm"), hours="8",
        de_minimis="1800",
        after="Ihre Wirtschaftsförderung meldet sich innerhalb einer Woche, klärt mit Ihnen den Termin der Begehung und "
        "bittet Sie um die De-minimis-Erklärung sowie die Energierechnungen der letzten zwölf Monate.",
    ),
    _offer(
        "co2-bilanz-fuer-kmu",
        "CO2-Bilanz für KMU",
        "Gemeinsam mit einer erfahrenen Beraterin erstellen Sie die Treibhausgasbilanz Ihres Unternehmens – "
        "als Grundlage für Kundenanfragen, Finanzierung und Klimaziele.",
        """
Im Coaching erheben Sie Schritt für Schritt Ihre Daten, berechnen Scope 1 und 2 und schätzen die
wichtigsten Quellen in Scope 3 ab. Am Ende steht eine Bilanz, die Sie selbst fortschreiben können.

### Ablauf

1. Auftaktgespräch und Datenliste
2. Zwei Arbeitstermine zur Berechnung
3. Ergebnisbesprechung mit ersten Reduktionszielen
""",
        Module.COACH, Format.COACHING, ("climate",), providers=("bochum", "hagen"), hours="16", de_minimis="2400",
    ),
    _offer(
        "resilienz-coaching-lieferkette",
        "Resilienz-Coaching Lieferkette",
        "Wo ist Ihre Lieferkette verwundbar? Im Coaching analysieren Sie kritische Teile und Lieferanten und "
        "entwickeln Alternativen – gern auch mit Partnern aus der Region.",
        """
Lieferengpässe, Preissprünge und Ausfälle einzelner Zulieferer haben viele Betriebe hart getroffen.
Das Coaching hilft Ihnen, Risiken systematisch zu bewerten.

- Risikolandkarte Ihrer wichtigsten Vorprodukte
- Szenarien für Ausfälle und Preisschocks
- Regionale Alternativlieferanten und Kooperationen
""",
        Module.COACH, Format.COACHING, ("resilience", "supply_chain"), providers=("dortmund", "unna"), hours="20",
        de_minimis="3000",
    ),
    _offer(
        "digitalisierungs-coaching-vernetzte-fertigung",
        "Digitalisierungs-Coaching: Vom Papier zur vernetzten Fertigung",
        "Auftragsmappen, Excel-Listen, Zettelwirtschaft? Das Coaching zeigt, welche Digitalisierungsschritte "
        "sich in Ihrem Betrieb zuerst lohnen.",
        """
Ein Digitalisierungscoach nimmt Ihre Abläufe vom Auftragseingang bis zum Versand auf und entwickelt
mit Ihnen eine Roadmap: von der Betriebsdatenerfassung bis zur Anbindung an Ihr ERP-System.
""",
        Module.COACH, Format.COACHING, ("smart",), providers=("bochum",), hours="18", de_minimis="2700",
    ),
    _offer(
        "foerdermittelberatung-klimaschutzinvestitionen",
        "Fördermittelberatung für Investitionen in Klimaschutz",
        "Sie planen eine neue Anlage, eine Photovoltaikanlage oder die Umstellung auf Wärmepumpen? Wir prüfen "
        "mit Ihnen, welche Förderung infrage kommt.",
        """
Die Förderlotsinnen und -lotsen der Wirtschaftsförderungen kennen die Programme von Land, Bund und EU.
Sie beraten Sie unabhängig und helfen, Fristen und Voraussetzungen im Blick zu behalten.
""",
        Module.COACH, Format.CONSULTATION, ("funding", "climate", "energy"), kind=N, hours="3", target=TargetGroup.ALL,
    ),
    _offer(
        "coaching-kreislaufwirtschaft-materialeffizienz",
        "Coaching Kreislaufwirtschaft und Materialeffizienz",
        "Weniger Ausschuss, weniger Verschnitt, mehr Wiederverwertung: Ein Coaching für Betriebe, die Material "
        "und Kosten sparen wollen.",
        """
Gemeinsam mit einem Materialeffizienz-Experten betrachten Sie Ihre Materialflüsse, identifizieren
Verluste und prüfen, welche Reststoffe sich verwerten oder vermeiden lassen.
""",
        Module.COACH, Format.COACHING, ("circular",), providers=("hagen",), hours="14", de_minimis="2100",
    ),
    _offer(
        "fachkraefte-coaching-arbeitgeberattraktivitaet",
        "Fachkräfte-Coaching: Arbeitgeberattraktivität in der Produktion",
        "Wie wird Ihr Betrieb für Bewerberinnen und Bewerber sichtbar? Ein Coaching zu Arbeitgebermarke, "
        "Ausbildung und Bindung von Beschäftigten.",
        """
Im Coaching entwickeln Sie konkrete Maßnahmen: von der Stellenanzeige über Social Media bis zu
flexiblen Schichtmodellen und Weiterbildung.
""",
        Module.COACH, Format.COACHING, ("talent",), providers=("hamm",), hours="10", de_minimis="1500",
    ),
    _offer(
        "krisenvorsorge-coaching-energieversorgung",
        "Krisenvorsorge-Coaching Energieversorgung",
        "Was tun, wenn Gas knapp oder Strom teuer wird? Ein Coaching zu Notfallplänen, Eigenversorgung und "
        "Verträgen.",
        """
Entwurf: Inhalte werden noch mit den Energieagenturen abgestimmt.
""",
        Module.COACH, Format.COACHING, ("energy", "resilience"), providers=("unna",), hours="8", de_minimis="1200",
        status=OfferStatus.DRAFT,
    ),
    # --- Vernetzen -----------------------------------------------------------------------------
    _offer(
        "matchmaking-tu-dortmund-produktion-und-logistik",
        "Matchmaking mit der TU Dortmund: Produktionstechnik und Logistik",
        "Wir bringen Sie mit Lehrstühlen der Technischen Universität Dortmund zusammen, die zu Ihrer "
        "Fragestellung forschen – von der Fertigungstechnik bis zur Logistik.",
        """
Die TU Dortmund forscht in vielen Feldern, die für produzierende Betriebe wichtig sind. Wir klären
Ihre Fragestellung und vermitteln ein erstes Gespräch mit einem passenden Lehrstuhl.
""",
        Module.CONNECT, Format.MATCHMAKING, ("cooperation", "smart", "supply_chain"), kind=C,
        holder=("Technische Universität Dortmund", "https://www.tu-dortmund.de"), owner="dortmund", hours="4",
    ),
    _offer(
        "kontakt-ruhr-universitaet-bochum",
        "Kontakt zur Ruhr-Universität Bochum: Werkstoffe und Energiesysteme",
        "Vermittlung zu Forschungsgruppen der Ruhr-Universität Bochum für Fragen zu Werkstoffen, "
        "Oberflächen und Energiesystemen.",
        """
Ob neue Werkstoffe, Beschichtungen oder die Energieversorgung Ihres Standorts: Wir stellen den Kontakt
zu Forschenden her, die Ihre Frage weiterbringen können.
""",
        Module.CONNECT, Format.MATCHMAKING, ("cooperation", "energy"), kind=C,
        holder=("Ruhr-Universität Bochum", "https://www.ruhr-uni-bochum.de"), owner="bochum", hours="4",
    ),
    _offer(
        "hochschulkooperation-fh-dortmund",
        "Hochschulkooperation mit der FH Dortmund: Praxisprojekte und Abschlussarbeiten",
        "Studierende der Fachhochschule Dortmund bearbeiten eine Fragestellung aus Ihrem Betrieb – als "
        "Projektarbeit oder Abschlussarbeit.",
        """
Praxisprojekte sind ein einfacher Einstieg in die Zusammenarbeit mit einer Hochschule – und ein Weg,
künftige Fachkräfte kennenzulernen. Wir helfen bei der Formulierung der Aufgabe und vermitteln
betreuende Professorinnen und Professoren.
""",
        Module.CONNECT, Format.MATCHMAKING, ("cooperation", "talent"), kind=C,
        holder=("Fachhochschule Dortmund", "https://www.fh-dortmund.de"), owner="dortmund", hours="6",
    ),
    _offer(
        "vernetzung-hochschule-hamm-lippstadt",
        "Vernetzung mit der Hochschule Hamm-Lippstadt: Energie und Automatisierung",
        "Kontakt zu Laboren der Hochschule Hamm-Lippstadt für Fragen zu Energietechnik, Automatisierung "
        "und Mechatronik.",
        """
Die Hochschule bietet Laborversuche, Messungen und gemeinsame Projekte an. Wir klären mit Ihnen,
was Sie brauchen, und stellen den Kontakt her.
""",
        Module.CONNECT, Format.MATCHMAKING, ("cooperation", "energy", "smart"), kind=C,
        holder=("Hochschule Hamm-Lippstadt", "https://www.hshl.de"), owner="hamm", hours="4",
    ),
    _offer(
        "fernuniversitaet-hagen-weiterbildung",
        "FernUniversität in Hagen: Weiterbildung und digitale Lernformate für Beschäftigte",
        "Berufsbegleitend weiterbilden: Wir vermitteln den Kontakt zu Weiterbildungsangeboten und "
        "Forschungsprojekten der FernUniversität in Hagen.",
        """
Für Beschäftigte, die sich neben der Arbeit qualifizieren möchten, und für Betriebe, die digitale
Lernformate einführen wollen.
""",
        Module.CONNECT, Format.MATCHMAKING, ("talent", "smart", "cooperation"), kind=C,
        holder=("FernUniversität in Hagen", "https://www.fernuni-hagen.de"), owner="hagen", hours="3",
        target=TargetGroup.ALL,
    ),
    _offer(
        "regionale-lieferantenboerse-westfalen",
        "Regionale Lieferantenbörse",
        "Finden Sie Zulieferer und Abnehmer in der Region: kurze Wege, weniger Abhängigkeit von fernen "
        "Lieferketten. Mit vorbereiteten Gesprächen.",
        """
Sie nennen uns, was Sie suchen oder anbieten – Teile, Oberflächenbehandlung, Baugruppen, Logistik.
Wir suchen passende Betriebe aus den fünf Partnerregionen und organisieren kurze Gespräche.
""",
        Module.CONNECT, Format.MATCHMAKING, ("supply_chain", "resilience"), kind=N, hours="5",
    ),
    _offer(
        "peer-group-energiemanagement",
        "Peer-Group Energiemanagement",
        "Energieverantwortliche aus Produktionsbetrieben tauschen sich regelmäßig aus: vertraulich, "
        "praxisnah, moderiert.",
        """
Sechs Treffen im Jahr, jeweils in einem anderen Betrieb. Die Gruppe bespricht Messkonzepte, Projekte
und Erfahrungen mit Dienstleistern. Maximal zwölf Unternehmen.
""",
        Module.CONNECT, Format.PEER_GROUP, ("energy", "climate"), providers=("dortmund", "hamm"), hours="12",
    ),
    _offer(
        "unternehmensnetzwerk-kreislaufwirtschaft",
        "Unternehmensnetzwerk Kreislaufwirtschaft",
        "Betriebe aus Hagen und dem Kreis Unna entwickeln gemeinsam Lösungen für Reststoffe, Verpackungen und "
        "Rücknahmesysteme.",
        """
Was für den einen Abfall ist, ist für den anderen Rohstoff. Im Netzwerk entstehen Kooperationen
zwischen Betrieben – von der gemeinsamen Entsorgung bis zum Mehrwegsystem.
""",
        Module.CONNECT, Format.PEER_GROUP, ("circular", "supply_chain"), providers=("hagen", "unna"), hours="10",
    ),
    # --- Transfer ------------------------------------------------------------------------------
    _offer(
        "transferprojekt-intralogistik-fraunhofer-iml",
        "Transferprojekt Intralogistik mit dem Fraunhofer IML",
        "Gemeinsam mit dem Fraunhofer-Institut für Materialfluss und Logistik untersuchen Sie Ihre "
        "innerbetriebliche Logistik und erproben Verbesserungen.",
        """
In einem kleinen Transferprojekt analysieren Forschende Ihre Materialflüsse, simulieren Alternativen
und begleiten die Umsetzung eines ersten Piloten, etwa fahrerlose Transportsysteme oder eine neue
Lagerstrategie.
""",
        Module.TRANSFER, Format.TRANSFER_PROJECT, ("smart", "supply_chain", "cooperation"), kind=C,
        holder=("Fraunhofer-Institut für Materialfluss und Logistik IML", "https://www.iml.fraunhofer.de"),
        owner="dortmund", hours="40", target=TargetGroup.ALL,
    ),
    _offer(
        "machbarkeitsstudie-abwaermenutzung",
        "Machbarkeitsstudie Abwärmenutzung mit Hochschulpartnern",
        "Wie viel Wärme aus Ihren Prozessen lässt sich nutzen? Studierende und Forschende der Region "
        "erstellen eine Machbarkeitsstudie.",
        """
Die Studie bewertet Wärmequellen und -senken in Ihrem Betrieb, schlägt technische Lösungen vor und
rechnet Einsparung und Wirtschaftlichkeit. Die Wirtschaftsförderung koordiniert das Projekt.
""",
        Module.TRANSFER, Format.TRANSFER_PROJECT, ("energy", "climate", "cooperation"), providers=("bochum", "hamm"),
        hours="30",
    ),
    _offer(
        "transferprojekt-ki-qualitaetspruefung",
        "Studentisches Transferprojekt: KI-gestützte Qualitätsprüfung",
        "Ein Team von Studierenden entwickelt mit Ihnen einen Prototypen für die automatische optische "
        "Prüfung Ihrer Bauteile.",
        """
Ein Semester lang arbeitet ein interdisziplinäres Team an Ihrer Prüfaufgabe: Bilddaten sammeln,
Modell trainieren, Ergebnis bewerten. Sie stellen Bauteile und eine Ansprechperson.
""",
        Module.TRANSFER, Format.TRANSFER_PROJECT, ("smart", "talent", "cooperation"), providers=("dortmund", "hagen"),
        hours="24",
    ),
    _offer(
        "transfergutschein-ressourceneffizienz",
        "Transfergutschein Ressourceneffizienz",
        "Ein Institut der Region untersucht eine konkrete Frage zur Material- oder Energieeinsparung in "
        "Ihrem Betrieb – bis zu fünf Forschungstage.",
        """
Mit dem Transfergutschein beauftragt die Wirtschaftsförderung ein Institut, Ihre Frage zu bearbeiten:
Werkstoffsubstitution, Prozessoptimierung oder Recyclingfähigkeit. Für Sie ist die Leistung kostenlos;
sie gilt als De-minimis-Beihilfe.
""",
        Module.TRANSFER, Format.TRANSFER_PROJECT, ("circular", "funding", "cooperation"), kind=N, hours="20",
        de_minimis="5000",
    ),
    # --- no longer or not yet in the catalogue ---------------------------------------------------
    _offer(
        "online-seminar-energiepreisbremse",
        "Online-Seminar Energiepreisbremsen",
        "Was die Preisbremsen für Strom und Gas für Ihren Betrieb bedeuteten. (Abgeschlossen.)",
        """
Die Preisbremsen sind ausgelaufen; das Seminar wird nicht mehr angeboten.
""",
        Module.INFORM, Format.WEBINAR, ("energy", "funding"), providers=("unna",), hours="1.5",
        status=OfferStatus.ARCHIVED, valid_from=dt.date(2023, 1, 1), valid_until=dt.date(2023, 12, 31),
    ),
    _offer(
        "workshop-wasserstoff-in-der-produktion",
        "Workshop Wasserstoff in der Produktion",
        "Für welche Prozesse kommt Wasserstoff infrage, und wann? Ein Workshop mit Fachleuten aus Forschung "
        "und Energiewirtschaft.",
        """
In Vorbereitung.
""",
        Module.INFORM, Format.WORKSHOP, ("energy", "climate"), providers=("hamm",), hours="6",
        status=OfferStatus.DRAFT,
    ),
    _offer(
        "sprechstunde-lieferkettengesetz",
        "Sprechstunde Lieferkettengesetz",
        "Offene Sprechstunde zu den Sorgfaltspflichten in der Lieferkette für Zulieferer großer Unternehmen.",
        """
Die Sprechstunde lief bis Mitte 2025.
""",
        Module.COACH, Format.CONSULTATION, ("supply_chain",), providers=("bochum",), hours="1",
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2025, 6, 30),
    ),
)


@transaction.atomic
def seed_offers(*, rng_seed: int = 0) -> list[Offer]:
    """Create or update the demo offers (matched by slug) through the services; returns them in order.

    `rng_seed` picks which agency maintains each network-wide offer (the coordination at the lead
    partner, or one of the other agencies), so repeated runs with one seed change nothing.
    """
    rng = random.Random(rng_seed)
    orgs = {o.key: o for o in Organisation.objects.all()}
    topics = {t.key: t for t in Topic.objects.all()}
    lead = next((o for o in orgs.values() if o.is_lead_partner), orgs.get("dortmund"))
    existing = {o.slug: o for o in Offer.objects.filter(slug__in=[spec["slug"] for spec in OFFERS])}
    result = []
    for spec in OFFERS:
        spec = dict(spec)
        topic_list = [topics[k] for k in spec.pop("topics")]
        provider_list = [orgs[k] for k in spec.pop("providers")]
        owner_key = spec.pop("owner")
        if owner_key:
            owner = orgs[owner_key]
        elif provider_list:
            owner = provider_list[0]
        else:
            owner = rng.choice([lead, lead, *sorted(orgs.values(), key=lambda o: o.key)])
        spec["owner"] = owner
        offer = existing.get(spec["slug"])
        if offer is None:
            offer = services.offer_create(actor=None, data=spec, topics=topic_list, providers=provider_list)
        else:
            offer = services.offer_update(actor=None, offer=offer, data=spec, topics=topic_list, providers=provider_list)
        result.append(offer)
    return result
