"""Text primitives: folding, tokens, the Snowball port, decompounding, typo tolerance."""

from __future__ import annotations

import random

import pytest

from kgp.matching.evaluation import load_sample
from kgp.matching.synonyms import load_synonyms
from kgp.matching.text import (
    DATA_DIR,
    Decompounder,
    NgramVocabulary,
    _snowball_german,
    edit_distance,
    fold,
    snowball_reference,
    stem,
    tokenize,
    tokenize_marked,
)


def test_fold_spells_out_umlauts_and_sharp_s():
    assert fold("Wärme") == fold("Waerme") == "waerme"
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("Größe") == "groesse"
    assert fold("Café") == "cafe"
    assert fold("Wa\u0308rme") == "waerme"  # decomposed umlaut (NFD input)


def test_tokenize_splits_hyphens_and_slashes_and_marks_elided_compounds():
    assert tokenize("Deep-Learning-Modelle für Fröndenberg/Ruhr") == ["deep", "learning", "modelle", "fuer", "froendenberg", "ruhr"]
    assert tokenize_marked("Abgas- und Abluftwärme") == ["abgas-", "und", "abluftwaerme"]
    # quantities and list numbers go, norm numbers stay
    assert tokenize("ISO 50001, 120 °C, Scope 1-3") == ["iso", "50001", "scope"]
    assert tokenize("") == []


def _words() -> set[str]:
    words: set[str] = set()
    for path in DATA_DIR.glob("*.txt"):
        words.update(tokenize(path.read_text(encoding="utf-8")))
    sample = load_sample()
    for p in sample.profiles:
        words.update(tokenize(p["description"] + " " + " ".join(p["keywords"])))
    for n in sample.needs:
        text = n["text"]
        words.update(tokenize(text))
        words.update(text.lower().split())  # with umlauts and ß as written
    rng = random.Random(7)
    alphabet = "aeiouyäöüßbcdfghklmnprstwzqj'" + "eennrrsstt"
    endings = ["erinnen", "erin", "lns", "ern", "em", "en", "ln", "er", "es", "e", "s", "est", "et", "st", "lich",
               "isch", "heit", "keit", "end", "ung", "ig", "ik", "igkeit", "lichkeit", "eigend", "nisse", "system", "'s",
               "tick", "plan", "geordnet", "internet", "quae", "auue"]  # fmt: skip
    for _ in range(20_000):
        words.add("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
        words.add("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7))) + rng.choice(endings))
    return words


def test_stem_is_snowball_german():
    """The fast port gives exactly what the snowballstemmer package gives."""
    differences = [(w, _snowball_german(w), snowball_reference(w)) for w in _words() if _snowball_german(w) != snowball_reference(w)]
    assert differences == []


def test_stem_conflates_inflection_and_umlaut_spelling():
    assert stem("waermepumpen") == stem("waermepumpe") == stem(fold("Wärmepumpen"))
    assert stem("kompressoren") == stem("kompressor")
    assert stem("leckagen") == stem("leckage")


@pytest.fixture(scope="module")
def decompounder() -> Decompounder:
    d = Decompounder.default()
    d.add_words(["leckage", "druckluft", "abwaerme", "nutzung", "resilienz"])
    return d


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("druckluftleckage", ("druckluft", "leckage")),
        ("druckluftleckagen", ("druckluft", "leckagen")),  # inflected head
        ("abwaermenutzung", ("abwaerme", "nutzung")),
        ("arbeitsschutz", ("arbeit", "schutz")),  # Fugen-s
        ("sonnenenergie", ("sonne", "energie")),  # Fugen-n
        ("industrieoefen", ("industrie", "oefen")),  # umlaut plural of the head
        ("kunststoffrecycling", ("kunststoff", "recycling")),
        ("lieferkettenresilienz", ("lieferkette", "resilienz")),  # Fugen-n after a compound modifier
    ],
)
def test_decompounding(decompounder, word, parts):
    assert decompounder.split(word) == parts


def test_decompounding_goes_one_level_down(decompounder):
    assert decompounder.decompose("druckluftleckage") == [("druckluft", 1), ("druck", 2), ("luft", 2), ("leckage", 1)]


@pytest.mark.parametrize("word", ["unternehmen", "verbrauch", "beschichtung", "temperatur", "kompressoren", "gas", ""])
def test_simple_words_stay_whole(decompounder, word):
    assert decompounder.split(word) == ()


def test_vocabulary_grows_and_shrinks():
    d = Decompounder.default()
    assert d.split("pulverbeschichtungsanlage") == ("pulver", "beschichtung", "anlage")
    version = d.version
    assert d.add_words(["beschichtungsanlage"]) == ["beschichtungsanlage"]
    assert d.version > version
    assert d.split("pulverbeschichtungsanlage") == ("pulver", "beschichtungsanlage")
    d.remove_words(["beschichtungsanlage"])
    assert not d.knows("beschichtungsanlage")
    assert d.split("pulverbeschichtungsanlage") == ("pulver", "beschichtung", "anlage")


def test_synonym_words_are_valid_german_for_the_splitter():
    d = Decompounder.default()
    groups = load_synonyms()
    d.add_words(sorted({fold(w) for g in groups for t in g.terms for w in t.split()}))
    assert d.split("pressluftleitung")[0] == "pressluft"


def test_edit_distance():
    assert edit_distance("druckluft", "druckluft", 2) == 0
    assert edit_distance("drukluft", "druckluft", 2) == 1
    assert edit_distance("druckulft", "druckluft", 2) == 1  # transposition
    assert edit_distance("kompresor", "kompressor", 1) == 1
    assert edit_distance("abc", "xyzabc", 2) == 3  # above the limit: limit + 1


def test_ngram_vocabulary_finds_typos_not_other_words():
    v = NgramVocabulary()
    for term in ["druckluft", "druckluftanlag", "schloss", "kompressor", "waermepump"]:
        v.add(term)
    assert v.similar("drukluft") == [("druckluft", 1)]
    assert v.similar("kompresor") == [("kompressor", 1)]
    assert v.similar("beschloss") == []  # a different prefix is no typing error
    assert v.similar("luft") == []  # too short to correct
    v.discard("druckluft")
    assert v.similar("drukluft") == []
