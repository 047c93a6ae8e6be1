"""Public portal: the offer catalogue (/angebote/) and the offer pages (/angebote/<slug>/).

Open to everyone. Only published offers valid today are shown; anything else answers 404.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from kgp.catalogue import access
from kgp.catalogue.filters import OfferFilter
from kgp.catalogue.models import Format, Module
from kgp.catalogue.texts import after_request_text, de_minimis_note, effort_text
from kgp.companies.models import Topic
from kgp.organisations.models import Organisation

PER_PAGE = 20
RESULTS_ID = "offer-results"

MODULE_INTROS = {
    Module.INFORM: gettext_lazy(
        "Information events, webinars, factsheets and the newsletter on energy, climate, resilience and digitalisation."
    ),
    Module.COACH: gettext_lazy(
        "Individual coaching and consulting by the agencies or external experts – starting with a first consultation."
    ),
    Module.CONNECT: gettext_lazy(
        "Introductions to universities, institutes and other competence holders, and exchange with other companies."
    ),
    Module.TRANSFER: gettext_lazy(
        "Technology transfer projects together with the region's universities and research institutes."
    ),
}


def _module_tabs(request: HttpRequest, current: str) -> list[dict[str, object]]:
    """"All" and one tab per module; each keeps the other filters and starts at page 1."""
    tabs = []
    for key, label in [("", gettext_lazy("All modules")), *Module.choices]:
        query = request.GET.copy()
        for name in ("module", "modul", "page"):
            query.pop(name, None)
        if key:
            query["module"] = key
        tabs.append({"key": key, "label": label, "query": query.urlencode(), "current": key == current})
    return tabs


def catalogue(request: HttpRequest) -> HttpResponse:
    flt = OfferFilter.from_params(request.GET)
    qs = flt.apply(access.public_offers()).prefetch_related("topics", "providers")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = bool(request.htmx and request.htmx.target == RESULTS_ID)
    context = {
        "page": page,
        "filter": flt,
        "query": query.urlencode(),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "module_tabs": _module_tabs(request, flt.module),
        "module_intro": MODULE_INTROS.get(flt.module) if flt.module else None,  # type: ignore[call-overload]
        "module_label": Module(flt.module).label if flt.module else "",
        "formats": Format.choices,
        "topics": Topic.objects.all(),
        "partners": Organisation.objects.order_by("-is_lead_partner", "name"),
        "htmx_partial": partial,
        "results_id": RESULTS_ID,
    }
    template = "web/catalogue/_results.html" if partial else "web/catalogue/list.html"
    return render(request, template, context)


def offer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    offer = access.public_offer(slug)
    context = {
        "offer": offer,
        "after_request": after_request_text(offer),
        "de_minimis_note": de_minimis_note(offer),
        "effort": effort_text(offer.effort_hours),
        "module_intro": MODULE_INTROS.get(offer.module),  # type: ignore[call-overload]
    }
    return render(request, "web/catalogue/detail.html", context)
