"""`make bench`: response times and query counts of the backoffice company list at 100,000 companies,
the public catalogue with 500 offers and the scoring of the Transformations-Check (bench/catalogue_bench.py),
and the company timeline and pipeline board with 1,000,000 activities (bench/journey_bench.py).

For SQLite (var/bench.sqlite3) and PostgreSQL (database kgp_bench; skipped with a note when no server
answers) the script

1. migrates a benchmark database and fills it with `generate_synthetic --companies 100000 --seed 1`
   (a database that already holds exactly that data is reused; the marker is the summary audit entry
   that generate_synthetic writes);
2. creates a consultant of Dortmund and a network coordinator;
3. requests the company list and a filtered search with django.test.Client (force_login), N times
   per role after a warm-up, and records median and p95 time and the number of SQL queries;
4. checks that the number of queries does not depend on the page, the page size or the result size;
5. runs the catalogue part (catalogue_bench.py) and the journey part (journey_bench.py: 60,000 cases and
   1,000,000 activities, reused like the companies; the company page of the company with the most
   activities and of a typical one, the pipeline board; target p95 < 200 ms, constant query counts);
6. runs the competence matching API part (competence_match_bench.py: 10,000 competence profiles
   written with bulk_create, `GET /api/v1/competences/match` for N >= 200 varied needs with a city,
   the index build apart, one incremental profile update; target p95 < 50 ms);
7. runs the events part (events_bench.py): registration throughput through the API under concurrent
   load (PostgreSQL: 1, 8 and 32 threads; SQLite: one), with a check that no event is overbooked, and
   the public event list with 5,000 events (API and portal), median/p95 and constant query counts;
8. runs the climate part (climate_bench.py): `POST /api/v1/climate/calculate` with 20 entries, N >= 200
   requests, median/p95 (target p95 < 50 ms).

Each database runs in its own subprocess with its DATABASE_URL. Results go to bench/results.json;
see bench/README.md. Options: --only sqlite|postgresql, --n 30, --companies 100000, --cases 60000,
--activities 1000000 (0: no journey part), --match-profiles 10000 (0: no competence matching part),
--match-queries 300, --match-only (only the competence matching part), --events 5000 (0: no events part),
--events-only (only the events part), --climate 300 (requests of the climate part; 0: none),
--climate-only (only the climate part), --regenerate, --strict.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/kgp_bench"
TARGET_P95_MS = 150.0
SEED = 1
WARMUP = 3

LIST_URL = "/backoffice/companies/"
SCENARIOS = {
    "list": LIST_URL,
    "search": LIST_URL + "?q=metall&municipality=dortmund&size_class=small&sort=-created",
    "search_text_only": LIST_URL + "?q=metall",
}
# Only the number of queries is compared here: it must not grow with the page, page size or result size.
QUERY_COUNT_URLS = {
    "page_1": LIST_URL + "?page=1",
    "page_50": LIST_URL + "?page=50",
    "per_page_25": LIST_URL + "?per_page=25",
    "per_page_100": LIST_URL + "?per_page=100",
    "search_page_1": SCENARIOS["search"] + "&page=1",
    "search_page_5": SCENARIOS["search"] + "&page=5",
    "no_result": LIST_URL + "?q=zzzqqqxxx",
}


# --- parent: one subprocess per database ------------------------------------------------------


def postgres_reachable(url: str) -> tuple[bool, str]:
    try:
        import psycopg

        admin = urlparse(url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        text = str(exc).strip()
        return False, text.splitlines()[0] if text else type(exc).__name__


def run_worker(label: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_SQLITE_NAME"}}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        # The settings of `make run` (local hosts, no HTTPS redirect, no MFA redirect); the worker
        # switches DEBUG off in-process before the first request (no query log, no template debug).
        DEBUG="1",
        STAFF_MFA_REQUIRED="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        TASK_BACKEND="immediate",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", label, "--out", str(out),
               "--n", str(args.n), "--companies", str(args.companies), "--cases", str(args.cases),
               "--activities", str(args.activities)]  # fmt: skip
        cmd += ["--match-profiles", str(args.match_profiles), "--match-queries", str(args.match_queries)]
        if args.match_only:
            cmd.append("--match-only")
        cmd += ["--events", str(args.events)] + (["--events-only"] if args.events_only else [])
        cmd += ["--climate", str(args.climate)] + (["--climate-only"] if args.climate_only else [])
        if args.regenerate:
            cmd.append("--regenerate")
        print(f"\n=== {label}", flush=True)
        code = subprocess.call(cmd, env=env, cwd=ROOT)
        if code != 0 or not out.exists():
            return {"error": f"benchmark worker failed with exit code {code}"}
        return json.loads(out.read_text(encoding="utf-8"))


def summary_lines(label: str, result: dict[str, Any]) -> list[str]:
    if "skipped" in result or "error" in result:
        return [f"{label}: {result.get('skipped') or result.get('error')}"]
    if "scenarios" not in result:  # --match-only, --events-only
        return [
            f"{label} ({result['database_version']}):", *match_lines(result.get("competence_match")),
            *events_lines(result.get("events")), *climate_lines(result.get("climate")),
        ]  # fmt: skip
    gen = result["generate_synthetic"]
    how = "reused database" if gen["reused"] else "generated now"
    lines = [
        f"{label} ({result['database_version']}, views: {result['views']}): "
        f"generate_synthetic {result['data']['companies']} companies {gen['seconds']:.1f} s ({how})"
    ]
    for name, s in result["scenarios"].items():
        lines.append(
            f"  {name:32} median {s['median_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms  "
            f"{s['queries']:3} queries  {s['result'].upper()}"
        )
    cat = result.get("catalogue")
    if cat:
        lines.append(f"  catalogue with {cat['data']['bench_offers']} offers (anonymous visitor):")
        for name, s in cat["scenarios"].items():
            lines.append(f"  {name:32} median {s['median_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms  {s['queries']:3} queries")
        lines.append(
            "  catalogue queries by page/filter: "
            + ", ".join(f"{k} {v['queries']}" for k, v in cat["query_counts"]["urls"].items())
            + f" -> {'constant' if cat['query_counts']['constant'] else 'NOT constant'}"
        )
    counts = result["query_counts"]
    lines.append(
        "  queries by page/page size/result size: "
        + ", ".join(f"{k} {v['queries']}" for k, v in counts["urls"].items())
        + f" -> {'constant' if counts['constant'] else 'NOT constant: ' + str(counts['checks'])}"
    )
    journey = result.get("journey")
    if journey:
        gen, data = journey["generate"], journey["data"]
        how = "reused database" if gen["reused"] else "generated now"
        lines.append(
            f"  journey: {data['cases']} cases, {data['activities']} activities, {data['stage_changes']} stage changes, "
            f"generated in {gen['seconds']:.1f} s ({how}); target p95 < {journey['targets']['p95_ms']:.0f} ms"
        )
        for name, s in journey["scenarios"].items():
            lines.append(
                f"  {name:40} median {s['median_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms  "
                f"{s['queries']:3} queries  {s['result'].upper()}"
            )
        counts = journey["query_counts"]
        lines.append(
            "  journey queries by size: "
            + ", ".join(f"{k} {v['queries']}" for k, v in counts["urls"].items())
            + f" -> {'constant' if journey['constant_queries'] else 'NOT constant: ' + str(counts['checks'])}"
        )
    return lines + match_lines(result.get("competence_match")) + events_lines(result.get("events")) + climate_lines(result.get("climate"))


def climate_lines(climate: dict[str, Any] | None) -> list[str]:
    if not climate:
        return []
    return [
        f"  {'climate calculate (' + str(climate['entries']) + ' entries, N=' + str(climate['requests']) + ')':40} "
        f"median {climate['median_ms']:7.2f} ms  p95 {climate['p95_ms']:7.2f} ms  {climate['queries']:3} queries  "
        f"{climate['result'].upper()} (target p95 < {climate['target_p95_ms']:.0f} ms)"
    ]


def events_lines(events: dict[str, Any] | None) -> list[str]:
    if not events:
        return []
    reg, listing, data = events["registration"], events["list"], events["data"]
    lines = [f"  events: registration throughput through the API ({reg['note']}):"]
    for run in reg["runs"]:
        lines.append(
            f"  {str(run['threads']) + ' thread(s), ' + str(run['registrations']) + ' registrations':40} "
            f"{run['registrations_per_s']:7.1f} /s  p50 {run['latency_ms']['p50']:7.1f} ms  p95 {run['latency_ms']['p95']:7.1f} ms  "
            f"overbooking check {'OK' if run['ok'] else 'FAILED'}"
        )
    lines.append(f"  events: list with {data['events']} events ({data['past']} past), {data['registrations']} registrations:")
    for name, s in listing["scenarios"].items():
        lines.append(f"  {name:40} median {s['median_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms  {s['queries']:3} queries")
    counts = listing["query_counts"]
    lines.append(
        "  events queries by page/filter: "
        + ", ".join(f"{k} {v['queries']}" for k, v in counts["urls"].items())
        + f" -> {'constant' if counts['constant'] else 'NOT constant: ' + str(counts['checks'])}"
    )
    return lines


def match_lines(match: dict[str, Any] | None) -> list[str]:
    if not match:
        return []
    q, upd = match["query_ms"], match["update"]
    return [
        f"  competence match API, {match['data']['published_profiles']} published profiles "
        f"(written in {match['generate']['seconds']:.1f} s); index build (first request) {match['index']['first_request_s']:.1f} s",
        f"  {'match (' + str(match['queries']) + ' needs with city)':40} median {q['p50']:7.1f} ms  p95 {q['p95']:7.1f} ms  "
        f"{match['sql_queries_per_request']:3} queries  {match['result'].upper()} (target p95 < {match['target_p95_ms']:.0f} ms)",
        f"  one profile updated: {upd['profile_update_ms']:.1f} ms, next search {upd['next_search_ms']:.1f} ms, "
        f"{upd['re_analysed_total']} documents re-analysed, index rebuilt: {upd['rebuilt']}",
    ]


def main_parent(args: argparse.Namespace) -> int:
    import django

    targets = {"sqlite": f"sqlite:///{SQLITE_PATH}", "postgresql": os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)}
    results: dict[str, Any] = {
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "python": platform.python_version(),
            "django": django.get_version(),
            "load_average_before": [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        },
        "settings": {
            "requests_per_scenario": args.n,
            "warmup_requests": WARMUP,
            "companies": args.companies,
            "seed": SEED,
            "journey_cases": args.cases,
            "journey_activities": args.activities,
            "match_profiles": args.match_profiles,
            "match_queries": args.match_queries,
            "events": args.events,
            "climate_requests": args.climate,
        },
        "targets": {"p95_ms": TARGET_P95_MS},
    }
    for label, url in targets.items():
        if args.only and args.only != label:
            results[label] = {"skipped": "not selected (--only)"}
            continue
        if label == "postgresql":
            ok, why = postgres_reachable(url)
            if not ok:
                results[label] = {"skipped": f"PostgreSQL not reachable ({why}); set BENCH_DATABASE_URL"}
                print(f"\n=== postgresql skipped: {why}")
                continue
        results[label] = run_worker(label, url, args)
    # The matching engine (issue 5) needs no database: quality on the labelled sample and query
    # latency with 10,000 synthetic profiles, in this process.
    if not (args.match_only or args.events_only or args.climate_only):
        import matching_bench

        print("\n=== matching engine", flush=True)
        results["matching"] = matching_bench.run()
    results["generated_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    if hasattr(os, "getloadavg"):  # other work on the machine makes the timings noisy
        results["machine"]["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    tmp = RESULTS.with_name(RESULTS.name + ".tmp")
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, RESULTS)
    print("\n=== Summary (target: p95 <= %.0f ms)" % TARGET_P95_MS)
    for label in targets:
        for line in summary_lines(label, results[label]):
            print(line)
    if "matching" in results:
        quality, latency = results["matching"]["quality"], results["matching"]["latency"]
        print(
            f"matching engine: sample nDCG@5 {quality['ndcg@5']:.3f}, recall@10 {quality['recall@10']:.3f}; "
            f"{latency['profiles']} profiles: query p50 {latency['query_ms']['p50']} ms, p95 {latency['query_ms']['p95']} ms "
            f"(target {latency['target_p95_ms']} ms)"
        )
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    # Errors, responses other than 200 and query counts that grow are failures; a missed timing
    # target only with --strict (wall-clock times on a shared machine are noisy).
    failed = []
    for label in targets:
        result = results[label]
        if "error" in result:
            failed.append(label)
            continue
        climate = result.get("climate")
        if climate is not None and (climate["status"] != [200] or (args.strict and climate["result"] != "pass")):
            failed.append(label)
        events = result.get("events")
        if events is not None and not (
            events["registration"]["ok"]
            and events["list"]["query_counts"]["constant"]
            and all(s["status"] == [200] for s in events["list"]["scenarios"].values())
        ):
            failed.append(label)
        match = result.get("competence_match")
        if match is not None and (match["status"] != [200] or (args.strict and match["result"] != "pass")):
            failed.append(label)
        elif "scenarios" in result:
            statuses_ok = all(s["status"] == [200] for s in result["scenarios"].values())
            timing_ok = all(s["result"] == "pass" for s in result["scenarios"].values())
            cat = result.get("catalogue", {})
            statuses_ok = statuses_ok and all(s["status"] in ([200], [201]) for s in cat.get("scenarios", {}).values())
            statuses_ok = statuses_ok and cat.get("query_counts", {}).get("constant", False)
            journey = result.get("journey")
            if journey is not None:
                statuses_ok = statuses_ok and all(s["status"] == [200] for s in journey["scenarios"].values())
                statuses_ok = statuses_ok and journey["constant_queries"]
                timing_ok = timing_ok and all(s["result"] == "pass" for s in journey["scenarios"].values())
            if not statuses_ok or not result["query_counts"]["constant"] or (args.strict and not timing_ok):
                failed.append(label)
    return 1 if failed else 0


# --- worker: one database ---------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """An empty database: the SQLite file removed, the PostgreSQL database dropped and created."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        path = Path(parsed.path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        Path(parsed.path).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            recreate_database(url)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def main_worker(args: argparse.Namespace) -> int:
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: collectstatic not run
    url = os.environ["DATABASE_URL"]
    ensure_database(url)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # before the first query and template: production-like timings

    from django.core.management import call_command
    from django.db import connection, connections

    def migrate() -> None:
        call_command("migrate", verbosity=0, interactive=False)

    migrate()
    sys.path.insert(0, str(ROOT / "bench"))
    if args.match_only:
        import competence_match_bench

        print("Competence matching API:", flush=True)
        result = {"competence_match": competence_match_bench.measure(args.match_queries, percentile=percentile,
                                                                     profiles=args.match_profiles)}  # fmt: skip
        result["database_version"] = database_version()
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        return 0
    if args.climate_only:
        import climate_bench

        print("Climate quick check (calculation API):", flush=True)
        result = {"climate": climate_bench.measure(args.climate, percentile=percentile, warmup=WARMUP)}
        result["database_version"] = database_version()
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        return 0
    if args.events_only:
        import events_bench

        print("Events (registration throughput, event list):", flush=True)
        result = {"events": events_bench.measure(args.n, percentile=percentile, warmup=WARMUP, events=args.events)}
        result["database_version"] = database_version()
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
        return 0
    reused, seconds = synthetic_marker(args.companies)
    if args.regenerate or not reused:
        connections.close_all()
        recreate_database(url)
        migrate()
        print(f"Generating {args.companies} synthetic companies (seed {SEED}) ...", flush=True)
        started = time.perf_counter()
        call_command("generate_synthetic", companies=args.companies, seed=SEED, contacts_per_company=1)
        seconds = time.perf_counter() - started
        reused = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    else:
        print(f"Reusing the database with {args.companies} synthetic companies (seed {SEED}).", flush=True)

    result = measure(args.n)
    import catalogue_bench

    print("Catalogue and Transformations-Check:", flush=True)
    result["catalogue"] = catalogue_bench.measure(args.n, percentile=percentile, warmup=WARMUP)
    if args.activities:
        import journey_bench

        print("Company journey (timeline and pipeline board):", flush=True)
        data = journey_bench.ensure_data(cases=args.cases, activities=args.activities)
        result["journey"] = journey_bench.measure(args.n, percentile=percentile, warmup=WARMUP, users=bench_users(), data=data)
    if args.match_profiles:
        import competence_match_bench

        print("Competence matching API:", flush=True)
        result["competence_match"] = competence_match_bench.measure(
            args.match_queries, percentile=percentile, profiles=args.match_profiles
        )
    if args.events:
        import events_bench

        print("Events (registration throughput, event list):", flush=True)
        result["events"] = events_bench.measure(args.n, percentile=percentile, warmup=WARMUP, events=args.events)
    if args.climate:
        import climate_bench

        print("Climate quick check (calculation API):", flush=True)
        result["climate"] = climate_bench.measure(args.climate, percentile=percentile, warmup=WARMUP)
    result["generate_synthetic"] = {"seconds": round(seconds, 1), "reused": reused}
    result["database_version"] = database_version()
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


def synthetic_marker(companies: int) -> tuple[bool, float]:
    """Whether the database holds exactly the synthetic data asked for, and how long it took then."""
    from kgp.companies.management.commands.generate_synthetic import GENERATOR_VERSION, marker_entries
    from kgp.companies.models import Company

    entries = list(marker_entries())
    if len(entries) != 1:
        return False, 0.0
    changes = entries[0].changes
    wanted = {"companies": companies, "seed": SEED, "contacts_per_company": 1, "generator_version": GENERATOR_VERSION}
    if any(changes.get(k) != v for k, v in wanted.items()) or Company.objects.count() != companies:
        return False, 0.0
    return True, float(changes.get("seconds", 0.0))


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def bench_users() -> dict[str, Any]:
    from allauth.account.models import EmailAddress

    from kgp.accounts.models import Role, User
    from kgp.organisations.models import Organisation

    dortmund = Organisation.objects.get(key="dortmund")
    users = {}
    for key, role in (("consultant", Role.CONSULTANT), ("coordinator", Role.COORDINATOR)):
        user, _ = User.objects.get_or_create(
            email=f"bench.{key}@example.org",
            defaults={"role": role, "organisation": dortmund, "first_name": "Bench", "last_name": key.title()},
        )
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        users[key] = user
    return users


def measure(n: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kgp.companies.access import companies_for_staff
    from kgp.companies.models import Company, Contact

    users = bench_users()
    result: dict[str, Any] = {
        "data": {
            "companies": Company.objects.count(),
            "contacts": Contact.objects.count(),
            "visible_to_consultant": companies_for_staff(users["consultant"]).count(),
        },
        "scenarios": {},
    }
    views = "real"
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for name, url in SCENARIOS.items():
            for _ in range(WARMUP):
                response = client.get(url)
            if response.status_code == 200 and response.content.strip() == b"ok":
                views = "stub"
            times, cpu_times = [], []
            statuses = set()
            for _ in range(n):
                cpu_started, started = time.process_time(), time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                cpu_times.append((time.process_time() - cpu_started) * 1000)
                statuses.add(response.status_code)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            p95 = percentile(times, 95)
            ok = statuses == {200} and p95 <= TARGET_P95_MS
            result["scenarios"][f"{role}/{name}"] = {
                "url": url,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(times), 1),
                # CPU time of the Python process (with SQLite that includes the database work):
                # less disturbed by other load on the machine than the wall-clock times.
                "python_cpu_median_ms": round(statistics.median(cpu_times), 1),
                "queries": len(ctx.captured_queries),
                "status": sorted(statuses),
                "result": "pass" if ok else "fail",
            }
            print(f"  {role}/{name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
                  f"{len(ctx.captured_queries)} queries", flush=True)  # fmt: skip
    client = Client()
    client.force_login(users["consultant"])
    counts = {}
    for name, url in QUERY_COUNT_URLS.items():
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        counts[name] = {"url": url, "queries": len(ctx.captured_queries), "status": response.status_code}
    # The number of queries must not depend on the page, the page size or how much data a role
    # sees. A filter may add a query of its own (e.g. for the chosen municipality), and an empty
    # result may need fewer (a prefetch of nothing runs no query), never more.
    q = {k: v["queries"] for k, v in counts.items()}
    scenarios = result["scenarios"]
    checks = {
        "list_pages_and_page_sizes_equal": len({q["page_1"], q["page_50"], q["per_page_25"], q["per_page_100"]}) == 1,
        "search_pages_equal": q["search_page_1"] == q["search_page_5"],
        "roles_equal": all(
            scenarios[f"consultant/{name}"]["queries"] == scenarios[f"coordinator/{name}"]["queries"]
            for name in SCENARIOS
        ),
        "empty_result_not_more": q["no_result"] <= scenarios["consultant/search_text_only"]["queries"],
        "all_status_200": all(v["status"] == 200 for v in counts.values()),
    }
    result["query_counts"] = {"role": "consultant", "urls": counts, "checks": checks, "constant": all(checks.values())}
    result["views"] = views
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--n", type=int, default=30, help="timed requests per scenario and role")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=60_000, help="journey: cases (bench/journey_bench.py)")
    parser.add_argument("--activities", type=int, default=1_000_000, help="journey: activities; 0 leaves the journey part out")
    parser.add_argument("--match-profiles", type=int, default=10_000,
                        help="competence matching API: profiles (bench/competence_match_bench.py); 0 leaves the part out")
    parser.add_argument("--match-queries", type=int, default=300, help="competence matching API: timed searches")
    parser.add_argument("--match-only", action="store_true",
                        help="only the competence matching API part (no companies, catalogue, journey or engine part)")
    parser.add_argument("--events", type=int, default=5_000, help="events of the event list (bench/events_bench.py); 0 leaves the part out")
    parser.add_argument("--events-only", action="store_true",
                        help="only the events part (no companies, catalogue, journey, matching or engine part)")
    parser.add_argument("--climate", type=int, default=300,
                        help="timed requests of the climate part (bench/climate_bench.py, at least 200); 0 leaves the part out")
    parser.add_argument("--climate-only", action="store_true", help="only the climate part")
    parser.add_argument("--regenerate", action="store_true", help="regenerate the data even if it could be reused")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when a timing target is missed")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return main_worker(args)
    sys.path.insert(0, str(ROOT))
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
