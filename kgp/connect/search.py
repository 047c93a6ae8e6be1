"""The matching engine inside the application: one index of the published competence profiles and
one of the companies with a connect profile, per process, kept up to date incrementally.

Every search first checks, with two small queries, whether anything changed since the index last
looked (the newest `updated_at` and the number of indexed rows) and whether a new synonym list was
saved; it then re-analyses only the rows changed since (`Index.update` / `Index.remove`), never the
whole index. The first search of a process builds the index (about a second per 1,000 profiles);
`manage.py match_index --warm` does that ahead of time. `competences.signals.profile_changed`
refreshes the changed profiles at once in the process that made the change.

Suggestions for a user are filtered by what the user may see: the public sees published profiles;
consultants see the companies of their access layer; company users see only companies that opted
in (peer exchange or supply).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kgp.companies.models import Company
from kgp.competences.models import CompetenceProfile, ProfileStatus
from kgp.competences.signals import profile_changed
from kgp.matching.engine import Document, EngineConfig, Index, Match
from kgp.matching.synonyms import load_synonyms, parse_synonyms

from .models import SynonymList

# The competence map's transfer formats → the engine's format keys (kgp/matching/data/formats_de.txt).
FORMAT_KEYS = {
    "contract_research": "research_project",
    "joint_project": "research_project",
    "student_project": "student_project",
    "thesis": "thesis",
    "lab_use": "lab_access",
    "training": "training",
}
COMPANY_KIND = "company"
logger = logging.getLogger(__name__)
MAX_LIMIT = 50


def _reranker():  # pragma: no cover - needs a locally installed model
    path = getattr(settings, "MATCH_RERANKER_MODEL", "")
    if not path:
        return None
    from kgp.matching.rerank import SentenceTransformerReranker

    return SentenceTransformerReranker(path)


# --- documents --------------------------------------------------------------------------------


def profile_document(profile: CompetenceProfile) -> Document:
    muni = profile.municipality
    return Document(
        id=profile.external_id,
        kind=profile.kind,
        name=profile.name,
        description=profile.description,
        keywords=list(profile.keywords or []),
        topics=[area.name_de for area in profile.subject_areas.all()],
        equipment=profile.equipment_labs,
        formats=sorted({FORMAT_KEYS[f] for f in profile.transfer_formats or [] if f in FORMAT_KEYS}),
        lat=float(muni.lat) if muni and muni.lat is not None else None,
        lon=float(muni.lon) if muni and muni.lon is not None else None,
    )


def company_document(company: Company) -> Document:
    cp = company.connect_profile
    muni = company.municipality
    capabilities = [*cp.processes, *cp.materials, *cp.certifications]
    if cp.capabilities:
        capabilities.append(cp.capabilities)
    return Document(
        id=str(company.pk),
        kind=COMPANY_KIND,
        name=company.name,
        description=company.description,
        challenges=cp.challenges,
        capabilities=capabilities,
        tags=[t.key for t in company.topics.all()],
        lat=float(muni.lat) if muni and muni.lat is not None else None,
        lon=float(muni.lon) if muni and muni.lon is not None else None,
    )


# --- the index holders --------------------------------------------------------------------------


@dataclass
class _Source:
    """Where an index's documents come from."""

    rows: Callable[[], QuerySet]  # every row that belongs in the index
    all_rows: Callable[[], QuerySet]  # every row that might (for changes: published or not)
    changed: Callable[[QuerySet, dt.datetime], QuerySet]  # rows of all_rows changed at or after a time
    state: Callable[[], tuple[Any, ...]]  # cheap fingerprint: (newest change, number of rows)
    document: Callable[[Any], Document]
    doc_id: Callable[[Any], str]
    belongs: Callable[[Any], bool]


@dataclass
class _Holder:
    source: _Source
    lock: threading.RLock = field(default_factory=threading.RLock)
    index: Index | None = None
    state: tuple[Any, ...] | None = None
    synonyms_version: int | None = None
    updates: int = 0  # documents re-analysed since the build (for tests and the bench)

    def reset(self) -> None:
        with self.lock:
            self.index, self.state, self.synonyms_version, self.updates = None, None, None, 0

    def current(self) -> Index:
        """The index, brought up to date with the database."""
        with self.lock:
            version = _synonym_version()
            state = self.source.state()
            if self.index is None:
                self._build(version, _synonym_text(version), state)
                return self.index  # type: ignore[return-value]
            if version != self.synonyms_version:
                text = _synonym_text(version)
                self.index.set_synonyms(parse_synonyms(text) if text is not None else load_synonyms())
                self.synonyms_version = version
            if state != self.state:
                self._catch_up(state)
            return self.index

    def _build(self, version: int | None, text: str | None, state: tuple[Any, ...]) -> None:
        groups = parse_synonyms(text) if text is not None else load_synonyms()
        index = Index(EngineConfig(), synonyms=groups, reranker=_reranker())
        index.add_many(self.source.document(row) for row in self.source.rows().iterator(chunk_size=500))
        self.index, self.state, self.synonyms_version = index, state, version

    def _catch_up(self, state: tuple[Any, ...]) -> None:
        assert self.index is not None
        since = self.state[0] if self.state and self.state[0] else None
        if since is not None:
            for row in self.source.changed(self.source.all_rows(), since).iterator(chunk_size=500):
                self._refresh_row(row)
        # Rows removed (or rolled back) leave the count out of step: compare the ids.
        if since is None or state[1] != len(self.index):
            self._reconcile()
        self.state = state

    def _refresh_row(self, row: Any) -> None:
        assert self.index is not None
        if self.source.belongs(row):
            self.index.update(self.source.document(row))
        else:
            self.index.remove(self.source.doc_id(row))
        self.updates += 1

    def _reconcile(self) -> None:
        assert self.index is not None
        wanted = {self.source.doc_id(row): row for row in self.source.rows().iterator(chunk_size=500)}
        present = set(self.index.ids())
        for doc_id in present - set(wanted):
            self.index.remove(doc_id)
            self.updates += 1
        for doc_id in set(wanted) - present:
            self.index.add(self.source.document(wanted[doc_id]))
            self.updates += 1

    def refresh(self, rows: Iterable[Any]) -> None:
        """Re-analyse these rows now (the signal receiver); the fingerprint is left alone, so the next
        search still catches changes made by other processes."""
        with self.lock:
            if self.index is None:
                return
            for row in rows:
                self._refresh_row(row)


def _synonym_version() -> int | None:
    """The id of the synonym list in force (None: the engine's default list)."""
    return SynonymList.objects.order_by("-id").values_list("id", flat=True).first()


def _synonym_text(version: int | None) -> str | None:
    return SynonymList.objects.filter(pk=version).values_list("text", flat=True).first() if version else None


def _profiles() -> QuerySet[CompetenceProfile]:
    return CompetenceProfile.objects.select_related("municipality").prefetch_related("subject_areas")


def _companies() -> QuerySet[Company]:
    return (
        Company.objects.filter(connect_profile__isnull=False)
        .select_related("municipality", "connect_profile")
        .prefetch_related("topics")
    )


PROFILES = _Holder(
    _Source(
        rows=lambda: _profiles().filter(status=ProfileStatus.PUBLISHED),
        all_rows=_profiles,
        changed=lambda qs, since: qs.filter(updated_at__gte=since),
        # Two index-only reads: the newest change (index on updated_at) and the number of published rows.
        state=lambda: (
            CompetenceProfile.objects.order_by("-updated_at").values_list("updated_at", flat=True).first(),
            CompetenceProfile.objects.filter(status=ProfileStatus.PUBLISHED).count(),
        ),
        document=profile_document,
        doc_id=lambda p: p.external_id,
        belongs=lambda p: p.status == ProfileStatus.PUBLISHED,
    )
)


def _company_state() -> tuple[Any, ...]:
    agg = Company.objects.filter(connect_profile__isnull=False).aggregate(
        company=Max("updated_at"), profile=Max("connect_profile__updated_at"), n=Count("id", filter=Q(is_active=True))
    )
    newest = max((v for v in (agg["company"], agg["profile"]) if v is not None), default=None)
    return (newest, agg["n"])


COMPANIES = _Holder(
    _Source(
        rows=lambda: _companies().filter(is_active=True),
        all_rows=_companies,
        changed=lambda qs, since: qs.filter(Q(updated_at__gte=since) | Q(connect_profile__updated_at__gte=since)),
        state=_company_state,
        document=company_document,
        doc_id=lambda c: str(c.pk),
        belongs=lambda c: c.is_active,
    )
)


def reset() -> None:
    """Forget both indexes (tests; the next search rebuilds)."""
    PROFILES.reset()
    COMPANIES.reset()


@receiver(profile_changed, dispatch_uid="connect_profile_index")
def _on_profile_changed(sender: Any, profile_ids: Sequence[int] = (), **kwargs: Any) -> None:
    PROFILES.refresh(_profiles().filter(pk__in=list(profile_ids)))


# --- searches ---------------------------------------------------------------------------------


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def match_profiles(
    text: str,
    *,
    lat: float | None = None,
    lon: float | None = None,
    formats: Iterable[str] = (),
    topics: Iterable[str] = (),
    limit: int = 10,
    kinds: Iterable[str] | None = None,
) -> list[Match]:
    """Published competence profiles for a need, best first (ids are external ids)."""
    engine_formats = {FORMAT_KEYS[f] for f in formats if f in FORMAT_KEYS}
    # Every kind, expert companies included (the company documents live in the other index).
    return PROFILES.current().search(
        text, lat=lat, lon=lon, formats=engine_formats, tags=list(topics), limit=_limit(limit),
        kinds=set(kinds) if kinds else None,
    )  # fmt: skip


def match_companies(
    text: str,
    *,
    visible: QuerySet[Company],
    supplier: bool = False,
    lat: float | None = None,
    lon: float | None = None,
    topics: Iterable[str] = (),
    limit: int = 10,
    exclude: Iterable[int] = (),
) -> list[Match]:
    """Companies for a need: with similar challenges (peer exchange) or as suppliers (distance weighs
    more). Only companies in `visible` are returned (the caller's access layer, and for company users
    the companies that opted in); the engine ranks, the database filters the candidates."""
    index = COMPANIES.current()
    limit = _limit(limit)
    excluded = {str(pk) for pk in exclude}
    depth = limit * 4
    while True:
        if supplier:
            found = index.suppliers(text, lat=lat, lon=lon, tags=list(topics), limit=depth, exclude_ids=excluded)
        else:
            found = index.search(text, lat=lat, lon=lon, tags=list(topics), limit=depth, kinds={COMPANY_KIND},
                                 exclude_ids=excluded)  # fmt: skip
        allowed = {str(pk) for pk in visible.filter(pk__in=[int(m.id) for m in found]).values_list("pk", flat=True)}
        matches = [m for m in found if m.id in allowed]
        if len(matches) >= limit or len(found) < depth or depth >= 800:
            return matches[:limit]
        depth *= 4


def opted_in(companies: QuerySet[Company], *, supplier: bool) -> QuerySet[Company]:
    """Companies that may be suggested to other companies."""
    flag = "connect_profile__supplier" if supplier else "connect_profile__peer_exchange"
    return companies.filter(is_active=True, **{flag: True})


# --- explanations -----------------------------------------------------------------------------


def topic_labels() -> dict[str, str]:
    """Topic keys → names in the active language (one query)."""
    from kgp.companies.models import Topic

    return {t.key: str(t) for t in Topic.objects.all()}


FORMAT_LABELS = {
    "research_project": gettext_lazy("research project"),
    "thesis": gettext_lazy("thesis"),
    "student_project": gettext_lazy("student project"),
    "testing": gettext_lazy("testing and measurement"),
    "consulting": gettext_lazy("consulting"),
    "training": gettext_lazy("training"),
    "lab_access": gettext_lazy("use of labs"),
    "funding_advice": gettext_lazy("funding advice"),
    "service": gettext_lazy("service"),
    "matchmaking": gettext_lazy("matchmaking"),
}


def reason_lines(reasons: Sequence[dict[str, Any]], *, topic_names: dict[str, str] | None = None, max_terms: int = 6) -> list[str]:
    """The reasons of a match as sentences in the active language: matched terms (with how they
    matched: word part, synonym, spelling), shared topics, transfer-format fit, distance."""
    via_labels = {
        "compound": _("word part"),
        "synonym": _("synonym"),
        "typo": _("spelling"),
    }
    if topic_names is None:
        topic_names = topic_labels()
    lines: list[str] = []
    terms: list[str] = []
    for r in reasons:
        if r.get("type") == "term" and len(terms) < max_terms:
            matched = ", ".join(r.get("matched", [])[:3])
            via = via_labels.get(r.get("via", ""))
            if via:
                terms.append(f"„{r['query']}“ → {matched} ({via})")
            elif matched and matched != r["query"].casefold():
                terms.append(f"„{r['query']}“ → {matched}")
            else:
                terms.append(f"„{r['query']}“")
    if terms:
        lines.append(_("Matching terms: %(terms)s") % {"terms": "; ".join(terms)})
    for r in reasons:
        kind = r.get("type")
        if kind == "topic" and r.get("topics"):
            lines.append(_("Shared topics: %(topics)s") % {"topics": ", ".join(topic_names.get(t, t) for t in r["topics"])})
        elif kind == "format" and r.get("matched"):
            labels = ", ".join(str(FORMAT_LABELS.get(f, f)) for f in r["matched"])
            lines.append(_("Offers the format you asked for: %(formats)s") % {"formats": labels})
        elif kind == "distance" and r.get("km") is not None:
            lines.append(_("Distance: about %(km)d km") % {"km": round(r["km"])})
        elif kind == "semantic":
            lines.append(_("Similar in content (similarity %(value).2f)") % {"value": r.get("similarity", 0)})
    return lines


def warm_in_background() -> threading.Thread | None:
    """Build both indexes in a daemon thread (the web server's start, see config/wsgi.py); off with
    MATCH_WARM_ON_START=0. A failure (e.g. a database not yet migrated) is logged; the first search
    then builds the index itself."""
    if not getattr(settings, "MATCH_WARM_ON_START", True):
        return None

    def warm() -> None:
        from django.db import connection

        try:
            PROFILES.current()
            COMPANIES.current()
        except Exception:  # pragma: no cover - logged, the first search retries
            logger.exception("Building the matching indexes at start failed")
        finally:
            connection.close()

    thread = threading.Thread(target=warm, name="match-index-warm", daemon=True)
    thread.start()
    return thread
