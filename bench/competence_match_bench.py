"""The competence matching API part of `make bench` (runs inside the worker of run.py, after django.setup()).

1. Replaces the benchmark profiles (external_id prefix `bench-match-`) with 10,000 published competence
   profiles, written with bulk_create: the synthetic profiles of bench/matching_bench.py (same generator
   and seed as its 10,016-profile engine run), each placed in the region's municipality nearest to its
   coordinates, with 1-3 transfer formats and 1-2 subject areas; then `VACUUM (FULL, ANALYZE)` of the
   profile tables on PostgreSQL (the replaced rows would stay behind as dead rows), `ANALYZE` on SQLite.
2. Forgets the per-process matching index, then times the first request of
   `GET /api/v1/competences/match` (it builds the index from the database: the warm-up, reported
   apart), a few more warm-up requests, and N (default 300) varied needs through django.test.Client:
   the 12 needs of the labelled sample with their own city and synthetic needs of 20-90 words, each
   with a municipality of the region as `city`, a third of them with a transfer format. Reported: p50,
   p95 (nearest rank), max, mean, CPU time of the Python process and the SQL queries of one request.
   Target p95 < 50 ms.
3. The incremental update: one profile changed through kgp.competences.services.profile_update (its
   new keyword is a word no other profile has), then the next search (which must find it): the time
   of the change (the index is refreshed after the commit), the time of that search, and how many
   documents were re-analysed (`kgp.connect.search.PROFILES.updates`; the index is not rebuilt).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

PREFIX = "bench-match-"
PROFILES = 10_000
QUERIES = 300
WARMUP = 5
SEED = 20240601  # bench/matching_bench.py's seed: the same synthetic profiles
FORMAT_SEED = 5
TARGET_P95_MS = 50.0
MATCH_URL = "/api/v1/competences/match"
NEW_KEYWORD = "Quarzsandstrahlkabine"  # in no synthetic profile: after the update only the changed one has it


def _nearest(municipalities: list[Any], lat: float | None, lon: float | None) -> Any:
    from kgp.matching.geo import haversine_km

    if lat is None or lon is None:
        return municipalities[0]
    return min(municipalities, key=lambda m: haversine_km(lat, lon, float(m.lat), float(m.lon)))


def ensure_profiles(n: int) -> dict[str, Any]:
    """Replace the benchmark profiles with `n` fresh ones (deterministic); returns counts and seconds."""
    import matching_bench
    from django.db import transaction

    from kgp.competences.models import CompetenceProfile, ProfileStatus, SubjectArea, TransferFormat
    from kgp.competences.services import KEYWORD_MAX_LENGTH, KEYWORDS_MAX, formats_index_for, search_text_for
    from kgp.organisations.models import Municipality

    started = time.perf_counter()
    rng = random.Random(SEED)
    vocab = matching_bench._vocabulary()
    docs = [matching_bench.synthetic_profile(i, rng, vocab) for i in range(n)]
    extra = random.Random(FORMAT_SEED)
    municipalities = list(Municipality.objects.order_by("key"))
    areas = list(SubjectArea.objects.order_by("key"))
    formats = list(TransferFormat.values)
    profiles, area_picks = [], []
    for i, doc in enumerate(docs):
        profile = CompetenceProfile(
            external_id=f"{PREFIX}{i:05d}",
            kind=doc.kind,
            institution=doc.name[:200],
            municipality=_nearest(municipalities, doc.lat, doc.lon),
            description=doc.description[:4000],
            keywords=[k[:KEYWORD_MAX_LENGTH] for k in doc.keywords][:KEYWORDS_MAX],
            transfer_formats=[f for f in formats if f in set(extra.sample(formats, extra.randint(1, 3)))],
            languages=["de"],
            status=ProfileStatus.PUBLISHED,
        )
        profile.search_text = search_text_for(profile)
        profile.formats_index = formats_index_for(profile.transfer_formats)
        profiles.append(profile)
        area_picks.append(extra.sample(areas, extra.randint(1, 2)) if areas else [])
    through = CompetenceProfile.subject_areas.through
    with transaction.atomic():
        CompetenceProfile.objects.filter(external_id__startswith=PREFIX).delete()
        CompetenceProfile.objects.bulk_create(profiles, batch_size=1000)
        ids = dict(CompetenceProfile.objects.filter(external_id__startswith=PREFIX).values_list("external_id", "pk"))
        rows = [
            through(competenceprofile_id=ids[p.external_id], subjectarea_id=area.pk)
            for p, picked in zip(profiles, area_picks)
            for area in picked
        ]
        through.objects.bulk_create(rows, batch_size=5000)
    # Replacing 10,000 rows on every run leaves as many dead rows behind on PostgreSQL, and every search
    # reads the table once (the index's change check): compact it, and give both planners statistics.
    from django.db import connection

    tables = [CompetenceProfile._meta.db_table, through._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM (FULL, ANALYZE) {connection.ops.quote_name(table)}")
            else:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "profiles": len(profiles),
        "subject_area_links": len(rows),
    }


def queries(n: int) -> list[dict[str, Any]]:
    """N query strings' parameters: the sample's needs with their cities, then synthetic needs."""
    import matching_bench

    from kgp.competences.models import TransferFormat
    from kgp.matching.evaluation import load_sample
    from kgp.organisations.models import Municipality

    cities = list(Municipality.objects.order_by("name").values_list("name", flat=True))
    rng = random.Random(SEED + 1)
    vocab = matching_bench._vocabulary()
    sample = load_sample(matching_bench.sample_dir())
    out: list[dict[str, Any]] = []
    for need in sample.needs[:n]:
        out.append({"q": need["text"][:2000], "city": need.get("city") or rng.choice(cities)})
    while len(out) < n:
        params: dict[str, Any] = {"q": matching_bench.synthetic_need(rng, vocab)[:2000], "city": rng.choice(cities)}
        if len(out) % 3 == 0:
            params["formats"] = [rng.choice(TransferFormat.values)]
        out.append(params)
    return out


def _url(params: dict[str, Any]) -> str:
    return f"{MATCH_URL}?{urlencode(params, doseq=True)}"


def measure(n: int, *, percentile: Callable[[list[float], float], float], profiles: int = PROFILES) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kgp.competences.models import CompetenceProfile
    from kgp.competences.services import profile_update
    from kgp.connect import search

    print(f"  writing {profiles} competence profiles ...", flush=True)
    generate = ensure_profiles(profiles)
    published = CompetenceProfile.objects.published().count()
    params = queries(n)
    client = Client()

    # 1. The warm-up: the first search of the process builds the index from the database.
    search.reset()
    started = time.perf_counter()
    first = client.get(_url(params[0]))
    build_s = time.perf_counter() - started
    index = search.PROFILES.index
    for p in params[1 : 1 + WARMUP]:
        client.get(_url(p))

    # 2. N timed searches.
    times, cpu_times, found = [], [], []
    statuses = {first.status_code}
    for p in params:
        url = _url(p)
        cpu_started, started = time.process_time(), time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        statuses.add(response.status_code)
        if response.status_code == 200:
            found.append(len(response.json()["results"]))
    with CaptureQueriesContext(connection) as ctx:
        client.get(_url(params[-1]))
    sql_queries = len(ctx.captured_queries)
    p95 = percentile(times, 95)

    # 3. The incremental update of one profile, and the next search.
    profile = CompetenceProfile.objects.get(external_id=f"{PREFIX}{profiles // 2:05d}")
    updates_before = search.PROFILES.updates
    started = time.perf_counter()
    profile_update(actor=None, profile=profile, data={"keywords": [*profile.keywords[:10], NEW_KEYWORD]})
    update_ms = (time.perf_counter() - started) * 1000
    updates_after_signal = search.PROFILES.updates
    started = time.perf_counter()
    response = client.get(_url({"q": f"Wir brauchen eine {NEW_KEYWORD} für Bleche", "city": "Dortmund"}))
    next_search_ms = (time.perf_counter() - started) * 1000
    statuses.add(response.status_code)
    top = [row["external_id"] for row in response.json()["results"]] if response.status_code == 200 else []
    rebuilt = search.PROFILES.index is not index

    result = {
        "data": {"bench_profiles": profiles, "published_profiles": published},
        "generate": generate,
        "index": {
            "first_request_s": round(build_s, 2),  # builds the index from the database
            "documents": len(index) if index is not None else 0,
        },
        "queries": len(times),
        "warmup_requests": WARMUP,
        "query_ms": {
            "p50": round(percentile(times, 50), 1),
            "p95": round(p95, 1),
            "max": round(max(times), 1),
            "mean": round(statistics.fmean(times), 1),
        },
        # CPU time of the Python process (with SQLite that includes the database work).
        "python_cpu_ms": {"p50": round(percentile(cpu_times, 50), 1), "p95": round(percentile(cpu_times, 95), 1)},
        "sql_queries_per_request": sql_queries,
        "results_per_query": {"min": min(found, default=0), "median": statistics.median(found) if found else 0},
        "status": sorted(statuses),
        "update": {
            "profile_update_ms": round(update_ms, 1),  # the service, the commit and the index refresh (signal)
            "next_search_ms": round(next_search_ms, 1),
            "re_analysed_by_signal": updates_after_signal - updates_before,
            "re_analysed_total": search.PROFILES.updates - updates_before,
            "rebuilt": rebuilt,
            "found_changed_profile_first": top[:1] == [profile.external_id],
        },
        "target_p95_ms": TARGET_P95_MS,
        "result": "pass" if statuses == {200} and p95 < TARGET_P95_MS else "fail",
    }
    print(
        f"  index build (first request) {build_s:.1f} s; {len(times)} searches: p50 {result['query_ms']['p50']} ms, "
        f"p95 {result['query_ms']['p95']} ms, {sql_queries} queries; update {update_ms:.1f} ms, next search "
        f"{next_search_ms:.1f} ms ({result['update']['re_analysed_total']} re-analysed, rebuilt: {rebuilt})",
        flush=True,
    )
    return result
