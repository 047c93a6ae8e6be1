"""The catalogue and the Transformations-Check part of `make bench` (runs inside the worker of run.py).

1. Replaces the benchmark offers (slug prefix `bench-`) with 500 published offers across the four
   modules, every format and topic, provided by the five agencies.
2. Times the public catalogue (list, German full-text search, filters), the offer API, and the
   scoring of a complete check (`POST /api/v1/check/results`: validation, scores, comparison and
   recommendations over the 500 offers), as an anonymous visitor, median and p95.
3. Checks that the catalogue needs the same number of queries on every page and for every filter.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

OFFERS = 500
PREFIX = "bench-"

CATALOGUE_URL = "/angebote/"
SCENARIOS = {
    "catalogue_list": CATALOGUE_URL,
    "catalogue_search": CATALOGUE_URL + "?q=Energieeffizienz",
    "catalogue_search_two_words": CATALOGUE_URL + "?q=Workshop+Digitalisierung",
    "catalogue_filtered": CATALOGUE_URL + "?module=coach&topic=energy",
    "api_offers_search": "/api/v1/offers?q=Energieeffizienz",
}
QUERY_COUNT_URLS = {
    "page_1": CATALOGUE_URL + "?page=1",
    "page_10": CATALOGUE_URL + "?page=10",
    "search_page_1": SCENARIOS["catalogue_search"] + "&page=1",
    "search_page_2": SCENARIOS["catalogue_search"] + "&page=2",
    "filtered": SCENARIOS["catalogue_filtered"],
}
WORDS = [
    ("Energieeffizienz", "energy"),
    ("CO2-Bilanz", "climate"),
    ("Kreislaufwirtschaft", "circular"),
    ("Digitalisierung", "smart"),
    ("Lieferketten", "supply_chain"),
    ("Hochschulkooperation", "cooperation"),
    ("Fachkräftesicherung", "talent"),
    ("Resilienz", "resilience"),
    ("Förderprogramme", "funding"),
]


def ensure_offers() -> int:
    from django.db import transaction

    from kgp.catalogue.models import Format, Module, Offer, OfferStatus, ProviderKind
    from kgp.companies.models import Topic
    from kgp.core.text import fold
    from kgp.organisations.models import Organisation

    rng = random.Random(7)
    partners = list(Organisation.objects.order_by("key"))
    topics = {t.key: t for t in Topic.objects.all()}
    modules, formats = list(Module.values), list(Format.values)
    with transaction.atomic():
        Offer.objects.filter(slug__startswith=PREFIX).delete()
        offers = []
        for i in range(OFFERS):
            word, _topic = WORDS[i % len(WORDS)]
            fmt = formats[i % len(formats)]
            title = f"{Format(fmt).label} {word} {i + 1}"
            summary = f"Praxisnahes Angebot zu {word} für produzierende Unternehmen der Region, Nummer {i + 1}."
            description = f"Im {Format(fmt).label} geht es um {word}. " * 5
            offers.append(
                Offer(
                    slug=f"{PREFIX}{i + 1}",
                    title=str(title),
                    summary=summary,
                    description=description,
                    description_html=f"<p>{description}</p>",
                    module=modules[i % len(modules)],
                    format=fmt,
                    provider_kind=ProviderKind.PARTNERS,
                    owner=partners[i % len(partners)],
                    status=OfferStatus.PUBLISHED,
                    effort_hours=rng.choice([2, 4, 8, 16]),
                    search_text=fold(f"{title} {summary} {description}"),
                )
            )
        Offer.objects.bulk_create(offers)
        offers = list(Offer.objects.filter(slug__startswith=PREFIX).order_by("id"))
        through_topics = Offer.topics.through
        through_providers = Offer.providers.through
        links, providers = [], []
        for i, offer in enumerate(offers):
            keys = {WORDS[i % len(WORDS)][1], rng.choice(sorted(topics))}
            links += [through_topics(offer_id=offer.pk, topic_id=topics[k].pk) for k in keys]
            providers.append(through_providers(offer_id=offer.pk, organisation_id=offer.owner_id))
        through_topics.objects.bulk_create(links)
        through_providers.objects.bulk_create(providers)
    return len(offers)


def complete_answers() -> dict[str, Any]:
    """A complete, consistent answer set for the current questionnaire (mixed levels)."""
    from kgp.assessment.models import Questionnaire

    questionnaire = Questionnaire.objects.get(status="published")
    questions = list(questionnaire.questions.prefetch_related("options").order_by("id"))
    answers = {q.key: max(o.level for o in q.options.all()) for q in questions}
    # Lower some answers while keeping every consistency rule satisfied.
    rng = random.Random(3)
    for q in questions:
        lower = min(o.level for o in q.options.all())
        candidate = dict(answers, **{q.key: rng.choice([lower, answers[q.key]])})
        if all(
            not (r.requires_id and candidate[r.key] >= (r.requires_from_level or 0))
            or candidate[next(x.key for x in questions if x.pk == r.requires_id)] >= (r.requires_min_level or 0)
            for r in questions
        ):
            answers = candidate
    return {"version": questionnaire.version, "size_class": "small", "answers": answers}


def measure(n: int, *, percentile, warmup: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    count = ensure_offers()
    client = Client()
    result: dict[str, Any] = {"data": {"bench_offers": count}, "scenarios": {}}

    def timed(name: str, call) -> None:
        for _ in range(warmup):
            response = call()
        times, statuses = [], set()
        for _ in range(n):
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            call()
        result["scenarios"][name] = {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1),
            "queries": len(ctx.captured_queries),
            "status": sorted(statuses),
        }
        print(f"  {name}: median {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
              f"{len(ctx.captured_queries)} queries", flush=True)  # fmt: skip

    for name, url in SCENARIOS.items():
        timed(name, lambda url=url: client.get(url))
    payload = complete_answers()
    timed("check_scoring_api", lambda: client.post("/api/v1/check/results", payload, content_type="application/json"))

    counts = {}
    for name, url in QUERY_COUNT_URLS.items():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        counts[name] = {"url": url, "queries": len(ctx.captured_queries), "status": response.status_code}
    q = {k: v["queries"] for k, v in counts.items()}
    checks = {
        "pages_equal": q["page_1"] == q["page_10"],
        "search_pages_equal": q["search_page_1"] == q["search_page_2"],
        "all_status_200": all(v["status"] == 200 for v in counts.values()),
    }
    result["query_counts"] = {"urls": counts, "checks": checks, "constant": all(checks.values())}
    return result
