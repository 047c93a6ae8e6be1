"""The consent texts, versioned. The exact text shown is stored with every consent record."""

from __future__ import annotations

from django.utils.translation import get_language

VERSION = "2026-11"

TEXTS: dict[str, dict[str, str]] = {
    "network_sharing": {
        "de": (
            "Wir sind damit einverstanden, dass alle fünf Wirtschaftsförderungen des Netzwerks "
            "In|Die RegionWestfalen (Dortmund, Bochum, Hagen, Hamm, Kreis Unna) die Stammdaten unseres "
            "Unternehmens und unsere Themen einsehen, um uns passende Angebote, Kontakte zu Hochschulen und "
            "anderen Unternehmen zu vermitteln. Die Einwilligung kann jederzeit mit Wirkung für die Zukunft "
            "widerrufen werden."
        ),
        "en": (
            "We agree that all five economic development agencies of the In|Die RegionWestfalen network "
            "(Dortmund, Bochum, Hagen, Hamm, Kreis Unna) may see our company's master data and topics in order "
            "to offer us suitable support and introductions to universities and other companies. This consent "
            "can be withdrawn at any time with effect for the future."
        ),
    },
    "newsletter": {
        "de": (
            "Wir möchten den Newsletter der Kompetenzregion grüne Produktion per E-Mail erhalten. "
            "Die Abmeldung ist jederzeit möglich."
        ),
        "en": "We would like to receive the newsletter of the Kompetenzregion by e-mail. We can unsubscribe at any time.",
    },
    "contact": {
        "de": (
            "Die Person ist damit einverstanden, von der zuständigen Wirtschaftsförderung zu Angeboten der "
            "Kompetenzregion per E-Mail oder Telefon kontaktiert zu werden. Widerruf jederzeit möglich."
        ),
        "en": (
            "The person agrees to be contacted by the responsible agency by e-mail or phone about offers of the "
            "Kompetenzregion. This can be withdrawn at any time."
        ),
    },
    "request": {
        "de": (
            "Ich bin damit einverstanden, dass die zuständige Wirtschaftsförderung des Netzwerks "
            "In|Die RegionWestfalen die Angaben dieser Anfrage (Unternehmensdaten, Ansprechperson, Nachricht, "
            "gewählte Angebote) speichert und verarbeitet, um die Anfrage zu beantworten und mich zu den gewählten "
            "Angeboten zu beraten. Ist eine andere Wirtschaftsförderung des Netzwerks zuständig, wird die Anfrage "
            "dorthin weitergegeben. Die Einwilligung kann jederzeit mit Wirkung für die Zukunft widerrufen werden."
        ),
        "en": (
            "I agree that the responsible economic development agency of the In|Die RegionWestfalen network "
            "stores and processes the details of this request (company data, contact person, message, chosen "
            "offers) in order to answer the request and advise me on the chosen offers. If another agency of the "
            "network is responsible, the request is passed on to it. This consent can be withdrawn at any time "
            "with effect for the future."
        ),
    },
}


def consent_text(kind: str, language: str | None = None) -> str:
    lang = (language or get_language() or "de")[:2]
    texts = TEXTS[kind]
    return texts.get(lang, texts["de"])
