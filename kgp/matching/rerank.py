"""Optional dense-embedding re-ranking of the lexical candidates.

Off by default: the engine ranks lexically and needs nothing else. When a sentence-transformers
model is configured (a local path: no download at run time), the top candidates are re-scored with
the cosine similarity of need and profile embeddings. ``sentence_transformers`` is imported only
then; when it (or the model) is missing, ``RerankerUnavailable`` is raised and the engine keeps the
lexical ranking.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    from kgp.matching.engine import Document

logger = logging.getLogger(__name__)


class RerankerUnavailable(RuntimeError):
    """The re-ranker cannot run here (package or model missing); the caller keeps its ranking."""


@runtime_checkable
class Reranker(Protocol):
    def similarities(self, query: str, documents: Sequence[Document]) -> list[float]:
        """Similarity of ``query`` to each document, in [0, 1] (higher is closer)."""
        ...  # pragma: no cover

    def forget(self, doc_id: str) -> None:
        """Drop anything cached for a document that changed or was removed."""
        ...  # pragma: no cover


class SentenceTransformerReranker:
    """Cosine similarity of sentence-transformers embeddings; document embeddings are cached per
    document and text, so an edited profile is embedded again on its next use."""

    def __init__(self, model_path: str, *, device: str | None = None, batch_size: int = 32, max_cache: int = 50_000):
        if not model_path:
            raise ValueError("model_path is required")
        self.model_path = model_path
        self.device = device
        self.batch_size = batch_size
        self.max_cache = max_cache
        self._model = None
        self._failed: str | None = None
        self._cache: dict[str, tuple[str, list[float]]] = {}
        self._lock = threading.Lock()

    def _load(self):
        if self._model is not None:
            return self._model
        if self._failed:
            raise RerankerUnavailable(self._failed)
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer  # noqa: PLC0415 (optional dependency)
                except ImportError as exc:
                    self._failed = f"sentence_transformers is not installed ({exc})"
                    raise RerankerUnavailable(self._failed) from exc
                try:
                    self._model = SentenceTransformer(self.model_path, device=self.device)
                except Exception as exc:  # a missing or broken model must not break matching
                    self._failed = f"cannot load model {self.model_path!r}: {exc}"
                    raise RerankerUnavailable(self._failed) from exc
        return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._load().encode(texts, batch_size=self.batch_size, normalize_embeddings=True)
        return [list(map(float, v)) for v in vectors]

    def similarities(self, query: str, documents: Sequence[Document]) -> list[float]:
        (qv,) = self._encode([query])
        missing: list[tuple[int, str, str]] = []
        vectors: list[list[float] | None] = []
        for i, doc in enumerate(documents):
            text = doc.text()
            digest = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
            hit = self._cache.get(doc.id)
            if hit and hit[0] == digest:
                vectors.append(hit[1])
            else:
                vectors.append(None)
                missing.append((i, digest, text))
        if missing:
            for (i, digest, _text), vec in zip(missing, self._encode([m[2] for m in missing])):
                vectors[i] = vec
                if len(self._cache) >= self.max_cache:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[documents[i].id] = (digest, vec)
        return [max(0.0, _cosine(qv, v)) for v in vectors if v is not None]

    def forget(self, doc_id: str) -> None:
        self._cache.pop(doc_id, None)


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def reranker_from_setting(model_path: str | None, **kwargs) -> Reranker | None:
    """The re-ranker for a configured model path (e.g. a Django setting), or None when unset."""
    return SentenceTransformerReranker(model_path, **kwargs) if model_path else None
