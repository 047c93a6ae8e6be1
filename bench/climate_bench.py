"""The climate part of `make bench` (runs inside the worker of run.py, one database at a time).

`POST /api/v1/climate/calculate` with 20 entries (fuels in kWh, MWh, kWh_hs, litres and m³,
electricity in several sites, district heating, a supplier factor and guarantees of origin) as an
anonymous client through the whole Django stack (django.test.Client): warm-up, then N timed requests
(N >= 200); median and p95, and the number of SQL queries of one request. Stores nothing.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any, Callable

URL = "/api/v1/climate/calculate"
TARGET_P95_MS = 50.0
MIN_N = 200


def body() -> dict[str, Any]:
    entries: list[dict[str, Any]] = [
        {"carrier": "natural_gas", "quantity": 200000, "unit": "kWh_hs", "site": "Werk 1"},
        {"carrier": "natural_gas", "quantity": 12000, "unit": "m3", "calorific_value": 11.3, "z_number": 0.9612, "site": "Werk 2"},
        {"carrier": "natural_gas", "quantity": 150, "unit": "MWh", "site": "Werk 3"},
        {"carrier": "heating_oil_light", "quantity": 8000, "unit": "litre", "site": "Lager"},
        {"carrier": "heating_oil_heavy", "quantity": 30000, "unit": "kWh"},
        {"carrier": "lpg", "quantity": 2500, "unit": "litre"},
        {"carrier": "hard_coal", "quantity": 10, "unit": "MWh"},
        {"carrier": "lignite", "quantity": 5000, "unit": "kWh"},
        {"carrier": "wood", "quantity": 40000, "unit": "kWh"},
        {"carrier": "wood_pellets", "quantity": 20, "unit": "MWh"},
        {"carrier": "biogas", "quantity": 15000, "unit": "kWh"},
        {"carrier": "diesel", "quantity": 12000, "unit": "litre", "site": "Fuhrpark"},
        {"carrier": "petrol", "quantity": 3000, "unit": "litre", "site": "Fuhrpark"},
        {"carrier": "district_heat", "quantity": 80, "unit": "MWh"},
    ]
    entries += [{"carrier": "electricity", "quantity": 50000 + 10000 * i, "unit": "kWh", "site": f"Werk {i + 1}"} for i in range(6)]
    assert len(entries) == 20
    return {"year": 2024, "entries": entries, "electricity_supplier_factor": 0.25, "guarantees_kwh": 100000}


def measure(n: int, *, percentile: Callable[[list[float], float], float], warmup: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    n = max(n, MIN_N)
    client = Client()
    payload = json.dumps(body())

    def call() -> Any:
        return client.post(URL, payload, content_type="application/json")

    for _ in range(warmup):
        call()
    times: list[float] = []
    statuses: set[int] = set()
    for _ in range(n):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    p95 = percentile(times, 95)
    result = {
        "url": URL,
        "entries": len(body()["entries"]),
        "requests": n,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(max(times), 2),
        "queries": len(ctx.captured_queries),
        "status": sorted(statuses),
        "target_p95_ms": TARGET_P95_MS,
        "result": "pass" if statuses == {200} and p95 <= TARGET_P95_MS else "fail",
    }
    print(f"  climate calculate (20 entries): median {result['median_ms']:.2f} ms, p95 {result['p95_ms']:.2f} ms, "
          f"{result['queries']} queries", flush=True)  # fmt: skip
    return result
