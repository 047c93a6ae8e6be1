"""German text primitives for matching.

- ``fold``: case folding, umlauts and ß spelled out (``Wärme`` and ``Waerme`` become ``waerme``),
  other accents removed.
- ``tokenize``: words with their original spelling, split at hyphens and slashes; a word written
  with a trailing hyphen (``Abgas- und Abluftwärme``) is marked so that the analyser can complete it.
- ``STOPWORDS``: German function words plus the filler words of a request ("wir suchen jemanden …").
- ``stem``: Snowball German (``snowballstemmer``), cached and thread-safe.
- ``Decompounder``: splits compounds (``druckluftleckage`` → ``druckluft`` + ``leckage``, and
  ``druckluft`` → ``druck`` + ``luft``) against a vocabulary, with the linking elements
  (Fugen-s, -es, -n, -en, -er, -e). The vocabulary is a built-in base lexicon plus the words of the
  indexed documents; it changes incrementally.
- ``NgramVocabulary``: character trigrams of the index's terms for typo tolerance
  (``drukluft`` → ``druckluft``), with a bounded Damerau-Levenshtein check.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice
from pathlib import Path

import snowballstemmer

DATA_DIR = Path(__file__).resolve().parent / "data"

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case; ä, ö, ü, ß spelled out as ae, oe, ue, ss; other accents removed."""
    text = text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.lower().translate(_FOLD)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text


_WORD = re.compile(r"([^\W_]{2,60})(-(?![^\W_]))?")
ELLIPSIS = "-"


def tokenize_marked(text: str) -> list[str]:
    """Folded words of ``text``; a word written with a trailing hyphen keeps it as a marker
    (``abgas-`` in "Abgas- und Abluftwärme"). Hyphens and slashes separate words; single characters,
    words over 60 characters and pure numbers shorter than 4 digits (quantities, list numbers) are
    dropped; norm numbers such as 9001 stay."""
    if not text:
        return []
    return [w + h for w, h in _WORD.findall(fold(text)) if not (w.isdigit() and len(w) < 4)]


def tokenize(text: str) -> list[str]:
    """Folded words of ``text`` (see ``tokenize_marked``), without markers."""
    return [w.rstrip(ELLIPSIS) for w in tokenize_marked(text)]


def _load_words(name: str) -> list[str]:
    words: list[str] = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0]
        words.extend(fold(w) for w in re.split(r"[,\s]+", line) if w)
    return words


_STOPWORDS_TEXT = """
ab aber alle allem allen aller alles als also am an andere anderem anderen anderer anderes anders
auch auf aus bei beim beide beiden bereits besser bin bis bisher bist bitte bloß brauchen braucht
bzw ca da dabei dadurch dafür dagegen daher dahin damals damit danach daneben dann daran darauf
daraus darf darin darüber darum darunter das dass davon davor dazu dein deine deinem deinen deiner
dem den denen denn dennoch der deren derzeit des deshalb dessen dich die dies diese diesem diesen
dieser dieses dir doch dort du durch eben eher ehrlich eigentlich ein eine einem einen einer eines
einfach einige einigen einiger einiges einmal einzeln er es etwa etwas euch euer eure fast für
gab gar garnicht gegen gehen geht gerade gern gerne gesagt gewesen gibt gibts gleich gut hab habe
haben hat hatte hatten hätte hätten heute hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren
ihrer ihres im immer in indem ins irgendwie ist ja je jede jedem jeden jeder jedes jedoch jemand
jemanden jemandem jetzt kam kann kannst kaum kein keine keinem keinen keiner keines können könnte
könnten kriegen kriegt lassen lässt leider letzte letzten letzter letztes los mal man manche
manchem manchen mancher manches mehr mein meine meinem meinen meiner meines meist meistens mich mir
mit möchte möchten momentan muss müssen musste mussten nach nachdem nächste nächsten nämlich neben
nein nicht nichts nie niemand niemanden noch nun nur ob oben oder ohne per rein sehr sei seid sein
seine seinem seinen seiner seines seit seitdem selbst sich sie sind so sobald sodass sogar solche
solchem solchen solcher solches soll sollen sollte sollten sondern sonst sowas sowie sowohl
später statt suchen sucht suche gesucht tun über überhaupt um und uns unser unsere unserem unseren
unserer unseres unter usw viel viele vielen vieler vielleicht vom von vor vorher wann war waren
warum was weil weiter weitere weiteren weiterer weiteres welche welchem welchen welcher welches wem
wen wenig wenige wenn wer werde werden wessen wie wieder wiederum will wir wird wirklich wissen wo
wobei wodurch wohl wollen wollte wollten worden wurde wurden während zu zum zur zurzeit zusammen
zwar zwei zwischen drei vier fünf sechs zehn hundert jahr jahre jahren jahres monat monate monaten
woche wochen tag tage tagen zb bzw ggf evtl inkl usw etc dh eg ev mbh gmbh ag kg co
lang länger lange langen neu neue neuen neuer neues alt alte alten alter altes groß große großen
klein kleine kleinen hoch hohe hohen gering geringe schnell oft dauernd ständig plötzlich sonst
genau ganz ganze ganzen richtig sauber möglich möglichst eigentlich bestimmt gleichzeitig mehrere
mehreren mehrerer
""".split()

STOPWORDS: frozenset[str] = frozenset(fold(w) for w in _STOPWORDS_TEXT)


def is_stopword(norm: str) -> bool:
    return norm in STOPWORDS


_local = threading.local()


def snowball_reference(word: str) -> str:
    """Snowball German as the ``snowballstemmer`` package computes it (the reference for ``stem``)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("german")
    return stemmer.stemWord(word)


# A direct port of the Snowball German algorithm as generated by Snowball 3.1.1 (german.sbl, which
# includes the ae/oe/ue handling of the former "german2" variant). The pure-Python package runs
# about 60-250 µs per word, too slow for indexing 10,000 profiles with their compound parts; this
# port runs in a few µs and the tests check it against ``snowball_reference`` on a large word list.
_V = frozenset("aeiouyäöü")
_S_ENDING = frozenset("bdfghklmnrt")
_ST_ENDING = frozenset("bdfghklmnt")
_ET_ENDING = frozenset("Udfgklmnrstzä")
_STEP1 = ("erinnen", "erin", "lns", "ern", "em", "en", "ln", "er", "es", "e", "s")
_STEP2 = ("est", "en", "er", "et", "st")
_STEP3 = ("lich", "isch", "heit", "keit", "end", "ung", "ig", "ik")
_NOT_ET = ("geordn", "intern", "tick", "plan", "tr")
_POSTLUDE = str.maketrans({"U": "u", "Y": "y", "ä": "a", "ö": "o", "ü": "u"})
_UY_BETWEEN_VOWELS = re.compile(r"[aeiouyäöü][uy][aeiouyäöü]")


def _longest_suffix(s: str, options: tuple[str, ...]) -> str | None:
    for suffix in options:  # ordered longest first
        if s.endswith(suffix):
            return suffix
    return None


def _snowball_german(word: str) -> str:
    # Prelude: u and y between vowels are consonants (U, Y); ae, oe, ue (not after q) are umlauts.
    if _UY_BETWEEN_VOWELS.search(word):
        chars = list(word)
        for i in range(1, len(chars) - 1):
            if chars[i] in "uy" and chars[i - 1] in _V and chars[i + 1] in _V:
                chars[i] = chars[i].upper()
        word = "".join(chars)
    s = word
    if "e" in s or "ß" in s:
        # Left to right, "qu" first: the patterns overlap only in "que", so replacing them one
        # after the other with "qu" protected gives the same result.
        protect = "qu" in s
        if protect:
            s = s.replace("qu", "\x00")
        s = s.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü").replace("ß", "ss")
        if protect:
            s = s.replace("\x00", "qu")
    # Regions R1 and R2.
    n = len(s)
    p1 = p2 = n
    if n >= 3:
        i = 0
        while i < n and s[i] not in _V:
            i += 1
        i += 1
        while i < n and s[i] in _V:
            i += 1
        if i < n:
            i += 1
            p1 = max(i, 3)
            while i < n and s[i] not in _V:
                i += 1
            i += 1
            while i < n and s[i] in _V:
                i += 1
            if i < n:
                p2 = i + 1
    # Step 1.
    suffix = _longest_suffix(s, _STEP1)
    if suffix is not None and len(s) - len(suffix) >= p1:
        start = len(s) - len(suffix)
        if suffix == "em":
            if not s.endswith("syst", 0, start):
                s = s[:start]
        elif suffix in ("erinnen", "erin", "ern", "er"):
            s = s[:start]
        elif suffix in ("e", "en", "es"):
            s = s[:start]
            if s.endswith("niss"):
                s = s[:-1]
        elif suffix == "s":
            if start > 0 and s[start - 1] in _S_ENDING:
                s = s[:start]
        else:  # ln, lns
            s = s[:start] + "l"
    # Step 2.
    suffix = _longest_suffix(s, _STEP2)
    if suffix is not None and len(s) - len(suffix) >= p1:
        start = len(s) - len(suffix)
        if suffix in ("en", "er", "est"):
            s = s[:start]
        elif suffix == "st":
            if start >= 4 and s[start - 1] in _ST_ENDING:
                s = s[:start]
        elif start > 0 and s[start - 1] in _ET_ENDING and _longest_suffix(s[:start], _NOT_ET) is None:
            s = s[:start]
    # Step 3 (d-suffixes).
    suffix = _longest_suffix(s, _STEP3)
    if suffix is not None and len(s) - len(suffix) >= p2:
        start = len(s) - len(suffix)
        if suffix in ("end", "ung"):
            s = s[:start]
            if s.endswith("ig") and not s.endswith("eig") and len(s) - 2 >= p2:
                s = s[:-2]
        elif suffix in ("ig", "isch", "ik"):
            if not (start > 0 and s[start - 1] == "e"):
                s = s[:start]
        elif suffix in ("lich", "heit"):
            s = s[:start]
            if (s.endswith("er") or s.endswith("en")) and len(s) - 2 >= p1:
                s = s[:-2]
        else:  # keit
            s = s[:start]
            inner = _longest_suffix(s, ("lich", "ig"))
            if inner is not None and len(s) - len(inner) >= p2:
                s = s[: -len(inner)]
    # Apostrophe endings.
    suffix = _longest_suffix(s, ("'sch", "'s", "'"))
    if suffix is not None and len(s) - len(suffix) >= 2:
        s = s[: -len(suffix)]
    return s.translate(_POSTLUDE)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball German stem of a folded word (the algorithm maps ae/oe/ue back to umlauts itself)."""
    return _snowball_german(word)


# --- decompounding ---------------------------------------------------------------------------------

# Linking elements (Fugenelemente) that may close a modifier, longest first, and the endings a
# modifier may have lost (Schul-buch ← Schule, Lackier-anlage ← lackieren).
_FUGEN = ("es", "en", "er", "s", "n", "e")
_RESTORE = ("e", "en")
MIN_PART = 4  # parts taken from indexed text
MIN_SHORT_PART = 3  # parts of 3 letters only from the curated base lexicon (Gas, Bau, Erz, …)
MIN_COMPOUND = 6
MAX_PARTS = 4


class Decompounder:
    """Splits German compounds against a vocabulary of known words.

    The vocabulary is the base lexicon (``data/lexicon_de.txt``, curated, may hold 3-letter words)
    plus words added at run time (from indexed documents and the synonym list; 4 letters or more,
    reference-counted so that removing a document removes its words again). ``version`` changes
    whenever the vocabulary does, which invalidates cached splits.

    The head (last part) may be inflected: it counts as known when the word itself, or the word
    without a plural/case ending, or with its umlaut undone (``oefen`` → ``ofen``) is known. A
    modifier may carry a linking element or have lost its final -e/-en.
    """

    MAX_CACHE = 250_000

    def __init__(self, base_words: Iterable[str] = ()) -> None:
        self._base: set[str] = set()
        self._counts: dict[str, int] = {}
        # First three letters of the known words: a head must start with one of them.
        self._prefixes: dict[str, int] = {}
        self._cache: dict[str, tuple[str, ...]] = {}
        self.version = 0
        for word in base_words:
            word = fold(word)
            if len(word) >= MIN_SHORT_PART and word not in STOPWORDS and word not in self._base:
                self._base.add(word)
                self._prefixes[word[:3]] = self._prefixes.get(word[:3], 0) + 1

    @classmethod
    def default(cls) -> Decompounder:
        return cls(_load_words("lexicon_de.txt"))

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    def _changed(self) -> None:
        self.version += 1
        self._cache.clear()

    def clear_cache(self) -> None:
        self._cache.clear()

    def knows(self, word: str) -> bool:
        return word in self._base or word in self._counts

    def add_words(self, words: Iterable[str]) -> list[str]:
        """Add folded words (one count each); returns the words new to the vocabulary."""
        new: list[str] = []
        counts = self._counts
        for word in words:
            if len(word) < MIN_PART or not word.isalpha() or word in STOPWORDS:
                continue
            count = counts.get(word, 0)
            counts[word] = count + 1
            if count == 0 and word not in self._base:
                new.append(word)
                self._prefixes[word[:3]] = self._prefixes.get(word[:3], 0) + 1
        if new:
            self._changed()
        return new

    def remove_words(self, words: Iterable[str]) -> None:
        changed = False
        for word in words:
            count = self._counts.get(word, 0)
            if count <= 0:
                continue
            if count == 1:
                del self._counts[word]
                if word not in self._base:
                    changed = True
                    left = self._prefixes.get(word[:3], 0) - 1
                    if left > 0:
                        self._prefixes[word[:3]] = left
                    else:
                        self._prefixes.pop(word[:3], None)
            else:
                self._counts[word] = count - 1
        if changed:
            self._changed()

    def __len__(self) -> int:
        return len(self._base) + sum(1 for w in self._counts if w not in self._base)

    def _known_part(self, word: str) -> bool:
        if len(word) < MIN_PART:
            return len(word) == MIN_SHORT_PART and word in self._base
        return word in self._base or word in self._counts

    def _is_head(self, seg: str) -> bool:
        base, counts = self._base, self._counts
        n = len(seg)
        if n < MIN_PART:
            return n == MIN_SHORT_PART and seg in base
        if seg in counts or seg in base:
            return True
        # Without a plural or case ending: -n/-en/-ern/-nen, -e, -s/-es/-ns, -er.
        last = seg[-1]
        if last == "n":
            cands = [seg[:-1]]
            if seg[-2] == "e":
                cands.append(seg[:-2])
            elif seg[-2] == "r" and seg[-3] == "e" or seg[-2] == "e" and seg[-3] == "n":
                cands.append(seg[:-3])
            if seg.endswith("nen"):
                cands.append(seg[:-3])
            elif seg.endswith("ern"):
                cands.append(seg[:-3])
        elif last == "e":
            cands = [seg[:-1]]
        elif last == "s":
            cands = [seg[:-1], seg[:-2]] if seg[-2] in "en" else [seg[:-1]]
        elif last == "r" and seg[-2] == "e":
            cands = [seg[:-2]]
        else:
            cands = []
        umlaut = "ae" in seg or "oe" in seg or "ue" in seg
        for cand in cands:
            if len(cand) >= MIN_PART:
                if cand in counts or cand in base:
                    return True
            elif len(cand) == MIN_SHORT_PART and cand in base:
                return True
            if umlaut and self._known_part(_undo_umlaut(cand)):
                return True
        return umlaut and self._known_part(_undo_umlaut(seg))

    def _modifier(self, seg: str) -> str | None:
        """The base form of a modifier with its linking element, if known: ``arbeits`` → ``arbeit``."""
        if self._known_part(seg):
            return seg
        for fuge in _FUGEN:
            if seg.endswith(fuge) and self._known_part(seg[: -len(fuge)]):
                return seg[: -len(fuge)]
        for ending in _RESTORE:
            if self._known_part(seg + ending):
                return seg + ending
        return None

    def _split_modifier(self, seg: str, memo: dict, depth: int = 0) -> tuple[str, ...] | None:
        if seg in memo:
            return memo[seg]
        result: tuple[str, ...] | None = None
        base = self._modifier(seg)
        if base is not None:
            result = (base,)
        elif depth < MAX_PARTS - 2:
            for j in range(len(seg) - MIN_SHORT_PART, MIN_SHORT_PART - 1, -1):
                right = self._modifier(seg[j:])
                if right is None:
                    continue
                left = self._split_modifier(seg[:j], memo, depth + 1)
                if left is None:
                    continue
                cand = left + (right,)
                if result is None or _better(cand, result):
                    result = cand
        memo[seg] = result
        return result

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a folded compound (modifiers in base form, the head as written), or ``()``."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        best: tuple[str, ...] = ()
        if len(word) >= MIN_COMPOUND and word.isalpha():
            memo: dict[str, tuple[str, ...] | None] = {}
            prefixes = self._prefixes
            for i in range(len(word) - MIN_SHORT_PART, MIN_SHORT_PART - 1, -1):
                head = word[i:]
                if head[:3] not in prefixes and head[:2] not in _DIGRAPHS and head[1:3] not in _DIGRAPHS:
                    continue  # no known word starts like this (an undone umlaut may change it)
                if not self._is_head(head):
                    continue
                mods = self._split_modifier(word[:i], memo)
                if mods is None:
                    continue
                cand = mods + (head,)
                if len(cand) <= MAX_PARTS and (not best or _better(cand, best)):
                    best = cand
        if len(self._cache) >= self.MAX_CACHE:  # drop the older half (dicts keep insertion order)
            for old in list(islice(self._cache, self.MAX_CACHE // 2)):
                del self._cache[old]
        self._cache[word] = best
        return best

    def decompose(self, word: str) -> list[tuple[str, int]]:
        """Parts with their depth: 1 for the parts of ``word``, 2 for the parts of those parts."""
        parts = self.split(word)
        out: list[tuple[str, int]] = []
        for part in parts:
            out.append((part, 1))
            out.extend((sub, 2) for sub in self.split(part))
        return out


_UMLAUT_UNDO = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_DIGRAPHS = frozenset(("ae", "oe", "ue"))


def _undo_umlaut(word: str) -> str:
    """The word with its last umlaut digraph undone (``oefen`` → ``ofen``, ``daech`` → ``dach``)."""
    best = -1
    pair = None
    for digraph, plain in _UMLAUT_UNDO:
        i = word.rfind(digraph)
        if i > best:
            best, pair = i, (digraph, plain)
    if pair is None:
        return word
    return word[:best] + pair[1] + word[best + 2 :]


def _better(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Fewer parts win; then the split whose shortest part is longest (balanced); then the longer head."""
    return (-len(a), min(map(len, a)), len(a[-1])) > (-len(b), min(map(len, b)), len(b[-1]))


# --- character n-grams and typo tolerance ---------------------------------------------------------


def char_ngrams(word: str, n: int = 3) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + n] for i in range(len(padded) - n + 1)}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment (Damerau-Levenshtein) distance, or ``limit + 1`` when above limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        lo = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            lo = min(lo, v)
        if lo > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1] if prev[-1] <= limit else limit + 1


def typo_limit(word: str) -> int:
    """Edits tolerated for a word (stem) of this length: none below 7 letters, 1 up to 10, then 2."""
    if len(word) < 7:
        return 0
    return 1 if len(word) < 11 else 2


class NgramVocabulary:
    """Trigram index over a changing set of terms; finds terms within a small edit distance.

    Candidates come from the rarest ``3 * limit + 1`` trigrams of the query (one edit destroys at
    most three trigrams, so every term within the limit shares at least one of them), are filtered
    by their number of shared trigrams and then checked with ``edit_distance``. Terms added are
    indexed lazily, on the next lookup, so that building a large index does not pay for it.
    """

    MIN_LEN = 5  # shorter terms are never within reach of a query word long enough to correct

    def __init__(self) -> None:
        self._grams: dict[str, set[str]] = {}
        self._terms: set[str] = set()
        self._pending: set[str] = set()

    def __contains__(self, term: str) -> bool:
        return term in self._terms

    def __len__(self) -> int:
        return len(self._terms)

    def __getstate__(self) -> dict:
        return {"terms": self._terms}

    def __setstate__(self, state: dict) -> None:
        self._terms = set(state["terms"])
        self._pending = set(self._terms)
        self._grams = {}

    def add(self, term: str) -> None:
        if len(term) < self.MIN_LEN or term in self._terms:
            return
        self._terms.add(term)
        self._pending.add(term)

    def discard(self, term: str) -> None:
        if term not in self._terms:
            return
        self._terms.discard(term)
        if term in self._pending:
            self._pending.discard(term)
            return
        for gram in char_ngrams(term):
            bucket = self._grams.get(gram)
            if bucket is not None:
                bucket.discard(term)
                if not bucket:
                    del self._grams[gram]

    def _flush(self) -> None:
        grams = self._grams
        for term in self._pending:
            padded = f"^{term}$"
            for i in range(len(padded) - 2):
                gram = padded[i : i + 3]
                bucket = grams.get(gram)
                if bucket is None:
                    grams[gram] = {term}
                else:
                    bucket.add(term)
        self._pending.clear()

    def similar(self, term: str, limit: int | None = None, max_results: int = 3) -> list[tuple[str, int]]:
        """Terms within ``limit`` edits (default ``typo_limit``), closest first, not ``term`` itself."""
        if limit is None:
            limit = typo_limit(term)
        if limit <= 0:
            return []
        if self._pending:
            self._flush()
        qgrams = char_ngrams(term)
        grams = sorted(qgrams, key=lambda g: len(self._grams.get(g, ())))
        candidates: set[str] = set()
        for gram in grams[: 3 * limit + 1]:
            candidates.update(self._grams.get(gram, ()))
        shared = len(qgrams) - 3 * limit  # trigrams every term within the limit still shares
        found = []
        first = term[0]
        for cand in candidates:
            # Typing errors seldom hit the first letter; requiring it keeps other words with a
            # different prefix out ("beschloss" is no typo of "schloss").
            if cand[0] != first or cand == term or abs(len(cand) - len(term)) > limit:
                continue
            if len(char_ngrams(cand) & qgrams) < shared:
                continue
            d = edit_distance(term, cand, limit)
            if d <= limit:
                found.append((d, cand))
        found.sort()
        return [(cand, d) for d, cand in found[:max_results]]
