"""Indonesian (and English) text for search, the bot and sentiment.

    >>> from sapa.textid import analyse
    >>> analyse("min, pesanan sy blm sampe, gmn ya?").terms
    ('pesan', 'belum', 'sampai', 'bagaimana')

`normalise` lower-cases, applies Unicode NFKC and squeezes letters repeated for emphasis;
`tokenise` splits into words; `expand_slang` maps colloquial and abbreviated words to
standard Indonesian (data/slang_id.tsv); `detect_language` tells Indonesian from English;
`stem` is Sastrawi with a bounded cache; `analyse` runs all of it and drops stopwords.
"""

from sapa.textid.analysis import Analysis, analyse, search_terms
from sapa.textid.glossary import translate_english
from sapa.textid.language import detect_language
from sapa.textid.normalise import normalise, tokenise
from sapa.textid.slang import expand_slang
from sapa.textid.stemming import stem

__all__ = [
    "Analysis",
    "analyse",
    "detect_language",
    "expand_slang",
    "normalise",
    "search_terms",
    "stem",
    "tokenise",
    "translate_english",
]
