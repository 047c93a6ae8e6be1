"""The demo offers: enough, across all modules, topics and agencies, valid, and idempotent."""

from __future__ import annotations

import pytest

from kgp.catalogue.demo import OFFERS, seed_offers
from kgp.catalogue.models import Module, Offer, OfferStatus, ProviderKind
from kgp.companies.models import Topic
from kgp.core.models import AuditLogEntry

pytestmark = pytest.mark.django_db


def test_seed_offers_covers_the_catalogue():
    offers = seed_offers()
    assert len(offers) == len(OFFERS) >= 28
    public = Offer.objects.public()
    assert public.count() >= 28
    assert set(public.values_list("module", flat=True)) == set(Module.values)
    assert set(Topic.objects.filter(offers__in=public).values_list("key", flat=True)) == set(
        Topic.objects.values_list("key", flat=True)
    )
    providers = set(Offer.providers.through.objects.values_list("organisation__key", flat=True))
    assert providers == {"dortmund", "bochum", "hagen", "hamm", "unna"}
    assert set(public.values_list("provider_kind", flat=True)) == set(ProviderKind.values)
    de_minimis = public.filter(is_de_minimis=True, module=Module.COACH)
    assert de_minimis.count() >= 4 and all(o.de_minimis_value > 0 for o in de_minimis)
    assert Offer.objects.filter(status=OfferStatus.DRAFT).exists()
    assert Offer.objects.filter(status=OfferStatus.ARCHIVED).exists()
    assert public.exclude(after_request="").count() >= 3
    assert not public.filter(effort_hours__isnull=True).exists()
    # Rendered and searchable through the services, with one creation entry each.
    assert all(o.description_html.startswith("<") and o.search_text for o in offers)
    assert AuditLogEntry.objects.filter(object_type="catalogue.offer", action="create").count() == len(OFFERS)
    titles = set(public.values_list("title", flat=True))
    assert {"Energieeffizienz-Check vor Ort", "CO2-Bilanz für KMU", "Resilienz-Coaching Lieferkette"} <= titles
    holders = set(public.values_list("competence_holder_name", flat=True))
    assert {"Technische Universität Dortmund", "Ruhr-Universität Bochum", "Fachhochschule Dortmund",
            "Hochschule Hamm-Lippstadt", "FernUniversität in Hagen"} <= holders  # fmt: skip


def test_seed_offers_is_idempotent():
    first = seed_offers(rng_seed=3)
    entries = AuditLogEntry.objects.count()
    second = seed_offers(rng_seed=3)
    assert [o.pk for o in first] == [o.pk for o in second]
    assert Offer.objects.count() == len(OFFERS)
    assert AuditLogEntry.objects.count() == entries  # nothing changed, nothing logged


def test_seed_offers_repairs_a_changed_offer():
    offer = seed_offers()[0]
    Offer.objects.filter(pk=offer.pk).update(title="verändert", status=OfferStatus.ARCHIVED)
    seed_offers()
    offer.refresh_from_db()
    assert offer.title == OFFERS[0]["title"] and offer.status == OfferStatus.PUBLISHED
