"""seed_demo fills every part of the demo region: companies, catalogue, check results, requests."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from kgp.assessment.models import CheckResult
from kgp.assessment.queries import comparison
from kgp.catalogue.models import Module, Offer
from kgp.companies.models import Company, Topic
from kgp.deminimis.models import AidGrant
from kgp.requests.models import Request, RequestStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_catalogue_checks_and_requests_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    public = Offer.objects.public()
    assert public.count() >= 24
    assert set(public.values_list("module", flat=True)) == set(Module.values)
    offered_topics = set(public.values_list("topics__key", flat=True))
    assert offered_topics >= set(Topic.objects.exclude(key="funding").values_list("key", flat=True))
    results = CheckResult.objects.filter(completed_at__isnull=False)
    assert results.filter(company__isnull=False).exists()
    assert results.filter(shared_with_agency=True).exists()
    linked = results.filter(company__isnull=False)
    per_class = Counter(size for size, _company in set(linked.values_list("size_class", "company_id")))
    assert per_class["micro"] >= 5 and per_class["small"] >= 5  # only company results are compared
    size_class = next(size for size, n in per_class.most_common() if n >= 6)
    some = linked.filter(size_class=size_class).order_by("pk").first()
    assert comparison(some.size_class, some) is not None  # at least five other companies in its size class
    statuses = set(Request.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values)
    assert Request.objects.filter(partner__isnull=False).values("partner").distinct().count() == 5
    grants = AidGrant.objects.all()
    assert grants.count() >= 10 and len(set(grants.values_list("certificate_number", flat=True))) == grants.count()
    assert all(g.offer.is_de_minimis and g.value_eur == g.offer.de_minimis_value for g in grants.select_related("offer"))
    counts = (
        Offer.objects.count(), CheckResult.objects.count(), Request.objects.count(), Company.objects.count(), grants.count()
    )
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    assert (
        Offer.objects.count(), CheckResult.objects.count(), Request.objects.count(), Company.objects.count(), grants.count()
    ) == counts
    assert "offers" in out.getvalue()
