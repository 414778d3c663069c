"""The sentiment lexicon and the features drawn from it.

`data/lexicon_id.tsv` was written by hand for Sapa (our licence, AGPL-3.0-or-later): polar
words, negators ("tidak", "bukan", "kurang", "belum", ...) and intensifiers ("sangat",
"banget", ...), in the form `sapa.textid` produces (slang expanded, not stemmed). The model
does not rely on it alone: it adds a few counts to the learned word and character features,
and marks the words that follow a negator, so "tidak enak" is not read as "enak".
"""

import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sapa.textid import expand_slang, normalise, tokenise

NEGATED_PREFIX = "NEG_"
# A negator reaches no further than its clause: "tidak enak, mahal" is not "tidak mahal".
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\n]+")
# How many words after a negator it reaches: "tidak terlalu enak", "bukan yang terbaik".
NEGATION_REACH_WORDS = 3
FEATURE_NAMES = (
    "positive",
    "negative",
    "negated_positive",
    "negated_negative",
    "intensified_positive",
    "intensified_negative",
    "balance",
)


@dataclass(frozen=True)
class Lexicon:
    positive: frozenset[str]
    negative: frozenset[str]
    negators: frozenset[str]
    intensifiers: frozenset[str]


@cache
def get_lexicon() -> Lexicon:
    """The shipped lexicon, read once per process. Raises ValueError on a malformed line."""
    kinds: dict[str, set[str]] = {
        "positive": set(),
        "negative": set(),
        "negator": set(),
        "intensifier": set(),
    }
    text = resources.files(__package__).joinpath("data/lexicon_id.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, kind = line.partition("\t")
        if kind not in kinds or not word or word != word.strip():
            raise ValueError(f"malformed line in lexicon_id.tsv: {line!r}")
        kinds[kind].add(word)
    return Lexicon(
        positive=frozenset(kinds["positive"]),
        negative=frozenset(kinds["negative"]),
        negators=frozenset(kinds["negator"]),
        intensifiers=frozenset(kinds["intensifier"]),
    )


def clauses_of(text: str) -> list[list[str]]:
    """`text` as sapa.textid words (normalised, tokenised, slang expanded), by clause."""
    clauses = (expand_slang(tokenise(part)) for part in _CLAUSE_BREAK.split(normalise(text)))
    return [words for words in clauses if words]


def words_of(clauses: list[list[str]]) -> list[str]:
    return [word for words in clauses for word in words]


def mark_negation(clauses: list[list[str]]) -> list[str]:
    """The words with the few after a negator, in its clause, prefixed NEGATED_PREFIX."""
    negators = get_lexicon().negators
    marked = []
    for words in clauses:
        reach = 0
        for word in words:
            if word in negators:
                marked.append(word)
                reach = NEGATION_REACH_WORDS
            elif reach:
                marked.append(NEGATED_PREFIX + word)
                reach -= 1
            else:
                marked.append(word)
    return marked


def lexicon_features(clauses: list[list[str]]) -> list[float]:
    """Counts of polar words (FEATURE_NAMES), dampened with log1p.

    A polar word within NEGATION_REACH_WORDS after a negator in its clause counts as
    negated; one next to an intensifier ("sangat enak", "enak banget") counts again as
    intensified.
    """
    counts = dict.fromkeys(FEATURE_NAMES[:-1], 0)
    for words in clauses:
        _count_clause(words, counts)
    # A negated positive reads as negative and the other way round ("tidak mengecewakan").
    leaning = (
        counts["positive"]
        + counts["negated_negative"]
        - counts["negative"]
        - counts["negated_positive"]
    )
    values = [math.log1p(count) for count in counts.values()]
    values.append(math.copysign(math.log1p(abs(leaning)), leaning))
    return values


def _count_clause(words: list[str], counts: dict[str, int]) -> None:
    lexicon = get_lexicon()
    reach = 0
    for position, word in enumerate(words):
        if word in lexicon.negators:
            reach = NEGATION_REACH_WORDS
            continue
        polarity = (
            "positive"
            if word in lexicon.positive
            else "negative"
            if word in lexicon.negative
            else None
        )
        if polarity is not None:
            counts[("negated_" if reach else "") + polarity] += 1
            neighbours = words[max(position - 1, 0) : position + 2]
            if any(n in lexicon.intensifiers for n in neighbours):
                counts["intensified_" + polarity] += 1
        reach = max(reach - 1, 0)
