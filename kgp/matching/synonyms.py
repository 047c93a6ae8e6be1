"""Synonym groups as data, editable by the network coordination.

Text format (``data/synonyms_de.txt`` is the default list)::

    # comment
    Druckluft, Pressluft, Kompressor
    ~ Wärme, Heizenergie            # "~": related terms, weighted lower than synonyms

One group per line, terms separated by commas; a term may be several words ("künstliche
Intelligenz"). Case, umlaut spelling and inflection do not matter: terms are analysed like the
indexed text. A query term is expanded to the other terms of its groups with a lower weight than
the terms the query itself contains.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kgp.matching.text import DATA_DIR, is_stopword, tokenize

DEFAULT_SYNONYMS_PATH = DATA_DIR / "synonyms_de.txt"
SYNONYM_WEIGHT = 0.5
RELATED_WEIGHT = 0.3


@dataclass(frozen=True)
class SynonymGroup:
    terms: tuple[str, ...]
    related: bool = False


class SynonymFormatError(ValueError):
    pass


def parse_synonyms(text: str) -> list[SynonymGroup]:
    """Groups of a synonym file. Lines with fewer than two terms are ignored (a single term has no
    synonym); a term longer than 80 characters is an error (probably a missing comma)."""
    groups: list[SynonymGroup] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        related = line.startswith("~")
        if related:
            line = line[1:].strip()
        terms: list[str] = []
        for term in line.split(","):
            term = " ".join(term.split())
            if not term:
                continue
            if len(term) > 80:
                raise SynonymFormatError(f"line {lineno}: term too long (missing comma?): {term[:40]}…")
            if term not in terms:
                terms.append(term)
        if len(terms) >= 2:
            groups.append(SynonymGroup(tuple(terms), related))
    return groups


def load_synonyms(path: str | Path | None = None) -> list[SynonymGroup]:
    return parse_synonyms(Path(path or DEFAULT_SYNONYMS_PATH).read_text(encoding="utf-8"))


def format_synonyms(groups: Iterable[SynonymGroup]) -> str:
    """The text form of ``groups`` (round-trips through ``parse_synonyms``)."""
    return "".join(("~ " if g.related else "") + ", ".join(g.terms) + "\n" for g in groups)


Keys = tuple[str, ...]


@dataclass(frozen=True)
class _Member:
    keys: Keys
    text: str


class Thesaurus:
    """Synonym groups compiled to analysed keys (stems) for query expansion.

    ``key`` maps a folded word to the key the index uses for it (its stem, or the word itself when
    stemming is off). Single-word members are looked up by key; multi-word members as phrases of
    consecutive keys.
    """

    def __init__(
        self,
        groups: Sequence[SynonymGroup],
        key: Callable[[str], str],
        *,
        synonym_weight: float = SYNONYM_WEIGHT,
        related_weight: float = RELATED_WEIGHT,
    ) -> None:
        self.groups: list[tuple[float, tuple[_Member, ...]]] = []
        self._single: dict[str, list[int]] = {}
        self._phrases: dict[str, list[tuple[Keys, int]]] = {}
        self._words: set[str] = set()
        for group in groups:
            members: list[_Member] = []
            seen: set[Keys] = set()
            for term in group.terms:
                tokens = [t for t in tokenize(term) if not is_stopword(t)]
                keys = tuple(key(t) for t in tokens)
                if not keys or keys in seen:
                    continue
                seen.add(keys)
                members.append(_Member(keys, term))
                self._words.update(tokens)
            if len(members) < 2:
                continue
            gi = len(self.groups)
            self.groups.append((related_weight if group.related else synonym_weight, tuple(members)))
            for m in members:
                if len(m.keys) == 1:
                    bucket = self._single.setdefault(m.keys[0], [])
                    if gi not in bucket:
                        bucket.append(gi)
                else:
                    self._phrases.setdefault(m.keys[0], []).append((m.keys, gi))

    def __len__(self) -> int:
        return len(self.groups)

    def words(self) -> set[str]:
        """Folded words of all terms (they extend the decompounding vocabulary)."""
        return set(self._words)

    def single_keys(self) -> list[str]:
        return list(self._single)

    def groups_for(self, key: str) -> list[int]:
        return self._single.get(key, [])

    def phrases_at(self, keys: Sequence[str], start: int) -> list[tuple[int, int]]:
        """(end, group) for each multi-word member that starts at ``keys[start]``."""
        found = []
        for phrase, gi in self._phrases.get(keys[start], ()):
            end = start + len(phrase)
            if tuple(keys[start:end]) == phrase:
                found.append((end, gi))
        return found

    def expansions(self, group: int, matched: Keys) -> list[tuple[str, float, str]]:
        """(key, weight factor, member text) for the members of ``group`` other than ``matched``.
        A multi-word member contributes each of its keys with the factor divided by its number of
        words (its words are matched one by one, not as a phrase)."""
        weight, members = self.groups[group]
        out = []
        for m in members:
            if m.keys == matched:
                continue
            factor = weight / len(m.keys)
            out.extend((k, factor, m.text) for k in m.keys)
        return out
