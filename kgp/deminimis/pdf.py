"""The De-minimis-Bescheinigung as PDF (WeasyPrint), rendered without any external resource."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format

from .models import AidGrant


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """Refuses everything but data: URLs, so rendering never reads files or the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"external resource refused: {url[:80]}")
            return super().fetch(url, headers)

    return DataOnlyFetcher(allowed_protocols=("data",))


def certificate_context(grant: AidGrant) -> dict[str, object]:
    company = grant.company
    with translation.override("de"):
        value = number_format(grant.value_eur, decimal_pos=2, use_l10n=True, force_grouping=True)
    return {
        "grant": grant,
        "company": company,
        "legal_form": company.get_legal_form_display() if company.legal_form else "",
        "value": value,
        "granted_on": grant.granted_on.strftime("%d.%m.%Y"),
        "issued_on": grant.created_at.strftime("%d.%m.%Y") if grant.created_at else "",
        "agency": grant.organisation,
    }


def certificate_filename(grant: AidGrant) -> str:
    return f"De-minimis-Bescheinigung-{grant.certificate_number}.pdf"


def render_certificate(grant: AidGrant) -> bytes:
    """The certificate for one grant, in German (it is the document the company keeps for 10 years)."""
    from weasyprint import HTML

    with translation.override("de"):
        html = render_to_string("pdf/deminimis_certificate.html", certificate_context(grant))
    return HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
