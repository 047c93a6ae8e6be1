"""The synonym list: its text format and the default list."""

from __future__ import annotations

import pytest

from kgp.matching.lexicons import FORMAT_LABELS, FORMATS_PATH, TOPICS_PATH, load_keyed, parse_keyed
from kgp.matching.synonyms import (
    SynonymFormatError,
    SynonymGroup,
    Thesaurus,
    format_synonyms,
    load_synonyms,
    parse_synonyms,
)
from kgp.matching.text import stem


def test_parse_format():
    text = """
    # Kommentar
    Druckluft, Pressluft ,Kompressor   # am Zeilenende
    ~ Wärme, Heizenergie
    Einzelbegriff
    KI, künstliche Intelligenz, KI
    ,,
    """
    assert parse_synonyms(text) == [
        SynonymGroup(("Druckluft", "Pressluft", "Kompressor")),
        SynonymGroup(("Wärme", "Heizenergie"), related=True),
        SynonymGroup(("KI", "künstliche Intelligenz")),
    ]


def test_round_trip_and_errors():
    groups = parse_synonyms("A1, B2\n~ C3, D4 e5\n")
    assert parse_synonyms(format_synonyms(groups)) == groups
    with pytest.raises(SynonymFormatError):
        parse_synonyms("Druckluft " + "x" * 100 + ", Pressluft")


def test_default_list_is_broad():
    groups = load_synonyms()
    terms = {t for g in groups for t in g.terms}
    assert len(groups) >= 150 and len(terms) >= 800
    for term in ("Druckluft", "Abwärme", "Fachkräfte", "Photovoltaik", "KI", "Instandhaltung", "Kreislaufwirtschaft", "Lieferkette"):
        assert term in terms


def test_thesaurus_expansion_by_stem_and_phrase():
    th = Thesaurus(parse_synonyms("Druckluft, Pressluft\nKI, künstliche Intelligenz\n~ Wärme, Heizenergie"), stem)
    (g,) = th.groups_for(stem("pressluft"))
    assert [(k, f) for k, f, _m in th.expansions(g, (stem("pressluft"),))] == [(stem("druckluft"), 0.5)]
    keys = [stem("kuenstliche"), stem("intelligenz")]
    ((end, gi),) = th.phrases_at(keys, 0)
    assert end == 2 and [k for k, _f, _m in th.expansions(gi, tuple(keys))] == ["ki"]
    (rg,) = th.groups_for(stem("waerme"))
    assert th.expansions(rg, (stem("waerme"),))[0][1] == 0.3  # related terms weigh less


def test_topic_and_format_lexicons():
    topics = load_keyed(TOPICS_PATH)
    assert set(topics) == {"energy", "climate", "circular", "smart", "resilience", "supply_chain", "cooperation", "talent", "funding"}
    assert set(load_keyed(FORMATS_PATH)) <= set(FORMAT_LABELS)
    with pytest.raises(ValueError):
        parse_keyed("no colon here")
