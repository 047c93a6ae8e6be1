"""The matching engine: an incremental BM25F index over German profiles, with explanations.

One engine ranks three kinds of suggestions over the same documents, chosen by ``kinds``:
competence holders for a need, companies with similar challenges (peer exchange) and companies as
regional suppliers for a capability (processes, materials, certifications), with the distance
between places.

Analysis (``Analyzer``): words are folded (case, umlauts, ß), stop words dropped, stemmed (Snowball
German) and split into compound parts (``druckluftleckage`` → ``druckluft``, ``leckage``, and
``druck``, ``luft``), which are indexed beside the whole word with a lower weight. A query is
analysed the same way and then expanded: synonym groups (``synonyms_de.txt``) with a lower weight,
topic keys inferred from its words (``topics_de.txt``), and, for a word the index does not know,
the index terms within one or two typing errors (character trigrams plus an edit-distance check).

Scoring: BM25F over the fields of a document (name, keywords, subject areas, description,
equipment, capabilities, challenges), with per-field weights and length normalisation, saturated
per term; expansion terms that occur in most documents are skipped. Among the best candidates,
shared topic keys (given or inferred from the text) and a requested transfer format that a
document offers raise the score a little, and the distance to the asking company lowers it a
little. An optional dense re-ranker (``rerank``) re-scores the top candidates.

Incremental: ``add``/``update``/``remove`` touch only the postings of one document. The
decompounding vocabulary grows with the documents; when a new word lets an earlier compound split,
only the documents containing that compound are re-analysed. The BM25 length normalisation uses a
snapshot of the average field lengths, refreshed (all weights recomputed, no re-analysis) only when
the averages drift by more than ``renormalise_drift``.

Every match carries structured reasons: matched terms (with ``via``: stem, compound, synonym,
typo), shared topics, transfer-format fit, distance; ``explain_de`` renders them in German.
"""

from __future__ import annotations

import heapq
import logging
import math
import pickle
import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from kgp.matching.geo import haversine_km
from kgp.matching.lexicons import FORMAT_LABELS, FORMATS_PATH, TOPICS_PATH, KeyedLexicon, load_keyed
from kgp.matching.rerank import Reranker, RerankerUnavailable
from kgp.matching.synonyms import SynonymGroup, Thesaurus, load_synonyms
from kgp.matching.text import ELLIPSIS, STOPWORDS, Decompounder, NgramVocabulary, fold, stem, tokenize_marked

logger = logging.getLogger(__name__)

FIELDS = ("name", "keywords", "topics", "description", "equipment", "capabilities", "challenges")
DEFAULT_FIELD_WEIGHTS = {
    "name": 1.0,
    "keywords": 2.0,
    "topics": 1.5,
    "description": 1.0,
    "equipment": 1.0,
    "capabilities": 1.5,
    "challenges": 1.0,
}
FULL, PART, SUBPART = 0, 1, 2
VIA_RANK = {"stem": 0, "compound": 1, "synonym": 2, "typo": 3}
MAX_QUERY_CHARS = 20_000
MAX_TYPO_LOOKUPS = 8  # unknown words of one query looked up for typing errors


@dataclass
class Document:
    """A profile to rank: a competence holder, or a company (peer exchange, supplier)."""

    id: str
    kind: str = ""
    name: str = ""
    description: str = ""
    keywords: Sequence[str] = ()
    topics: Sequence[str] = ()  # subject areas, free text
    equipment: str = ""  # labs, machines
    capabilities: Sequence[str] = ()  # processes, materials, certifications (companies as suppliers)
    challenges: str = ""  # a company's current challenges (peer exchange)
    tags: Sequence[str] = ()  # topic keys (energy, climate, …) chosen by an editor
    formats: Sequence[str] = ()  # transfer formats offered (keys of formats_de.txt)
    lat: float | None = None
    lon: float | None = None

    def field_texts(self) -> Iterator[tuple[int, str]]:
        for i, value in enumerate(
            (
                self.name,
                " . ".join(self.keywords),
                " . ".join(self.topics),
                self.description,
                self.equipment,
                " . ".join(self.capabilities),
                self.challenges,
            )
        ):
            if value:
                yield i, value

    def text(self) -> str:
        """All text of the document in one string (for the dense re-ranker)."""
        return " . ".join(t for _, t in self.field_texts())


@dataclass
class EngineConfig:
    stemming: bool = True
    decompounding: bool = True
    synonyms: bool = True
    typos: bool = True  # character-trigram fallback for words the index does not know
    topics: bool = True  # topic keys inferred from the text: shared topics raise the score a little
    infer_formats: bool = True  # transfer formats found in a document's text count as offered
    k1: float = 1.2
    b: float = 0.75
    field_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FIELD_WEIGHTS))
    part_weight: float = 0.6  # a compound part, relative to a whole word
    subpart_weight: float = 0.3  # a part of a part
    synonym_weight: float = 0.5  # a synonym of a query word
    related_weight: float = 0.3  # a related term ("~" groups)
    typo_weight: float = 0.6  # a term within typing distance of an unknown query word
    topic_weight: float = 0.1  # score raised by up to this fraction for shared topics
    tag_weight: float = 1.0  # weight of a topic key given with the query (inferred ones: up to 1)
    format_weight: float = 0.15  # score raised by up to this fraction for the requested formats
    distance_weight: float = 0.05  # score lowered by up to this fraction with distance …
    distance_cap_km: float = 100.0  # … reached at this distance
    candidate_depth: int = 100
    # Expansion terms (synonyms, typo corrections, parts of parts) that occur in more than this
    # share of the documents say little and cost much; they are left out.
    max_expansion_df: float = 0.2
    min_expansion_weight: float = 0.2  # weaker expansions (related terms of compound parts …) are left out
    # Terms in more than this share of the documents (and at least broad_min_df of them) only
    # re-weigh the best broad_pool candidates found by the more selective terms.
    broad_df: float = 0.05
    broad_min_df: int = 200
    broad_pool: int = 300
    reranker_depth: int = 30
    reranker_weight: float = 0.5
    max_query_tokens: int = 256
    renormalise_drift: float = 0.2

    @classmethod
    def ablation(cls, step: str) -> EngineConfig:
        """Configurations that add one analysis step at a time (for the benchmark)."""
        steps = ("tokens", "stemming", "decompounding", "synonyms", "ngrams", "topics")
        if step not in steps:
            raise ValueError(f"unknown step {step!r}; one of {steps}")
        on = steps[: steps.index(step) + 1]
        return cls(
            stemming="stemming" in on,
            decompounding="decompounding" in on,
            synonyms="synonyms" in on,
            typos="ngrams" in on,
            topics="topics" in on,
            infer_formats="topics" in on,
        )


@dataclass
class Match:
    id: str
    score: float
    kind: str = ""
    reasons: list[dict[str, Any]] = field(default_factory=list)
    distance_km: float | None = None
    lexical_score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": round(self.score, 4), "kind": self.kind, "reasons": self.reasons}


# --- analysis ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Word:
    text: str  # folded word (for an elided compound: completed, "abgaswaerme")
    key: str
    parts: tuple[tuple[str, str, int], ...]  # (key, folded part, depth)
    unsplit: bool  # a long word that did not split (may split once the vocabulary grows)


@dataclass(slots=True)
class _QueryTerm:
    weight: float
    sources: dict[tuple[str, str], float]  # (query word, via) → weight
    direct: bool = False  # a word of the query or one of its compound parts (not an expansion)


@dataclass(slots=True)
class _DocAnalysis:
    entries: list[tuple[str, int, float]]  # (term, field, tf)
    kinds: dict[str, int]
    lengths: list[int]
    topics: frozenset[str]
    formats: frozenset[str]
    unsplit: list[tuple[str, str]]  # long words that did not split, with their key


class Analyzer:
    def __init__(
        self,
        config: EngineConfig,
        decompounder: Decompounder | None,
        thesaurus: Thesaurus | None,
        topics: KeyedLexicon | None,
        formats: KeyedLexicon | None,
    ) -> None:
        self.config = config
        self.decompounder = decompounder
        self.thesaurus = thesaurus
        self.topics = topics
        self.formats = formats
        self.display: dict[str, str] = {}  # key → the first word or part seen for it
        self._cache: dict[str, _Word] = {}
        self._cache_version = -1

    MAX_CACHE = 250_000

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_cache"] = {}
        state["_cache_version"] = -1
        return state

    def clear_cache(self) -> None:
        self._cache.clear()

    def key(self, norm: str) -> str:
        return stem(norm) if self.config.stemming else norm

    @staticmethod
    def tokens(doc: Document) -> list[tuple[int, list[str]]]:
        """The tokens of each field of a document, stop words removed (see ``tokenize_marked``)."""
        return [(f, [t for t in tokenize_marked(text) if t not in STOPWORDS]) for f, text in doc.field_texts()]

    def words(self, text: str | list[str], limit: int | None = None) -> list[_Word]:
        if isinstance(text, str):
            tokens = [t for t in tokenize_marked(text) if t not in STOPWORDS]
        else:
            tokens = text
        if limit is not None:
            tokens = tokens[:limit]
        dec = self.decompounder
        if dec is not None and dec.version != self._cache_version:
            self._cache.clear()
            self._cache_version = dec.version
        cache = self._cache
        out: list[_Word] = []
        for i, tok in enumerate(tokens):
            w = cache.get(tok)
            if w is None:
                if tok.endswith(ELLIPSIS):
                    # "Abgas- und Abluftwärme": complete "abgas" with the head of the next compound.
                    w = self._elided(tok[:-1], self._next_head(tokens, i))
                else:
                    w = self._analyse(tok, dec.decompose(tok) if dec is not None else [])
                    if len(cache) >= self.MAX_CACHE:
                        for old in list(islice(cache, self.MAX_CACHE // 2)):
                            del cache[old]
                    cache[tok] = w
            out.append(w)
        return out

    def _analyse(self, norm: str, parts: list[tuple[str, int]]) -> _Word:
        key = stem(norm) if self.config.stemming else norm
        display = self.display
        if key not in display:
            display[key] = norm
        seen = {key}
        kparts = []
        for part, depth in parts:
            pk = stem(part) if self.config.stemming else part
            if pk not in seen and len(pk) >= 2:
                seen.add(pk)
                kparts.append((pk, part, depth))
                if pk not in display:
                    display[pk] = part
        return _Word(norm, key, tuple(kparts), not kparts and len(norm) >= 8 and norm.isalpha())

    def _elided(self, modifier: str, head: str | None) -> _Word:
        if not head or not modifier.isalpha() or self.decompounder is None:
            return self._analyse(modifier, [])
        word = modifier + head
        return self._analyse(word, self.decompounder.decompose(word) or [(modifier, 1), (head, 1)])

    def _next_head(self, tokens, i: int) -> str | None:
        for tok in tokens[i + 1 : i + 4]:
            if tok.endswith(ELLIPSIS):
                continue
            parts = self.decompounder.split(tok) if self.decompounder else ()
            return parts[-1] if parts else None
        return None

    def _weight(self, depth: int) -> float:
        return self.config.part_weight if depth == 1 else self.config.subpart_weight

    def analyze_document(self, doc: Document, tokens: list[tuple[int, list[str]]] | None = None) -> _DocAnalysis:
        entries: list[tuple[str, int, float]] = []
        part_kinds: dict[str, int] = {}
        full: set[str] = set()
        lengths = [0] * len(FIELDS)
        sequence: list[str] = []
        part_keys: list[str] = []
        unsplit: list[tuple[str, str]] = []
        weights = (0.0, self.config.part_weight, self.config.subpart_weight)
        for fi, field_tokens in tokens if tokens is not None else self.tokens(doc):
            words = self.words(field_tokens)
            lengths[fi] = len(words)
            tf: dict[str, float] = {}
            get = tf.get
            for w in words:
                k = w.key
                tf[k] = get(k, 0.0) + 1.0
                sequence.append(k)
                if w.parts:
                    for pk, _part, depth in w.parts:
                        tf[pk] = get(pk, 0.0) + weights[depth]
                        if part_kinds.get(pk, 9) > depth:
                            part_kinds[pk] = depth
                        part_keys.append(pk)
                elif w.unsplit:
                    unsplit.append((w.text, k))
            full.update(sequence)
            entries.extend((t, fi, v) for t, v in tf.items())
            sequence.append("")  # no phrase across fields
        kinds = {k: FULL if k in full else d for k, d in part_kinds.items()}
        topics: set[str] = set(doc.tags)
        if self.topics is not None:
            topics.update(self.topics.match(sequence, part_keys))
        formats = set(doc.formats)
        if self.formats is not None and self.config.infer_formats:
            formats.update(self.formats.match(sequence, part_keys))
        return _DocAnalysis(entries, kinds, lengths, frozenset(topics), frozenset(formats), unsplit)

    def analyze_query(
        self, text: str, tags: Iterable[str] = ()
    ) -> tuple[dict[str, _QueryTerm], list[_Word], dict[str, float]]:
        cfg = self.config
        words = self.words(text[:MAX_QUERY_CHARS], limit=cfg.max_query_tokens)
        terms: dict[str, _QueryTerm] = {}

        def add(term: str, weight: float, source: str, via: str, direct: bool = False) -> None:
            qt = terms.get(term)
            if qt is None:
                terms[term] = _QueryTerm(weight, {(source, via): weight}, direct)
                return
            qt.weight = max(qt.weight, weight)
            qt.direct = qt.direct or direct
            key = (source, via)
            qt.sources[key] = max(qt.sources.get(key, 0.0), weight)

        for w in words:
            add(w.key, 1.0, w.text, "stem", True)
            for pk, _part, depth in w.parts:
                add(pk, self._weight(depth), w.text, "compound", depth == 1)
        sequence = [w.key for w in words]
        th = self.thesaurus
        if th is not None:
            for i, w in enumerate(words):
                for k, base in [(w.key, 1.0)] + [(pk, self._weight(d)) for pk, _p, d in w.parts]:
                    for g in th.groups_for(k):
                        for ek, factor, _member in th.expansions(g, (k,)):
                            add(ek, base * factor, w.text, "synonym")
                for end, g in th.phrases_at(sequence, i):
                    source = " ".join(x.text for x in words[i:end])
                    for ek, factor, _member in th.expansions(g, tuple(sequence[i:end])):
                        add(ek, factor, source, "synonym")
        topics: dict[str, float] = {}
        if cfg.topics:
            if self.topics is not None:
                parts = [pk for w in words for pk, _p, _d in w.parts]
                for label, keys in self.topics.match(sequence, parts).items():
                    topics[label] = min(1.0, len(keys) / 2)
            for tag in tags:
                topics[tag] = cfg.tag_weight
        return terms, words, topics


# --- the index --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    doc: Document
    idx: int
    terms: tuple[str, ...]
    weights: array  # saturated BM25F weight per term
    kinds: bytes
    raw_terms: tuple[str, ...]  # per (term, field) for renormalisation
    raw_fields: bytes
    raw_tfs: array
    lengths: tuple[int, ...]
    topics: frozenset[str]
    formats: frozenset[str]


class Index:
    """An in-memory, incrementally updated matching index (see the module docstring).

    Thread-safe: updates and searches hold one lock; a search takes a few milliseconds.
    """

    def __init__(
        self,
        config: EngineConfig | None = None,
        *,
        synonyms: Sequence[SynonymGroup] | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        self.config = cfg = config or EngineConfig()
        self._lock = threading.RLock()
        self.decompounder = Decompounder.default() if cfg.decompounding else None
        self.thesaurus: Thesaurus | None = None
        if cfg.synonyms:
            groups = load_synonyms() if synonyms is None else list(synonyms)
            self.thesaurus = self._compile_thesaurus(groups)
        key = stem if cfg.stemming else (lambda w: w)
        topics = KeyedLexicon(load_keyed(TOPICS_PATH), key) if cfg.topics else None
        formats = KeyedLexicon(load_keyed(FORMATS_PATH), key)
        self.analyzer = Analyzer(cfg, self.decompounder, self.thesaurus, topics, formats)
        self.reranker = reranker
        self._reranker_error: str | None = None
        self._postings: dict[str, tuple[array, array]] = {}
        self._entries: list[_Entry | None] = []
        self._free: list[int] = []
        self._by_id: dict[str, int] = {}
        self._len_sum = [0] * len(FIELDS)
        self._avg = [0.0] * len(FIELDS)
        self._unsplit: dict[str, str] = {}
        self._vocab = NgramVocabulary() if cfg.typos else None
        self._typo_cache: dict[str, list[tuple[str, int]]] = {}  # cleared when the vocabulary changes
        self._thesaurus_vocab = NgramVocabulary() if cfg.typos else None
        if self._thesaurus_vocab is not None and self.thesaurus is not None:
            for k in self.thesaurus.single_keys():
                self._thesaurus_vocab.add(k)
        self.renormalisations = 0

    def _compile_thesaurus(self, groups: Sequence[SynonymGroup]) -> Thesaurus:
        cfg = self.config
        key = stem if cfg.stemming else (lambda w: w)
        th = Thesaurus(groups, key, synonym_weight=cfg.synonym_weight, related_weight=cfg.related_weight)
        if self.decompounder is not None:
            self.decompounder.add_words(sorted(th.words()))
        return th

    def set_synonyms(self, groups: Sequence[SynonymGroup]) -> None:
        """Replace the synonym list (e.g. after the coordination edited it). Synonyms expand queries
        only, so the documents need no re-indexing."""
        with self._lock:
            if not self.config.synonyms:
                return
            if self.decompounder is not None and self.thesaurus is not None:
                self.decompounder.remove_words(sorted(self.thesaurus.words()))
            self.thesaurus = self.analyzer.thesaurus = self._compile_thesaurus(groups)
            if self._thesaurus_vocab is not None:
                self._thesaurus_vocab = NgramVocabulary()
                for k in self.thesaurus.single_keys():
                    self._thesaurus_vocab.add(k)
                self._typo_cache.clear()

    # -- snapshots --

    def dumps(self) -> bytes:
        """The index as bytes, for a fast start of another process (``Index.loads``): the analysis of
        10,000 profiles takes seconds, loading a snapshot a fraction of that. Only load snapshots this
        application wrote itself (pickle)."""
        with self._lock:
            return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def loads(cls, data: bytes, *, reranker: Reranker | None = None) -> Index:
        index = pickle.loads(data)  # noqa: S301 - our own snapshot, see dumps()
        if not isinstance(index, cls):
            raise TypeError("not an Index snapshot")
        index.reranker = reranker
        return index

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for transient in ("_lock", "reranker", "_typo_cache", "_reranker_error"):
            state.pop(transient, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self.reranker = None
        self._typo_cache = {}
        self._reranker_error = None

    # -- size and lookup --

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._by_id

    def get(self, doc_id: str) -> Document | None:
        idx = self._by_id.get(doc_id)
        return self._entries[idx].doc if idx is not None else None  # type: ignore[union-attr]

    def ids(self) -> list[str]:
        """The ids of the indexed documents."""
        with self._lock:
            return list(self._by_id)

    def stats(self) -> dict[str, int]:
        return {
            "documents": len(self._by_id),
            "terms": len(self._postings),
            "postings": sum(len(p[0]) for p in self._postings.values()),
            "decompounding_vocabulary": len(self.decompounder) if self.decompounder else 0,
            "renormalisations": self.renormalisations,
        }

    # -- updates --

    def add(self, doc: Document) -> None:
        """Add a document, or replace the one with the same id (only its postings change)."""
        self.add_many([doc])

    update = add

    def add_many(self, docs: Iterable[Document]) -> None:
        """Add or replace several documents; the vocabulary is extended first, so their compounds
        split against each other's words."""
        with self._lock:
            batch: dict[str, Document] = {}
            for doc in docs:
                batch[doc.id] = doc
            if not batch:
                return
            for doc_id in batch:
                if doc_id in self._by_id:
                    self._remove(doc_id)
            tokens = {doc_id: self.analyzer.tokens(doc) for doc_id, doc in batch.items()}
            if self.decompounder is not None:
                new: set[str] = set()
                for doc_tokens in tokens.values():
                    new.update(self.decompounder.add_words(_words_of(doc_tokens)))
                if new and self._unsplit:
                    self._resplit(new)
            entries = [self._make_entry(doc, tokens[doc.id]) for doc in batch.values()]
            del tokens
            if self._drifted():
                self._renormalise()  # weighs and inserts every document, the new ones included
            else:
                for entry in entries:
                    self._weigh(entry)
                    self._insert(entry)
            if len(batch) > 1000:  # a bulk load: the word caches hold mostly words no query will use
                self.analyzer.clear_cache()
                if self.decompounder is not None:
                    self.decompounder.clear_cache()

    def remove(self, doc_id: str) -> bool:
        with self._lock:
            if doc_id not in self._by_id:
                return False
            self._remove(doc_id)
            if self._by_id and self._drifted():
                self._renormalise()
            return True

    def _remove(self, doc_id: str) -> None:
        idx = self._by_id.pop(doc_id)
        entry = self._entries[idx]
        assert entry is not None
        self._delete_postings(entry)
        for f, n in enumerate(entry.lengths):
            self._len_sum[f] -= n
        self._entries[idx] = None
        self._free.append(idx)
        if self.decompounder is not None:
            self.decompounder.remove_words(_words_of(self.analyzer.tokens(entry.doc)))
        if self.reranker is not None:
            self.reranker.forget(doc_id)

    def _make_entry(self, doc: Document, tokens: list[tuple[int, list[str]]] | None = None) -> _Entry:
        a = self.analyzer.analyze_document(doc, tokens)
        if self._free:
            idx = self._free.pop()
        else:
            idx = len(self._entries)
            self._entries.append(None)
        for word, key in a.unsplit:
            self._unsplit.setdefault(word, key)
        for f, n in enumerate(a.lengths):
            self._len_sum[f] += n
        self._by_id[doc.id] = idx
        entry = _Entry(
            doc=doc,
            idx=idx,
            terms=(),
            weights=array("f"),
            kinds=b"",
            raw_terms=tuple(t for t, _f, _v in a.entries),
            raw_fields=bytes(f for _t, f, _v in a.entries),
            raw_tfs=array("f", (v for _t, _f, v in a.entries)),
            lengths=tuple(a.lengths),
            topics=a.topics,
            formats=a.formats,
        )
        entry.terms = tuple(dict.fromkeys(entry.raw_terms))
        kinds = a.kinds
        entry.kinds = bytes(kinds.get(t, FULL) for t in entry.terms)
        self._entries[idx] = entry
        return entry

    def _weigh(self, entry: _Entry) -> None:
        """BM25F: per-field weighted, length-normalised frequencies, summed and saturated."""
        cfg = self.config
        fw = [cfg.field_weights.get(name, 1.0) for name in FIELDS]
        b, k1 = cfg.b, cfg.k1
        norms = []
        for f, n in enumerate(entry.lengths):
            avg = self._avg[f]
            norms.append(1.0 if avg <= 0 else (1.0 - b + b * n / avg))
        acc: dict[str, float] = dict.fromkeys(entry.terms, 0.0)
        for term, f, tf in zip(entry.raw_terms, entry.raw_fields, entry.raw_tfs):
            acc[term] += fw[f] * tf / norms[f]
        entry.weights = array("f", (v * (k1 + 1.0) / (v + k1) for v in acc.values()))

    def _insert(self, entry: _Entry) -> None:
        postings = self._postings
        get = postings.get
        idx = entry.idx
        new = []
        for term, w in zip(entry.terms, entry.weights):
            p = get(term)
            if p is None:
                p = postings[term] = (array("i"), array("f"))
                new.append(term)
            p[0].append(idx)
            p[1].append(w)
        if new and self._vocab is not None:
            for term in new:
                self._vocab.add(term)
            self._typo_cache.clear()

    def _delete_postings(self, entry: _Entry) -> None:
        postings = self._postings
        idx = entry.idx
        for term in entry.terms:
            p = postings.get(term)
            if p is None:
                continue
            try:
                i = p[0].index(idx)
            except ValueError:
                continue
            del p[0][i]
            del p[1][i]
            if not p[0]:
                del postings[term]
                if self._vocab is not None:
                    self._vocab.discard(term)
                    self._typo_cache.clear()

    def _drifted(self) -> bool:
        n = len(self._by_id)
        if not n:
            return False
        for f in range(len(FIELDS)):
            cur = self._len_sum[f] / n
            old = self._avg[f]
            if (old <= 0) != (cur <= 0) or (old > 0 and abs(cur - old) / old > self.config.renormalise_drift):
                return True
        return False

    def _renormalise(self) -> None:
        """New average field lengths: recompute every posting weight (no re-analysis)."""
        n = len(self._by_id)
        self._avg = [s / n if n else 0.0 for s in self._len_sum]
        self._postings.clear()
        if self._vocab is not None:
            self._vocab = NgramVocabulary()
            self._typo_cache.clear()
        for entry in self._entries:
            if entry is not None and entry.terms:
                self._weigh(entry)
                self._insert(entry)
        self.renormalisations += 1

    def _resplit(self, new_words: set[str]) -> None:
        """Re-analyse the documents whose compounds split differently now that ``new_words`` are known."""
        unsplit = self._unsplit
        if len(new_words) * len(unsplit) <= 20 * sum(len(w) ** 2 for w in unsplit):
            candidates = [u for u in unsplit if any(w in u for w in new_words)]
        else:
            candidates = []
            for u in unsplit:
                subs = {u[i:j] for i in range(len(u)) for j in range(i + 4, len(u) + 1)}
                if subs & new_words:
                    candidates.append(u)
        affected: set[int] = set()
        for u in candidates:
            if self.decompounder is not None and self.decompounder.split(u):
                p = self._postings.get(unsplit.pop(u))
                if p is not None:
                    affected.update(p[0])
        for idx in affected:
            entry = self._entries[idx]
            if entry is None:
                continue
            self._delete_postings(entry)
            self._by_id.pop(entry.doc.id)
            self._entries[idx] = None
            for f, n in enumerate(entry.lengths):
                self._len_sum[f] -= n
            self._free.append(idx)
            fresh = self._make_entry(entry.doc)
            self._weigh(fresh)
            self._insert(fresh)

    # -- search --

    def search(
        self,
        query: str,
        *,
        lat: float | None = None,
        lon: float | None = None,
        formats: Iterable[str] = (),
        tags: Iterable[str] = (),
        limit: int = 10,
        kinds: Iterable[str] | None = None,
        exclude_kinds: Iterable[str] = (),
        ids: Iterable[str] | None = None,
        exclude_ids: Iterable[str] = (),
        distance_weight: float | None = None,
    ) -> list[Match]:
        """The best ``limit`` documents for a need, best first, each with its reasons.

        ``lat``/``lon``: where the asking company is (distance reported and used as a small
        penalty, ``distance_weight`` overrides the configured one, e.g. higher for suppliers).
        ``formats``: transfer formats wanted. ``tags``: topic keys of the need. ``kinds``,
        ``exclude_kinds``, ``ids``, ``exclude_ids``: restrict the candidates (e.g.
        ``kinds={"company"}`` for suppliers, ``ids`` for what the asking user may see).
        """
        if not query or not isinstance(query, str) or limit <= 0:
            return []
        cfg = self.config
        requested = frozenset(formats)
        with self._lock:
            n_docs = len(self._by_id)
            if not n_docs:
                return []
            terms, words, q_topics = self.analyzer.analyze_query(query, tags)
            if self._vocab is not None:
                self._add_typo_terms(terms, words)
            if not terms:
                return []
            acc = [0.0] * len(self._entries)
            idfs: dict[str, float] = {}
            max_df = cfg.max_expansion_df * n_docs
            broad_df = max(cfg.broad_min_df, cfg.broad_df * n_docs)
            broad = []
            for term, qt in terms.items():
                p = self._postings.get(term)
                if p is None:
                    continue
                df = len(p[0])
                if not qt.direct and (qt.weight < cfg.min_expansion_weight or (df > max_df and df > 10)):
                    continue
                idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
                idfs[term] = idf
                w = qt.weight * idf
                if df > broad_df:
                    broad.append((w, p))
                    continue
                for d, s in zip(p[0], p[1]):
                    acc[d] += w * s
            allowed = self._filter(kinds, exclude_kinds, ids, exclude_ids)
            depth = max(cfg.candidate_depth, limit)
            if broad and any(acc):
                # Terms found in many documents only re-weigh the best candidates of the others.
                pool = self._candidates(acc, allowed, max(depth, cfg.broad_pool))
                for w, p in broad:
                    weights = dict(zip(p[0], p[1]))
                    for _s, i in pool:
                        s = weights.get(i)
                        if s is not None:
                            acc[i] += w * s
                top = heapq.nlargest(depth, ((acc[i], i) for _s, i in pool))
            else:
                for w, p in broad:
                    for d, s in zip(p[0], p[1]):
                        acc[d] += w * s
                top = self._candidates(acc, allowed, depth)
            dw = cfg.distance_weight if distance_weight is None else distance_weight
            topic_norm = sum(q_topics.values()) or 1.0
            scored = []
            for s, i in top:
                entry = self._entries[i]
                assert entry is not None
                factor = 1.0
                if q_topics and entry.topics:
                    shared = sum(w for t, w in q_topics.items() if t in entry.topics)
                    factor *= 1.0 + cfg.topic_weight * shared / topic_norm
                if requested:
                    fit = len(requested & entry.formats) / len(requested)
                    factor *= 1.0 + cfg.format_weight * fit
                km = None
                if lat is not None and lon is not None and entry.doc.lat is not None and entry.doc.lon is not None:
                    km = haversine_km(lat, lon, entry.doc.lat, entry.doc.lon)
                    factor *= 1.0 - dw * min(km, cfg.distance_cap_km) / cfg.distance_cap_km
                scored.append([s * factor, s, i, km, None])
            scored.sort(key=lambda r: (-r[0], self._entries[r[2]].doc.id))  # type: ignore[union-attr]
            if self.reranker is not None and self._reranker_error is None and scored:
                self._rerank(query, scored)
            results = []
            for final, lexical, i, km, sim in scored[:limit]:
                entry = self._entries[i]
                assert entry is not None
                reasons = self._reasons(entry, terms, idfs, q_topics, requested, km, sim)
                results.append(Match(entry.doc.id, final, entry.doc.kind, reasons, km, lexical))
            return results

    @staticmethod
    def _candidates(acc: list[float], allowed: list[int] | None, depth: int) -> list[tuple[float, int]]:
        best = heapq.nlargest(depth, range(len(acc)) if allowed is None else allowed, key=acc.__getitem__)
        return [(acc[i], i) for i in best if acc[i] > 0.0]

    def _filter(self, kinds, exclude_kinds, ids, exclude_ids) -> list[int] | None:
        exclude_kinds = set(exclude_kinds)
        if kinds is None and ids is None and not exclude_ids and not exclude_kinds:
            return None
        if ids is not None:
            pool = [self._by_id[i] for i in set(ids) if i in self._by_id]
        else:
            pool = list(self._by_id.values())
        kind_set = None if kinds is None else set(kinds)
        excluded = set(exclude_ids)
        out = []
        for i in pool:
            doc = self._entries[i].doc  # type: ignore[union-attr]
            if (kind_set is None or doc.kind in kind_set) and doc.kind not in exclude_kinds and doc.id not in excluded:
                out.append(i)
        return out

    def _add_typo_terms(self, terms: dict[str, _QueryTerm], words: list[_Word]) -> None:
        """For a query word that neither the index nor the synonym list knows (nor any of its
        parts): the index terms and synonym keys within typing distance."""
        th = self.thesaurus
        dec = self.decompounder
        lookups = 0
        for w in words:
            if w.key in self._postings or any(pk in self._postings for pk, _p, _d in w.parts):
                continue
            if th is not None and th.groups_for(w.key):
                continue
            if not w.key.isalpha() or (dec is not None and dec.knows(w.text)):
                continue  # a correctly spelled word that no profile uses
            lookups += 1
            if lookups > MAX_TYPO_LOOKUPS:
                break
            found = self._typo_cache.get(w.key)
            if found is None:
                found = self._vocab.similar(w.key)  # type: ignore[union-attr]
                if self._thesaurus_vocab is not None:
                    found += self._thesaurus_vocab.similar(w.key)
                if len(self._typo_cache) > 10_000:
                    self._typo_cache.clear()
                self._typo_cache[w.key] = found
            for cand, d in sorted(set(found), key=lambda x: x[1])[:3]:
                weight = self.config.typo_weight * (1.0 - d / max(len(w.key), 1))
                self._add_term(terms, cand, weight, w.text, "typo")
                if th is not None:
                    for g in th.groups_for(cand):
                        for ek, factor, _m in th.expansions(g, (cand,)):
                            self._add_term(terms, ek, weight * factor, w.text, "typo")

    @staticmethod
    def _add_term(terms: dict[str, _QueryTerm], term: str, weight: float, source: str, via: str) -> None:
        qt = terms.get(term)
        if qt is None:
            terms[term] = _QueryTerm(weight, {(source, via): weight})
        else:
            qt.weight = max(qt.weight, weight)
            qt.sources[(source, via)] = max(qt.sources.get((source, via), 0.0), weight)

    def _rerank(self, query: str, scored: list[list]) -> None:
        cfg = self.config
        head = scored[: cfg.reranker_depth]
        docs = [self._entries[r[2]].doc for r in head]  # type: ignore[union-attr]
        try:
            sims = self.reranker.similarities(query, docs)  # type: ignore[union-attr]
        except RerankerUnavailable as exc:
            self._reranker_error = str(exc)
            logger.warning("Dense re-ranking is off: %s", exc)
            return
        top = head[0][0] or 1.0
        alpha = cfg.reranker_weight
        for row, sim in zip(head, sims):
            row[4] = sim
            row[0] = (1.0 - alpha) * row[0] / top + alpha * sim
        head.sort(key=lambda r: (-r[0], self._entries[r[2]].doc.id))  # type: ignore[union-attr]
        scored[: len(head)] = head

    @property
    def reranker_error(self) -> str | None:
        """Why the configured re-ranker is not used (None when it works or none is configured)."""
        return self._reranker_error

    def _reasons(self, entry, terms, idfs, q_topics, requested, km, sim) -> list[dict[str, Any]]:
        doc_terms = {t: (w, k) for t, w, k in zip(entry.terms, entry.weights, entry.kinds)}
        groups: dict[tuple[str, str], dict[str, float]] = {}
        for term, qt in terms.items():
            hit = doc_terms.get(term)
            if hit is None:
                continue
            weight, kind = hit
            for (source, via), qw in qt.sources.items():
                if via == "stem" and kind in (PART, SUBPART):
                    via = "compound"
                contrib = qw * idfs.get(term, 0.0) * weight
                bucket = groups.setdefault((source, via), {})
                shown = self.analyzer.display.get(term, term)
                bucket[shown] = max(bucket.get(shown, 0.0), contrib)
        # One reason per query word: its best way of matching, with every matched term.
        by_source: dict[str, list[tuple[str, dict[str, float]]]] = {}
        for (source, via), matched in groups.items():
            by_source.setdefault(source, []).append((via, matched))
        reasons: list[dict[str, Any]] = []
        for source, items in by_source.items():
            items.sort(key=lambda x: VIA_RANK.get(x[0], 9))
            for via, matched in items:
                reasons.append(
                    {
                        "type": "term",
                        "query": source,
                        "matched": sorted(matched, key=lambda t: -matched[t]),
                        "via": via,
                        "weight": round(sum(matched.values()), 3),
                    }
                )
        reasons.sort(key=lambda r: -r["weight"])
        shared = sorted(t for t in q_topics if t in entry.topics)
        if shared:
            reasons.append({"type": "topic", "topics": shared})
        if requested or entry.formats:
            reasons.append(
                {
                    "type": "format",
                    "matched": sorted(requested & entry.formats),
                    "requested": sorted(requested),
                    "offered": sorted(entry.formats),
                }
            )
        if km is not None:
            reasons.append({"type": "distance", "km": round(km, 1)})
        if sim is not None:
            reasons.append({"type": "semantic", "similarity": round(float(sim), 3)})
        return reasons

    # -- the three uses --

    def competence_holders(self, need: str, **kwargs) -> list[Match]:
        """Competence holders for a need: every kind but companies unless ``kinds`` says otherwise."""
        if "kinds" not in kwargs:
            kwargs.setdefault("exclude_kinds", {"company"})
        return self.search(need, **kwargs)

    def peers(self, doc_id: str, *, limit: int = 10, **kwargs) -> list[Match]:
        """Companies with similar challenges to the company ``doc_id`` (peer exchange)."""
        doc = self.get(doc_id)
        if doc is None:
            return []
        query = doc.challenges or " . ".join([doc.description, *doc.keywords])
        kwargs.setdefault("kinds", {"company"})
        kwargs.setdefault("lat", doc.lat)
        kwargs.setdefault("lon", doc.lon)
        return self.search(query, limit=limit, exclude_ids={doc_id}, tags=doc.tags, **kwargs)

    def suppliers(self, need: str, *, distance_weight: float = 0.3, **kwargs) -> list[Match]:
        """Companies as regional suppliers for a capability need; distance weighs more here."""
        kwargs.setdefault("kinds", {"company"})
        return self.search(need, distance_weight=distance_weight, **kwargs)


def _words_of(tokens: list[tuple[int, list[str]]]) -> list[str]:
    return sorted({t.rstrip(ELLIPSIS) for _f, field_tokens in tokens for t in field_tokens})


# --- German explanation -------------------------------------------------------------------------------

_TOPIC_LABELS = {
    "resilience": "Resiliente Produktion",
    "climate": "Klimafreundliche Produktion",
    "smart": "Smarte Produktion und Digitalisierung",
    "energy": "Energieeffizienz und erneuerbare Energien",
    "circular": "Kreislaufwirtschaft und Ressourceneffizienz",
    "supply_chain": "Regionale Lieferketten",
    "cooperation": "Kooperation mit Hochschulen",
    "talent": "Fachkräfte und Nachwuchs",
    "funding": "Förderprogramme",
}
_VIA_DE = {
    "stem": "",
    "compound": " (Wortteil)",
    "synonym": " (Synonym)",
    "typo": " (Schreibweise)",
}


def explain_de(match: Match, max_terms: int = 6) -> str:
    """A short German sentence list explaining a match, for the user interface."""
    parts: list[str] = []
    terms = []
    for r in match.reasons:
        if r["type"] == "term" and len(terms) < max_terms:
            matched = ", ".join(r["matched"][:3])
            if fold(r["query"]) in r["matched"] and r["via"] == "stem":
                terms.append(f"„{r['query']}“")
            else:
                terms.append(f"„{r['query']}“ → {matched}{_VIA_DE.get(r['via'], '')}")
    if terms:
        parts.append("Passende Begriffe: " + "; ".join(terms) + ".")
    for r in match.reasons:
        if r["type"] == "topic":
            parts.append("Gemeinsame Themen: " + ", ".join(_TOPIC_LABELS.get(t, t) for t in r["topics"]) + ".")
        elif r["type"] == "format" and r["matched"]:
            parts.append("Passendes Format: " + ", ".join(FORMAT_LABELS.get(f, f) for f in r["matched"]) + ".")
        elif r["type"] == "distance":
            parts.append(f"Entfernung: etwa {round(r['km'])} km.")
        elif r["type"] == "semantic":
            parts.append(f"Inhaltliche Ähnlichkeit: {r['similarity']:.2f}.")
    return " ".join(parts)
