"""`make test`: the whole suite on SQLite, then on PostgreSQL when one is reachable.

Browser tests run when Chromium is installed. With REQUIRE_FULL_TESTS=1 nothing may be skipped:
a missing PostgreSQL or Chromium is an error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kgp.testing.browser import chromium_executable  # noqa: E402 - after the path is set

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/kgp"


def postgres_reachable(url: str) -> tuple[bool, str]:
    try:
        import psycopg

        parsed = urlparse(url)
        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return False, str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def run(label: str, env: dict[str, str], args: list[str]) -> int:
    print(f"\n=== {label}", flush=True)
    cmd = [sys.executable, "-m", "pytest", *args]
    return subprocess.call(cmd, env=env)


def main() -> int:
    require_full = os.environ.get("REQUIRE_FULL_TESTS") == "1"
    extra = sys.argv[1:]
    base_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    base_env["PYTHONDONTWRITEBYTECODE"] = "1"
    skipped: list[str] = []

    chromium = chromium_executable()
    if chromium:
        base_env["CHROMIUM_PATH"] = chromium
    else:
        skipped.append("browser tests (no Chromium found: apt-get install chromium)")
    marker = [] if chromium else ["-m", "not browser"]

    pg_url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    pg_ok, pg_error = postgres_reachable(pg_url)
    if not pg_ok:
        skipped.append(f"PostgreSQL run ({pg_url} not reachable: {pg_error})")

    if require_full and skipped:
        print("REQUIRE_FULL_TESTS=1, but these would be skipped:", *skipped, sep="\n  - ")
        return 2

    results = {}
    results["SQLite"] = run("Suite on SQLite", base_env, [*marker, *extra])
    if pg_ok:
        results["PostgreSQL"] = run("Suite on PostgreSQL", base_env | {"DATABASE_URL": pg_url}, [*marker, *extra])

    print("\n=== Summary")
    for name, code in results.items():
        print(f"  {name}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
    for item in skipped:
        print(f"  skipped: {item}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
