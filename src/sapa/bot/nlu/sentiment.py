"""Is a customer upset? A lexicon and the shape of the text, for handing over early.

Cheap on purpose: it runs on every message. Words of disappointment, anger and insult in
Indonesian (colloquial included) and English, angry emojis, shouting (several words in
capitals) and piles of "!!!"/"???". The intent classifier's complaint probability is the
other half of the signal (see understanding.py).
"""

import re

from sapa.textid import expand_slang, normalise, tokenise

_NEGATIVE_WORDS = frozenset({
    # Indonesian, standard and colloquial (slang is expanded first, both forms listed
    # where the slang table may not know the word).
    "kecewa", "mengecewakan", "dikecewakan", "parah", "kesal", "kesel", "marah", "emosi",
    "payah", "buruk", "terburuk", "jelek", "lambat", "lelet", "lemot", "penipu", "penipuan",
    "tipu", "nipu", "bohong", "menyesal", "nyesel", "kapok", "keterlaluan", "becus",
    "bodoh", "bego", "goblok", "tolol", "anjir", "anjing", "bangsat", "sialan", "brengsek",
    "kampret", "muak", "benci", "sampah", "zonk", "jutek", "kasar", "ngecewain", "abal",
    "murahan", "nyebelin", "menyebalkan", "ribet", "capek", "pusing", "lebay", "php",
    "kzl", "bete", "gondok", "jengkel", "dongkol", "ampun", "astaga",
    # English.
    "disappointed", "disappointing", "terrible", "worst", "awful", "horrible", "useless",
    "scam", "scammer", "fraud", "ridiculous", "unacceptable", "angry", "annoyed",
    "frustrated", "frustrating", "stupid", "hate", "pathetic", "rude",
})  # fmt: skip
_NEGATIVE_EMOJIS = frozenset("😡😤😠🤬🙄😒😑💢👎😞😩😫🤦🙃")
_SHOUTED_WORD = re.compile(r"\b[A-Z]{3,}\b")
_PILED_MARKS = re.compile(r"[!?]{3,}")


def sounds_negative(text: str) -> bool:
    """True when `text` carries a sign of anger or disappointment."""
    if any(ch in _NEGATIVE_EMOJIS for ch in text):
        return True
    if len(_SHOUTED_WORD.findall(text)) >= 2 or _PILED_MARKS.search(text):
        return True
    words = expand_slang(tokenise(normalise(text)))
    return any(word in _NEGATIVE_WORDS for word in words)
