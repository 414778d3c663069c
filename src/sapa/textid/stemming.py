"""Sastrawi stemming for Indonesian, with a bounded cache (customer text repeats itself)."""

from functools import cache, lru_cache

from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

CACHE_SIZE = 200_000


@cache
def _stemmer() -> Stemmer:
    # The factory's own cached stemmer grows without bound; ours is an LRU.
    factory = StemmerFactory()
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary

    return Stemmer(ArrayDictionary(factory.get_words()))


@lru_cache(maxsize=CACHE_SIZE)
def stem(word: str) -> str:
    """The Indonesian base word of one lower-case token ("pengiriman" → "kirim")."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _stemmer().stem_word(word) or word
