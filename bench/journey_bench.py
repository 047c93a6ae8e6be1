"""The company journey part of `make bench` (runs inside the worker of run.py, after generate_synthetic).

1. Fills the benchmark database with synthetic journey data (bench only: `generate_synthetic` lives in
   `companies`, which must not import `journey`): 30 consultants (six per agency), 60,000 cases
   across the five agencies with their stage changes, 1,000,000 activities spread over the companies
   (skewed: one company of Dortmund with 20,000, 30 more with 1,000–6,000, the others a long tail),
   and the audit entries the services would have written for them (case opened, stage moved,
   activity recorded). Fast: rows are drawn with a seeded random.Random and written with COPY on
   PostgreSQL (psycopg 3) and executemany on SQLite (the activities' audit entries with one INSERT …
   SELECT), ids assigned here, the activities in the order they were recorded, the tables' indexes
   built after the load. A summary audit entry is the marker that lets the next run reuse the data.
2. Times the company page (its timeline) of the company with the most activities and of a typical
   one, and the pipeline board unfiltered and filtered by a consultant, as Dortmund's consultant and
   as the network coordinator, median and p95.
3. Checks that the number of queries depends neither on the number of activities of a company nor
   on the number of cases on the board.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

GENERATOR_VERSION = 1
MARKER_OBJECT_ID = "journey_bench"
MARKER_OBJECT_TYPE = "journey.case"
SEED = 11
CASES = 60_000
ACTIVITIES = 1_000_000
TARGET_P95_MS = 200.0

CONSULTANTS_PER_AGENCY = 6
# The first consultant of each agency is new and has only a few cases (the "few cases" board).
CONSULTANT_WEIGHTS = [0.002, 1, 1, 1, 1, 1]
SECOND_CASE_SHARE = 0.05  # companies that were accompanied before (a closed case and an open one)
TOP_ACTIVITIES = 20_000  # the company with the most activities (one of Dortmund's)
HEAVY_COMPANIES = 30  # more companies with thousands of activities (half of them Dortmund's)
HEAVY_RANGE = (1_000, 6_000)
TAIL_CAP = 80.0  # the long tail: Pareto weights, capped
DAYS_BACK = 4 * 365
# Stage of a case (by stage order), the closed stage last.
STAGE_WEIGHTS = [25, 20, 20, 10, 8, 5, 12]
KIND_WEIGHTS = {
    "phone": 30,
    "email": 25,
    "meeting": 14,
    "coaching": 12,
    "initial_consultation": 8,
    "introduction": 7,
    "milestone": 4,
}
SUBJECTS = {
    "phone": ["Rückfrage zu Förderprogrammen", "Terminabstimmung", "Stand der Umsetzung", "Kurzabstimmung Angebot"],
    "email": ["Unterlagen zugesandt", "Einladung Workshop", "Nachfrage Kennzahlen", "Protokoll versandt"],
    "meeting": ["Vor-Ort-Termin im Betrieb", "Abstimmung mit der Geschäftsführung", "Netzwerktreffen"],
    "coaching": ["Energieeffizienz", "Digitalisierung der Auftragsabwicklung", "CO2-Bilanz", "Fachkräftesicherung"],
    "initial_consultation": ["Erstgespräch"],
    "introduction": ["Kontakt zur Hochschule vermittelt", "Vermittlung an Kompetenzträger"],
    "milestone": ["Projektskizze abgestimmt", "Prototyp getestet", "Transferprojekt abgeschlossen"],
}
MODULES_BY_KIND = {
    "initial_consultation": ["inform"],
    "coaching": ["coach"],
    "introduction": ["connect"],
    "milestone": ["transfer"],
    "phone": ["inform", "coach", "connect"],
    "email": ["inform", "coach", "connect"],
    "meeting": ["inform", "coach", "connect", "transfer"],
}

TIMELINE_URL = "/backoffice/companies/{}/"
BOARD_URL = "/backoffice/pipeline/"


# --- data ---------------------------------------------------------------------------------------


def marker_entries():
    from kgp.core.models import AuditLogEntry

    return AuditLogEntry.objects.filter(object_type=MARKER_OBJECT_TYPE, object_id=MARKER_OBJECT_ID)


def ensure_data(*, cases: int = CASES, activities: int = ACTIVITIES, regenerate: bool = False) -> dict[str, Any]:
    """The journey data asked for: reused when the marker says it is there, else (re)generated."""
    from kgp.journey.models import Activity, Case

    wanted = {"cases": cases, "activities": activities, "seed": SEED, "generator_version": GENERATOR_VERSION}
    entries = list(marker_entries())
    if (
        not regenerate
        and len(entries) == 1
        and all(entries[0].changes.get(k) == v for k, v in wanted.items())
        and Case.objects.count() == cases
        and Activity.objects.count() == activities
    ):
        print(f"Reusing the journey data ({cases} cases, {activities} activities).", flush=True)
        return {"seconds": float(entries[0].changes.get("seconds", 0.0)), "reused": True, **entries[0].changes.get("stats", {})}
    print(f"Generating journey data: {cases} cases, {activities} activities (seed {SEED}) ...", flush=True)
    started = time.perf_counter()
    clear()
    print(f"  cleared: {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connection

    # SQLite checks every row's foreign keys on insert; they are checked once, after the load, instead
    # (PostgreSQL: indexes_deferred drops and re-adds the foreign keys, which checks them).
    with connection.constraint_checks_disabled():
        stats = Generator(seed=SEED, cases=cases, activities=activities).run()
    if connection.vendor == "sqlite":
        connection.check_constraints(table_names=journey_tables())
    seconds = time.perf_counter() - started
    analyse()
    total = time.perf_counter() - started
    from kgp.core.models import AuditLogEntry

    AuditLogEntry.objects.create(
        actor=None,
        actor_label="journey_bench",
        action=AuditLogEntry.Action.IMPORT,
        object_type=MARKER_OBJECT_TYPE,
        object_id=MARKER_OBJECT_ID,
        object_repr=f"Synthetic journey data: {cases} cases, {activities} activities (seed {SEED})",
        changes={**wanted, "seconds": round(seconds, 1), "seconds_with_analyze": round(total, 1), "stats": stats},
    )
    print(f"  generated in {seconds:.1f} s (+ {total - seconds:.1f} s VACUUM/ANALYZE): {stats}", flush=True)
    return {"seconds": round(seconds, 1), "reused": False, **stats}


def journey_tables() -> list[str]:
    from kgp.journey.models import Activity, ActivityAttachment, Case, StageChange, Task

    return [
        ActivityAttachment._meta.db_table,
        Activity._meta.db_table,
        StageChange._meta.db_table,
        Task._meta.db_table,
        Case.offers.through._meta.db_table,
        Case._meta.db_table,
    ]


def clear() -> None:
    """Removes every case, activity and stage change, and the journey audit entries (a bench database)."""
    from django.db import connection, transaction

    from kgp.core.models import AuditLogEntry

    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in journey_tables()) + " CASCADE")
            AuditLogEntry.objects.filter(object_type__in=["journey.case", "journey.activity", "journey.stagechange"]).delete()
        return
    # SQLite empties a table at once only with foreign key checks off (the PRAGMA works outside a transaction).
    with connection.constraint_checks_disabled(), transaction.atomic(), connection.cursor() as cursor:
        for table in journey_tables():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - model table names
        AuditLogEntry.objects.filter(object_type__in=["journey.case", "journey.activity", "journey.stagechange"]).delete()


def analyse() -> None:
    """Fresh planner statistics (and, on PostgreSQL, the visibility map) after the bulk load."""
    from django.db import connection

    from kgp.core.models import AuditLogEntry

    tables = [*journey_tables(), AuditLogEntry._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        else:
            cursor.execute("ANALYZE")


def bench_consultants() -> dict[int, list[int]]:
    """Six consultants per agency (bench.journey.<agency>.<n>@example.org): {organisation id: [user ids]}."""
    from allauth.account.models import EmailAddress

    from kgp.accounts.models import Role, User
    from kgp.organisations.models import Organisation

    out: dict[int, list[int]] = {}
    for org in Organisation.objects.order_by("key"):
        ids = []
        for i in range(CONSULTANTS_PER_AGENCY):
            user, _ = User.objects.get_or_create(
                email=f"bench.journey.{org.key}.{i + 1}@example.org",
                defaults={"role": Role.CONSULTANT, "organisation": org, "first_name": "Bench", "last_name": f"{org.short_name} {i + 1}"},
            )
            EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
            ids.append(user.pk)
        out[org.pk] = ids
    return out


@contextmanager
def indexes_deferred(*models) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Inside the transaction of the load: the tables' plain indexes (and, on PostgreSQL, their foreign
    keys) are dropped before and created again after it, which is much faster than maintaining them row
    by row. Primary keys and unique constraints stay. DDL is transactional on both databases: if the
    load fails, the rollback restores them."""
    from django.db import connection

    qn = connection.ops.quote_name
    restore: list[str] = []
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                    restore.append(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                    "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = %s::regclass "
                    "AND c.conname = i.indexname)",
                    [table, table],
                )
            else:
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table])
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {qn(name)}")
                restore.insert(0, definition)  # indexes before the foreign keys (which use them)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    yield
    with connection.cursor() as cursor:
        for statement in restore:
            cursor.execute(statement)


class Writer:
    """Bulk rows into one table with explicit ids: COPY on PostgreSQL, executemany on SQLite. Columns of
    the model not given (fields added later) get their default, or NULL."""

    def __init__(self, model, given: list[str]) -> None:  # type: ignore[no-untyped-def]
        from django.db import connection

        self.connection = connection
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        by_attname = {f.attname: f for f in fields}
        unknown = set(given) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        self.extra = []
        for f in fields:
            if f.attname in given or (f.primary_key and f.auto_created):
                continue
            if f.has_default():
                value = f.get_default()
                if f.get_internal_type() == "JSONField":
                    value = json.dumps(value)
            elif f.null:
                value = None
            else:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value")
            self.extra.append((f.column, value))
        self.columns = [by_attname[a].column for a in given] + [c for c, _ in self.extra]
        self.constants = tuple(v for _, v in self.extra)

    def write(self, rows: Iterable[tuple]) -> int:
        n = 0
        connection = self.connection
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        constants = self.constants
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + constants)
                        n += 1
            else:

                def counted() -> Iterator[tuple]:
                    nonlocal n
                    for row in rows:
                        n += 1
                        yield row + constants

                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", counted())  # noqa: S608
        return n

    def insert_select(self, select_list: str, rest: str, params: list[Any]) -> int:
        """INSERT … SELECT: `select_list` gives the given columns (no parameters), `rest` the FROM clause."""
        connection = self.connection
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        extra = "".join(", %s" for _ in self.constants)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {select_list}{extra} {rest}", [*self.constants, *params])  # noqa: S608
            return cursor.rowcount

    def reset_sequence(self) -> None:
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(statement)


def next_id(model) -> int:  # type: ignore[no-untyped-def]
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


class Generator:
    def __init__(self, *, seed: int, cases: int, activities: int) -> None:
        from django.db import connection
        from django.utils import timezone

        self.started = time.perf_counter()
        self.rng = random.Random(seed)
        self.n_cases = cases
        self.n_activities = activities
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.postgres = connection.vendor == "postgresql"

    # Values as the database backend wants them (aware datetimes on PostgreSQL; UTC text on SQLite).
    def when(self, ts: int) -> Any:
        value = dt.datetime.fromtimestamp(ts, dt.timezone.utc)
        return value if self.postgres else value.strftime("%Y-%m-%d %H:%M:%S")

    def day(self, ordinal: int) -> Any:
        value = dt.date.fromordinal(ordinal)
        return value if self.postgres else value.isoformat()

    def run(self) -> dict[str, Any]:
        from django.db import transaction
        from django.utils import translation

        from kgp.accounts.models import User
        from kgp.companies.models import Company
        from kgp.journey.models import ActivityKind, Stage
        from kgp.organisations.models import Organisation

        rng = self.rng
        consultants = bench_consultants()
        emails = dict(User.objects.filter(pk__in=[u for ids in consultants.values() for u in ids]).values_list("pk", "email"))
        orgs = {o.pk: o for o in Organisation.objects.all()}
        lead = next(o.pk for o in orgs.values() if o.is_lead_partner)
        dortmund = next(o.pk for o in orgs.values() if o.key == "dortmund")
        stages = list(Stage.objects.order_by("order", "id"))
        with translation.override("de"):
            self.stage_names = [s.name_de for s in stages]
            self.kind_labels = {k: str(label) for k, label in ActivityKind.choices}
        companies = list(Company.objects.filter(is_active=True).order_by("id").values_list("id", "responsible_partner_id"))

        # Cases: companies drawn without repetition; some of them also have an earlier, closed case.
        n_second = int(self.n_cases * SECOND_CASE_SHARE)
        n_first = self.n_cases - n_second
        if n_first > len(companies):
            raise ValueError(f"{self.n_cases} cases need at least {n_first} companies")
        chosen = rng.sample(companies, n_first)
        second = set(rng.sample(range(n_first), n_second))
        today_ord = self.today.toordinal()
        cases: list[dict[str, Any]] = []  # in the order they were opened (ids follow that order)
        for i, (company_id, partner_id) in enumerate(chosen):
            org = partner_id or lead
            consultant = rng.choices(consultants[org], weights=CONSULTANT_WEIGHTS)[0]
            if i in second:
                opened = today_ord - rng.randint(800, DAYS_BACK)
                closed = opened + rng.randint(60, 380)
                cases.append(self._case(company_id, org, consultant, opened, len(stages) - 1, closed))
                opened = today_ord - rng.randint(30, 390)
            else:
                opened = today_ord - rng.randint(14, DAYS_BACK)
            stage = rng.choices(range(len(stages)), weights=STAGE_WEIGHTS)[0]
            closed = rng.randint(opened + 14, today_ord) if stage == len(stages) - 1 else None
            cases.append(self._case(company_id, org, consultant, opened, stage, closed))
        cases.sort(key=lambda c: (c["opened"], c["company_id"]))
        case_id0 = next_id_of("Case")
        for i, case in enumerate(cases):
            case["id"] = case_id0 + i

        # Activities per case: the top company, the heavy ones, then a long tail (at least one each).
        counts = [0] * len(cases)
        by_company: dict[int, list[int]] = {}
        for i, case in enumerate(cases):
            by_company.setdefault(case["company_id"], []).append(i)
        dortmund_companies = [c for c, p in chosen if p == dortmund]
        other_companies = [c for c, p in chosen if p != dortmund]
        heavy_d = rng.sample(dortmund_companies, 1 + HEAVY_COMPANIES // 2)
        heavy_o = rng.sample(other_companies, HEAVY_COMPANIES - HEAVY_COMPANIES // 2)
        plan = {heavy_d[0]: TOP_ACTIVITIES}
        for company_id in heavy_d[1:] + heavy_o:
            plan[company_id] = int(HEAVY_RANGE[0] * (HEAVY_RANGE[1] / HEAVY_RANGE[0]) ** rng.random())
        remaining = self.n_activities - sum(plan.values())
        for company_id, n in plan.items():
            idx = by_company[company_id]
            counts[idx[-1]] += n - (len(idx) - 1) * (n // 5)  # the current case most, an earlier one a fifth
            for j in idx[:-1]:
                counts[j] += n // 5
        tail = [i for i, case in enumerate(cases) if case["company_id"] not in plan]
        if remaining < len(tail):
            raise ValueError(f"{self.n_activities} activities are too few for {self.n_cases} cases")
        weights = [min(rng.paretovariate(1.2), TAIL_CAP) - 1 for _ in tail]
        spare = remaining - len(tail)
        scale = spare / sum(weights)
        for i, w in zip(tail, weights):
            counts[i] = 1 + int(w * scale)
        for i in rng.choices(tail, k=remaining - sum(counts[i] for i in tail)):  # the rounding rest
            counts[i] += 1

        # Activities as sortable ints: (created second, case index, kind, variant); the ids follow the order
        # in which they were recorded, as in a real database.
        kinds = list(KIND_WEIGHTS)
        kind_weights = list(KIND_WEIGHTS.values())
        day_s = 86_400
        now_ts = int(self.now.timestamp())
        keys: list[int] = []
        if len(cases) >= 1 << 17:
            raise ValueError("at most 131,071 cases")
        for i, case in enumerate(cases):
            start, end = case["opened"], case["closed"] or today_ord
            span = end - start
            drawn_kinds = rng.choices(range(len(kinds)), weights=kind_weights, k=counts[i])
            latest = start
            for k in drawn_kinds:
                occurred = start + int(rng.random() * (span + 1))
                latest = max(latest, occurred)
                lag = 0 if rng.random() < 0.8 else rng.randint(1, 3)
                ts = (occurred - 719_163 + lag) * day_s + 25_200 + rng.randrange(36_000)  # 07:00–17:00 UTC
                ts = min(ts, now_ts - 60)
                variant = (occurred - start) & 0xFFFF  # the date, relative to the case opening
                keys.append((((ts << 17) | i) << 3 | k) << 16 | variant)
            case["last_activity_on"] = latest
        keys.sort()
        print(f"  drawn: {time.perf_counter() - self.started:.1f} s", flush=True)

        from kgp.core.models import AuditLogEntry
        from kgp.journey.models import Activity, Case, StageChange

        with transaction.atomic(), indexes_deferred(Case, StageChange, Activity, AuditLogEntry):
            stats = self._write(cases, keys, kinds, emails, stages)
        print(f"  indexes and foreign keys: {time.perf_counter() - self.started:.1f} s", flush=True)
        stats |= {
            "consultants": sum(len(v) for v in consultants.values()),
            "top_company_activities": TOP_ACTIVITIES,
            "heavy_companies": len(plan),
        }
        return stats

    def _case(self, company_id: int, org: int, consultant: int, opened: int, stage: int, closed: int | None) -> dict[str, Any]:
        return {
            "company_id": company_id,
            "organisation_id": org,
            "consultant_id": consultant,
            "opened": opened,
            "stage": stage,
            "closed": closed,
        }

    def _write(self, cases: list[dict[str, Any]], keys: list[int], kinds: list[str], emails: dict[int, str],
               stages: list) -> dict[str, Any]:  # fmt: skip
        from kgp.accounts.models import User
        from kgp.core.models import AuditLogEntry
        from kgp.journey.models import Activity, Case, StageChange

        rng = self.rng
        day_s = 86_400
        epoch = 719_163  # date(1970, 1, 1).toordinal()
        closed_index = len(stages) - 1

        # Cases and their stage changes (opened at first contact, then stage by stage; a closed case may
        # close from any stage). Stage moves and the opening are audited like the services do.
        case_writer = Writer(Case, ["id", "company_id", "organisation_id", "consultant_id", "stage_id", "goals",
                                    "opened_at", "closed_at", "last_activity_on", "created_by_id"])  # fmt: skip
        change_rows: list[tuple] = []
        audit_rows: list[tuple] = []
        case_rows = []
        for case in cases:
            opened_ts = (case["opened"] - epoch) * day_s + 28_800 + rng.randrange(28_800)
            path = list(range(case["stage"] + 1))
            if case["stage"] == closed_index:
                path = list(range(rng.randint(1, closed_index))) + [closed_index]
            end_ts = ((case["closed"] or case["last_activity_on"]) - epoch) * day_s + 61_200
            end_ts = max(end_ts, opened_ts + len(path))
            step = (end_ts - opened_ts) // max(1, len(path))
            consultant = case["consultant_id"]
            email = emails[consultant]
            number = f"B-{case['id']:05d}"
            closed_at = self.when(end_ts) if case["stage"] == closed_index else None
            case_rows.append((case["id"], case["company_id"], case["organisation_id"], consultant, stages[case["stage"]].pk,
                              "", self.when(opened_ts), closed_at, self.day(case["last_activity_on"]), consultant))  # fmt: skip
            previous = None
            for n, s in enumerate(path):
                ts = opened_ts + n * step
                change_rows.append((case["id"], stages[previous].pk if previous is not None else None, stages[s].pk,
                                    self.when(ts), consultant))  # fmt: skip
                if previous is None:
                    changes = {"stage": [None, self.stage_names[s]], "consultant": [None, email]}
                    audit_rows.append((self.when(ts), consultant, email, "create", "journey.case", str(case["id"]),
                                       f"Begleitung {number}", case["company_id"], json.dumps(changes)))  # fmt: skip
                else:
                    changes = {"stage": [self.stage_names[previous], self.stage_names[s]]}
                    audit_rows.append((self.when(ts), consultant, email, "update", "journey.case", str(case["id"]),
                                       f"Begleitung {number}", case["company_id"], json.dumps(changes)))  # fmt: skip
                previous = s
        started = time.perf_counter()
        n_cases = case_writer.write(case_rows)
        case_writer.reset_sequence()
        change_writer = Writer(StageChange, ["id", "case_id", "from_stage_id", "to_stage_id", "changed_at", "changed_by_id"])
        change_id0 = next_id(StageChange)
        n_changes = change_writer.write((change_id0 + j, *row) for j, row in enumerate(change_rows))
        change_writer.reset_sequence()

        # Activities, in the order they were recorded.
        activity_writer = Writer(Activity, ["id", "case_id", "company_id", "kind", "module", "occurred_on", "author_id",
                                            "summary", "notes", "situation", "needs", "next_steps", "hours",
                                            "coach_kind", "coach_name", "topic", "milestone_title", "created_at"])  # fmt: skip
        activity_id0 = next_id(Activity)
        empty_needs = "{}"
        needs = json.dumps({"smart": "Auftragsabwicklung digitalisieren", "climate": "Energieverbrauch senken"})

        def decode(key: int) -> tuple[int, int, int, int]:
            variant = key & 0xFFFF
            key >>= 16
            kind = key & 7
            key >>= 3
            return key >> 17, key & 0x1FFFF, kind, variant

        def activities() -> Iterator[tuple]:
            for j, key in enumerate(keys):
                ts, i, k, variant = decode(key)
                case = cases[i]
                kind = kinds[k]
                subjects = SUBJECTS[kind]
                subject = subjects[(variant + j) % len(subjects)]
                modules = MODULES_BY_KIND[kind]
                occurred = case["opened"] + variant
                row = [activity_id0 + j, case["id"], case["company_id"], kind, modules[variant % len(modules)],
                       self.day(occurred), case["consultant_id"], subject, "", "", empty_needs, "", None, "", "", "", "",
                       self.when(ts)]  # fmt: skip
                if kind == "phone" and variant % 3 == 0:
                    row[8] = "Rückruf vereinbart; Ansprechpartner ist die Geschäftsführung."
                elif kind == "initial_consultation":
                    row[7] = ""
                    row[9] = "Produzierender Betrieb, gewachsene IT, hoher Energiebedarf."
                    row[10] = needs
                    row[11] = "Angebot Energie-Check senden, Folgetermin in vier Wochen."
                elif kind == "coaching":
                    row[7] = ""
                    row[12] = "%d.50" % (1 + variant % 6)
                    row[13] = "internal" if variant % 4 else "external"
                    row[14] = "" if variant % 4 else "Beratung Muster GmbH"
                    row[15] = subject
                elif kind == "milestone":
                    row[7] = ""
                    row[16] = subject
                yield tuple(row)

        print(f"  {n_cases} cases, {n_changes} stage changes: {time.perf_counter() - started:.1f} s", flush=True)
        n_activities = activity_writer.write(activities())
        activity_writer.reset_sequence()
        print(f"  {n_activities} activities: {time.perf_counter() - started:.1f} s", flush=True)

        # Audit entries as the services write them: activity recorded, case opened, stage moved.
        audit_writer = Writer(AuditLogEntry, ["created_at", "actor_id", "actor_label", "action", "object_type",
                                              "object_id", "object_repr", "company_id", "changes"])  # fmt: skip

        # The activities' entries are written by the database from the activity rows (faster than a million
        # rows through Python): object_repr is the kind in German and the date, changes the kind and the case.
        labels = " ".join(f"WHEN '{kind}' THEN '{label}'" for kind, label in self.kind_labels.items())
        if self.postgres:
            day = "to_char(a.occurred_on, 'DD.MM.YYYY')"
            number = "CASE WHEN a.case_id < 100000 THEN lpad(CAST(a.case_id AS text), 5, '0') ELSE CAST(a.case_id AS text) END"
            changes = f"""CAST('{{"kind": [null, "' || a.kind || '"], "case": [null, "B-' || {number} || '"]}}' AS jsonb)"""
        else:
            day = "strftime('%%d.%%m.%%Y', a.occurred_on)"
            changes = """'{"kind": [null, "' || a.kind || '"], "case": [null, "' || printf('B-%%05d', a.case_id) || '"]}'"""
        n_audit = audit_writer.insert_select(
            f"a.created_at, a.author_id, u.email, 'create', 'journey.activity', CAST(a.id AS text), "
            f"(CASE a.kind {labels} END) || ' ' || {day}, a.company_id, {changes}",
            f"FROM {Activity._meta.db_table} a INNER JOIN {User._meta.db_table} u ON u.id = a.author_id "
            "WHERE a.id >= %s ORDER BY a.id",
            [activity_id0],
        )
        n_audit += audit_writer.write(audit_rows)
        print(f"  {n_audit} audit entries: {time.perf_counter() - started:.1f} s", flush=True)
        return {"cases": n_cases, "stage_changes": n_changes, "activities": n_activities, "audit_entries": n_audit}


def next_id_of(name: str) -> int:
    from django.apps import apps

    return next_id(apps.get_model("journey", name))


# --- measuring ----------------------------------------------------------------------------------


def pick_companies(organisation_key: str = "dortmund") -> dict[str, int]:
    """Companies of the consultant's agency: most activities, a typical number (the median of the companies
    with activities) and the fewest (one)."""
    from django.db.models import Count

    from kgp.journey.models import Activity

    rows = list(
        Activity.objects.filter(company__responsible_partner__key=organisation_key, company__is_active=True)
        .order_by()
        .values("company_id")
        .annotate(n=Count("id"))
        .order_by("n", "company_id")
        .values_list("company_id", "n")
    )
    return {
        "heavy": rows[-1][0],
        "heavy_activities": rows[-1][1],
        "typical": rows[len(rows) // 2][0],
        "typical_activities": rows[len(rows) // 2][1],
        "few": rows[0][0],
        "few_activities": rows[0][1],
    }


def pick_consultants(organisation_key: str = "dortmund") -> dict[str, Any]:
    """The agency's consultants with the most and the fewest cases."""
    from django.db.models import Count

    from kgp.journey.models import Case

    rows = list(
        Case.objects.filter(organisation__key=organisation_key, company__is_active=True)
        .order_by()
        .values("consultant_id")
        .annotate(n=Count("id"))
        .order_by("n", "consultant_id")
        .values_list("consultant_id", "n")
    )
    return {"busy": rows[-1][0], "busy_cases": rows[-1][1], "few": rows[0][0], "few_cases": rows[0][1]}


def measure(n: int, *, percentile, warmup: int, users: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kgp.journey.access import cases_for_staff
    from kgp.journey.models import Activity, Case, StageChange
    from kgp.organisations.models import Organisation

    companies = pick_companies()
    consultants = pick_consultants()
    orgs = list(Organisation.objects.annotate(n=Count("cases")).order_by("n", "key").values_list("pk", "key", "n"))
    result: dict[str, Any] = {
        "data": {
            "cases": Case.objects.count(),
            "stage_changes": StageChange.objects.count(),
            "activities": Activity.objects.count(),
            "cases_visible_to_consultant": cases_for_staff(users["consultant"]).count(),
            "cases_of_consultants_agency": Case.objects.filter(organisation=users["consultant"].organisation_id).count(),
            "companies": companies,
            "consultants": consultants,
        },
        "generate": data,
        "targets": {"p95_ms": TARGET_P95_MS},
        "scenarios": {},
    }
    scenarios = {
        "timeline_most_activities": TIMELINE_URL.format(companies["heavy"]),
        "timeline_typical": TIMELINE_URL.format(companies["typical"]),
        "pipeline": BOARD_URL,
        "pipeline_consultant": BOARD_URL + f"?consultant={consultants['busy']}",
    }
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for name, url in scenarios.items():
            for _ in range(warmup):
                client.get(url)
            times, cpu_times, statuses = [], [], set()
            for _ in range(n):
                cpu_started, started = time.process_time(), time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                cpu_times.append((time.process_time() - cpu_started) * 1000)
                statuses.add(response.status_code)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            p95 = percentile(times, 95)
            result["scenarios"][f"{role}/{name}"] = {
                "url": url,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(times), 1),
                "python_cpu_median_ms": round(statistics.median(cpu_times), 1),
                "queries": len(ctx.captured_queries),
                "status": sorted(statuses),
                "result": "pass" if statuses == {200} and p95 < TARGET_P95_MS else "fail",
            }
            print(f"  {role}/{name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
                  f"{len(ctx.captured_queries)} queries", flush=True)  # fmt: skip

    # Query counts: the same for a company with one activity and one with thousands, and for a board with
    # a few cases and one with thousands (the consultant: own agency; the coordinator: all or one agency).
    urls = {
        "consultant": {
            "timeline_few": TIMELINE_URL.format(companies["few"]),
            "timeline_typical": TIMELINE_URL.format(companies["typical"]),
            "timeline_most": TIMELINE_URL.format(companies["heavy"]),
            "board_few_cases": BOARD_URL + f"?consultant={consultants['few']}",
            "board_consultant": BOARD_URL + f"?consultant={consultants['busy']}",
            "board_agency": BOARD_URL,
        },
        "coordinator": {
            "timeline_few": TIMELINE_URL.format(companies["few"]),
            "timeline_most": TIMELINE_URL.format(companies["heavy"]),
            "board_smallest_agency": BOARD_URL + f"?organisation={orgs[0][0]}",
            "board_largest_agency": BOARD_URL + f"?organisation={orgs[-1][0]}",
            "board_all": BOARD_URL,
        },
    }
    counts: dict[str, dict[str, Any]] = {}
    for role, role_urls in urls.items():
        client = Client()
        client.force_login(users[role])
        for name, url in role_urls.items():
            client.get(url)  # warm-up
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            counts[f"{role}/{name}"] = {"url": url, "queries": len(ctx.captured_queries), "status": response.status_code}
    q = {k: v["queries"] for k, v in counts.items()}
    checks = {
        "timeline_equal_consultant": len({q["consultant/timeline_few"], q["consultant/timeline_typical"], q["consultant/timeline_most"]}) == 1,
        "timeline_equal_coordinator": q["coordinator/timeline_few"] == q["coordinator/timeline_most"],
        "board_equal_consultant": len({q["consultant/board_few_cases"], q["consultant/board_consultant"], q["consultant/board_agency"]}) == 1,
        # With an agency chosen, its consultants are listed for the filter (one query more).
        "board_equal_coordinator": q["coordinator/board_smallest_agency"] == q["coordinator/board_largest_agency"],
        "board_all_not_more": q["coordinator/board_all"] <= q["coordinator/board_largest_agency"],
        "all_status_200": all(v["status"] == 200 for v in counts.values()),
    }
    result["query_counts"] = {
        "urls": counts,
        "checks": checks,
        "sizes": {
            "activities_few_typical_most": [companies["few_activities"], companies["typical_activities"], companies["heavy_activities"]],
            "cases_few_consultant_agency": [consultants["few_cases"], consultants["busy_cases"], result["data"]["cases_of_consultants_agency"]],
            "cases_smallest_largest_agency_all": [orgs[0][2], orgs[-1][2], result["data"]["cases"]],
        },
    }
    result["constant_queries"] = all(checks.values())
    return result
