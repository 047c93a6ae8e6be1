"""The engine: analysis, ranking, explanations, formats, distance, incremental updates, re-ranker."""

from __future__ import annotations

import sys
import time

import pytest

from kgp.matching.engine import Document, EngineConfig, Index, Match, explain_de
from kgp.matching.geo import coordinates, haversine_km
from kgp.matching.rerank import RerankerUnavailable, SentenceTransformerReranker, reranker_from_setting
from kgp.matching.synonyms import SynonymGroup

DORTMUND = coordinates("Dortmund")
BOCHUM = coordinates("Bochum")
HAMM = coordinates("Hamm")


def doc(id: str, description: str, **kw) -> Document:
    kw.setdefault("kind", "company")
    kw.setdefault("name", id.replace("-", " ").title())
    return Document(id=id, description=description, **kw)


DOCS = [
    doc(
        "druckluft-service",
        "Wir messen Leckagen in Druckluftnetzen mit Ultraschall, bewerten Kompressoren und senken den Verbrauch.",
        keywords=["Druckluft", "Leckagen"],
        formats=["service"],
        lat=BOCHUM[0],
        lon=BOCHUM[1],
    ),
    doc(
        "waermepumpen-labor",
        "Das Labor bewertet die Wärmepumpe für Prozesswärme und die Wärmerückgewinnung aus Abluft.",
        kind="uas",
        lat=HAMM[0],
        lon=HAMM[1],
    ),
    doc(
        "pv-planer",
        "Planung von Photovoltaikanlagen und Batteriespeichern für Gewerbedächer.",
        keywords=["Solarstrom"],
        lat=DORTMUND[0],
        lon=DORTMUND[1],
    ),
    doc("logistik", "Lagerplanung, Kommissionierung und Fördertechnik für Industrie und Handel.", kind="institute"),
    doc("ausbildung", "Der Verein hilft Betrieben bei Ausbildungsmarketing und Nachwuchsgewinnung.", kind="association"),
    doc("kunststoff", "Rezyklat und Mahlgut in Spritzguss und Extrusion; Materialprüfung im Labor.", kind="uas"),
]


@pytest.fixture
def index() -> Index:
    idx = Index()
    idx.add_many(DOCS)
    return idx


def ids(matches: list[Match]) -> list[str]:
    return [m.id for m in matches]


def term_reasons(match: Match) -> list[dict]:
    return [r for r in match.reasons if r["type"] == "term"]


def test_compound_query_finds_its_parts(index):
    (best, *_rest) = index.search("Druckluftleckage")
    assert best.id == "druckluft-service"
    compound = [r for r in term_reasons(best) if r["via"] == "compound"]
    assert compound and compound[0]["query"] == "druckluftleckage"
    assert {"druckluft", "leckagen"} <= set(compound[0]["matched"])


def test_inflection(index):
    best = index.search("Wärmepumpen")[0]
    assert best.id == "waermepumpen-labor"
    stem_reason = next(r for r in term_reasons(best) if r["via"] == "stem")
    assert stem_reason["query"] == "waermepumpen" and stem_reason["matched"][0].startswith("waermepumpe")


def test_synonym_query_with_explanation(index):
    best = index.search("Pressluft")[0]
    assert best.id == "druckluft-service"
    reason = term_reasons(best)[0]
    assert reason["via"] == "synonym" and reason["query"] == "pressluft"
    assert {"druckluft", "kompressoren"} <= set(reason["matched"])


def test_typo(index):
    best = index.search("Drukluft")[0]
    assert best.id == "druckluft-service"
    assert term_reasons(best)[0]["via"] == "typo"
    assert index.search("Kompresoren")[0].id == "druckluft-service"


def test_umlaut_spelling_variants(index):
    for query in ("Waermerueckgewinnung", "Wärmerückgewinnung", "WAERMERUECKGEWINNUNG"):
        assert index.search(query)[0].id == "waermepumpen-labor"
    other = Index()
    other.add(doc("strasse", "Straßenbau und Asphalt"))
    assert ids(other.search("Strassenbau")) == ["strasse"]


def test_paraphrase_through_synonyms(index):
    assert index.search("Wir wollen Solarstrom auf dem Dach erzeugen")[0].id == "pv-planer"
    assert index.search("Wir können unsere Lehrstellen nicht besetzen")[0].id == "ausbildung"
    assert index.search("Können wir Angüsse wiederverwerten?")[0].id == "kunststoff"


def test_explanations(index):
    best = index.search("Leckagen an der Druckluft", lat=DORTMUND[0], lon=DORTMUND[1], formats=["service"])[0]
    kinds = [r["type"] for r in best.reasons]
    assert kinds[0] == "term"
    assert "format" in kinds and "distance" in kinds
    distance = next(r for r in best.reasons if r["type"] == "distance")
    assert 17 <= distance["km"] <= 18.5
    fmt = next(r for r in best.reasons if r["type"] == "format")
    assert fmt["matched"] == ["service"]
    text = explain_de(best)
    assert "Passende Begriffe" in text and "Entfernung: etwa 18 km" in text and "Dienstleistung" in text


def test_topics_are_shared_reasons(index):
    best = index.search("Unser Energieverbrauch für Druckluft ist zu hoch")[0]
    topic = next(r for r in best.reasons if r["type"] == "topic")
    assert "energy" in topic["topics"]


def test_format_fit_breaks_a_tie():
    idx = Index()
    text = "Schwingungsanalyse und Zustandsüberwachung von Getrieben."
    idx.add_many([doc("a", text + " Moderner Prüfstand.", kind="uas"), doc("b", text + " Betreute Abschlussarbeiten.", kind="uas")])
    assert ids(idx.search("Schwingungsanalyse Getriebe", formats=["thesis"]))[0] == "b"
    a, b = idx.search("Schwingungsanalyse Getriebe", formats=["research_project"])
    assert a.score == pytest.approx(b.score, rel=0.05)


def test_distance():
    assert 17 <= haversine_km(*DORTMUND, *BOCHUM) <= 18
    assert haversine_km(*DORTMUND, *DORTMUND) == 0
    idx = Index()
    text = "Photovoltaik für Gewerbe."
    idx.add_many([doc("far", text, lat=HAMM[0], lon=HAMM[1]), doc("near", text, lat=BOCHUM[0], lon=BOCHUM[1])])
    near, far = idx.search("Photovoltaik", lat=BOCHUM[0], lon=BOCHUM[1])
    assert (near.id, far.id) == ("near", "far") and near.distance_km == 0
    assert far.score < near.score <= far.score * 1.1  # a tie-breaker, not a filter
    # suppliers: distance weighs more
    s_near, s_far = idx.suppliers("Photovoltaik", lat=BOCHUM[0], lon=BOCHUM[1])
    assert s_far.score < s_near.score * 0.9


def test_incremental_update_and_remove(index):
    assert "logistik" not in ids(index.search("Druckluft"))
    before = index.stats()
    index.update(doc("logistik", "Wir optimieren Druckluftanlagen in Lagern.", kind="institute"))
    assert "logistik" in ids(index.search("Druckluft"))
    assert "logistik" not in ids(index.search("Kommissionierung"))
    assert index.stats()["documents"] == before["documents"]
    assert index.remove("logistik") is True
    assert "logistik" not in ids(index.search("Druckluft"))
    assert index.remove("logistik") is False
    assert index.get("logistik") is None and "druckluft-service" in index
    assert index.search("Pressluft")[0].id == "druckluft-service"  # the others are untouched


def test_single_edits_do_not_rebuild():
    idx = Index()
    idx.add_many(doc(f"d{i}", f"Beschreibung Nummer {i} über Druckluft und Wärme.") for i in range(200))
    renormalised = idx.stats()["renormalisations"]
    for i in range(20):
        idx.update(doc(f"d{i}", f"Neue Beschreibung {i} über Photovoltaik."))
    idx.add(doc("new", "Noch ein Profil über Druckluft."))
    idx.remove("d150")
    assert idx.stats()["renormalisations"] == renormalised
    assert len(idx) == 200


def test_new_word_lets_earlier_compound_split():
    idx = Index()
    idx.add(doc("a", "Quick-Check zur Lieferkettenzuverlässigkeit für den Mittelstand."))
    assert idx.search("Zuverlässigkeit") == []  # "Zuverlässigkeit" is not known yet: no split
    idx.add(doc("b", "Zuverlässigkeit und Notfallplanung."))
    assert set(ids(idx.search("Zuverlässigkeit"))) == {"a", "b"}
    reason = term_reasons(next(m for m in idx.search("Zuverlässigkeit") if m.id == "a"))[0]
    assert reason["via"] == "compound" and reason["matched"] == ["zuverlaessigkeit"]


@pytest.mark.parametrize("query", ["", "   ", "!!! ??? ...", "der die das und oder", "xqzv ptkl wrrb", "12 34"])
def test_empty_and_garbage_queries(index, query):
    assert index.search(query) == []


def test_non_string_and_zero_limit(index):
    assert index.search(None) == []  # type: ignore[arg-type]
    assert index.search("Druckluft", limit=0) == []
    assert Index().search("Druckluft") == []


def test_very_long_query(index):
    query = ("Druckluft Leckagen Kompressoren Wärmepumpe Photovoltaik Lagerplanung " * 3000) + "x" * 100_000
    t = time.perf_counter()
    matches = index.search(query)
    assert time.perf_counter() - t < 2.0
    assert matches and matches[0].id in {d.id for d in DOCS}


def test_filters(index):
    assert set(ids(index.search("Labor", kinds={"uas"}))) == {"waermepumpen-labor", "kunststoff"}
    assert ids(index.search("Labor", ids=["kunststoff", "unknown"])) == ["kunststoff"]
    assert "kunststoff" not in ids(index.search("Labor", exclude_ids={"kunststoff"}))
    holders = index.competence_holders("Labor für Wärmepumpen")
    assert holders and all(m.kind != "company" for m in holders)


def test_peers():
    idx = Index()
    idx.add_many(
        [
            doc("me", "", challenges="Hohe Energiekosten der Druckluft und fehlende Fachkräfte."),
            doc("peer", "", challenges="Unsere Kompressoren verbrauchen zu viel Strom."),
            doc("other", "", challenges="Wir suchen Lieferanten für Aluminiumguss."),
        ]
    )
    assert ids(idx.peers("me")) == ["peer"]
    assert idx.peers("unknown") == []


def test_custom_synonyms():
    idx = Index(synonyms=[SynonymGroup(("Buchse", "Gleitlager"))])
    idx.add(doc("lager", "Wir fertigen Gleitlager aus Bronze."))
    assert ids(idx.search("Buchse")) == ["lager"]
    idx.set_synonyms([])
    assert idx.search("Buchse") == []


def test_snapshot_round_trip(index):
    copy = Index.loads(index.dumps())
    for query in ("Druckluftleckage", "Pressluft", "Drukluft", "Solarstrom"):
        assert [(m.id, round(m.score, 6)) for m in copy.search(query)] == [(m.id, round(m.score, 6)) for m in index.search(query)]
    copy.add(doc("neu", "Druckluft-Audit"))
    assert "neu" in ids(copy.search("Druckluft")) and "neu" not in ids(index.search("Druckluft"))


def test_ablation_configurations_work(index):
    for step in ("tokens", "stemming", "decompounding", "synonyms", "ngrams", "topics"):
        idx = Index(EngineConfig.ablation(step))
        idx.add_many(DOCS)
        assert idx.search("Druckluft")[0].id == "druckluft-service"
    with pytest.raises(ValueError):
        EngineConfig.ablation("magic")


# --- dense re-ranker ---


class FakeReranker:
    """Prefers documents that mention 'Batteriespeicher'."""

    def __init__(self):
        self.forgotten = []

    def similarities(self, query, documents):
        return [1.0 if "Batteriespeicher" in d.text() else 0.0 for d in documents]

    def forget(self, doc_id):
        self.forgotten.append(doc_id)


def test_reranker_reorders_and_explains():
    reranker = FakeReranker()
    idx = Index(reranker=reranker)
    idx.add_many(DOCS)
    best = idx.search("Energie sparen mit Wärmepumpe oder Photovoltaik")[0]
    assert best.id == "pv-planer"
    assert {"type": "semantic", "similarity": 1.0} in best.reasons
    idx.remove("pv-planer")
    assert reranker.forgotten == ["pv-planer"]


def test_missing_sentence_transformers_is_handled(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import fails
    reranker = SentenceTransformerReranker("/nonexistent/model")
    with pytest.raises(RerankerUnavailable):
        reranker.similarities("Druckluft", DOCS[:1])
    plain = Index()
    plain.add_many(DOCS)
    idx = Index(reranker=SentenceTransformerReranker("/nonexistent/model"))
    idx.add_many(DOCS)
    query = "Leckagen in der Druckluft"
    assert ids(idx.search(query)) == ids(plain.search(query))
    assert "not installed" in idx.reranker_error
    assert ids(idx.search(query)) == ids(plain.search(query))  # and stays off


def test_reranker_is_off_by_default():
    assert reranker_from_setting(None) is None and reranker_from_setting("") is None
    assert isinstance(reranker_from_setting("/models/x"), SentenceTransformerReranker)
    assert Index().reranker is None
    assert "sentence_transformers" not in sys.modules or sys.modules["sentence_transformers"] is None
