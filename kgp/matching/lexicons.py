"""Keyed term lexicons as data: topic keys and transfer formats with the words that indicate them.

Text format (``data/topics_de.txt``, ``data/formats_de.txt``)::

    # comment
    energy: Energie, Druckluft, Wärmepumpe
    energy: Photovoltaik            # a key may have several lines

Terms are analysed like indexed text (folded and stemmed), so inflected forms and compounds whose
parts are listed count as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kgp.matching.text import DATA_DIR, is_stopword, tokenize

TOPICS_PATH = DATA_DIR / "topics_de.txt"
FORMATS_PATH = DATA_DIR / "formats_de.txt"

# Display names of the transfer formats (German first).
FORMAT_LABELS = {
    "research_project": "Forschungs- und Entwicklungsprojekt",
    "thesis": "Abschlussarbeit",
    "student_project": "Studentisches Projekt",
    "testing": "Prüfung und Messung",
    "consulting": "Beratung und Konzept",
    "training": "Schulung und Weiterbildung",
    "lab_access": "Labor und Prüfstand",
    "funding_advice": "Fördermittelberatung",
    "service": "Dienstleistung",
    "matchmaking": "Vermittlung",
}


def parse_keyed(text: str) -> dict[str, list[str]]:
    entries: dict[str, list[str]] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, rest = line.partition(":")
        key = key.strip()
        if not sep or not key or " " in key:
            raise ValueError(f"line {lineno}: expected 'key: term, term'")
        bucket = entries.setdefault(key, [])
        bucket.extend(t for t in (" ".join(p.split()) for p in rest.split(",")) if t and t not in bucket)
    return entries


def load_keyed(path: str | Path) -> dict[str, list[str]]:
    return parse_keyed(Path(path).read_text(encoding="utf-8"))


class KeyedLexicon:
    """Finds the keys (topics, formats) that a sequence of analysed keys indicates."""

    def __init__(self, entries: dict[str, Sequence[str]], key: Callable[[str], str]) -> None:
        self.keys = sorted(entries)
        self._single: dict[str, set[str]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for label, terms in entries.items():
            for term in terms:
                keys = tuple(key(t) for t in tokenize(term) if not is_stopword(t))
                if len(keys) == 1:
                    self._single.setdefault(keys[0], set()).add(label)
                elif keys:
                    self._phrases.setdefault(keys[0], []).append((keys, label))

    def match(self, sequence: Sequence[str], extra: Iterable[str] = ()) -> dict[str, set[str]]:
        """label → matched keys, for a sequence of word keys (phrases) and further single keys
        (compound parts)."""
        found: dict[str, set[str]] = {}
        for i, k in enumerate(sequence):
            for label in self._single.get(k, ()):
                found.setdefault(label, set()).add(k)
            for phrase, label in self._phrases.get(k, ()):
                if tuple(sequence[i : i + len(phrase)]) == phrase:
                    found.setdefault(label, set()).add(" ".join(phrase))
        for k in extra:
            for label in self._single.get(k, ()):
                found.setdefault(label, set()).add(k)
        return found
