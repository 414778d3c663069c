"""What a customer's message wants: a classifier over the bot's example utterances.

TF-IDF over words (uni- and bigrams, slang expanded) and over character n-grams (typos,
affixes, emojis), with identifiers replaced by their kind ("pesanan 10045" reads as
"pesanan nomorpesanan"), into a multinomial logistic regression. The examples are generic
customer-service chat (data/intents.tsv), not any one shop's: the shop's own knowledge
comes from its help center, which the caller consults for questions.

Trained lazily, once per process (a fraction of a second), and kept; prediction is a
sparse dot product.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from scipy.sparse import hstack  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

from sapa.bot.nlu.entities import (
    EMAIL,
    ORDER_NUMBER,
    PHONE,
    TRACKING_NUMBER,
    extract_entity_spans,
)
from sapa.textid import expand_slang, normalise, tokenise

ORDER_STATUS = "order_status"
FAQ = "faq"
HUMAN = "human"
COMPLAINT = "complaint"
GREETING = "greeting"
THANKS = "thanks"
GOODBYE = "goodbye"
OUT_OF_SCOPE = "out_of_scope"
INTENTS = (ORDER_STATUS, FAQ, HUMAN, COMPLAINT, GREETING, THANKS, GOODBYE, OUT_OF_SCOPE)

# Inverse regularisation strength of the regression: the examples are few and short, so
# fit them closely; measured flat between 5 and 50 in cross-validation on the examples.
REGULARISATION_C = 20.0

_PLACEHOLDER = {
    ORDER_NUMBER: " nomorpesanan ",
    TRACKING_NUMBER: " nomorresi ",
    PHONE: " nomortelepon ",
    EMAIL: " alamatemail ",
}
_SHOUTED_WORD = re.compile(r"\b[A-Z]{3,}\b")
_REPEATED_MARKS = re.compile(r"[!?]{2,}")


@dataclass(frozen=True)
class Example:
    intent: str
    lang: str
    text: str


@cache
def examples() -> tuple[Example, ...]:
    """The training examples shipped with the bot (data/intents.tsv)."""
    text = files("sapa.bot").joinpath("data/intents.tsv").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        intent, lang, utterance = line.split("\t", 2)
        if intent not in INTENTS:
            raise ValueError(f"unknown intent {intent!r} in intents.tsv: {line!r}")
        rows.append(Example(intent=intent, lang=lang, text=utterance.strip()))
    return tuple(rows)


def features_text(text: str) -> str:
    """The text the vectorisers see: identifiers as their kind, words normalised and slang
    expanded, plus marks for tone that normalising would lose (shouting, "!!!", emojis)."""
    spans = extract_entity_spans(text)
    pieces, last = [], 0
    for start, end, kind in sorted(spans):
        pieces.append(text[last:start])
        pieces.append(_PLACEHOLDER[kind])
        last = end
    pieces.append(text[last:])
    plain = "".join(pieces)
    words = expand_slang(tokenise(normalise(plain)))
    marks = []
    if len(_SHOUTED_WORD.findall(plain)) >= 2 or (plain.isupper() and len(plain) > 8):
        marks.append("tandateriak")
    if _REPEATED_MARKS.search(plain):
        marks.append("tandaseru")
    marks.extend(ch for ch in plain if unicodedata.category(ch) == "So")
    return " ".join([*words, *marks])


class IntentClassifier:
    """Probabilities of INTENTS for a message."""

    def __init__(self, training: tuple[Example, ...]) -> None:
        texts = [features_text(e.text) for e in training]
        self._words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            tokenizer=str.split,
            token_pattern=None,
            lowercase=False,
        )
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=False
        )
        matrix = hstack([self._words.fit_transform(texts), self._chars.fit_transform(texts)])
        self._model = LogisticRegression(C=REGULARISATION_C, solver="newton-cg", max_iter=200)
        self._model.fit(matrix.tocsr(), [e.intent for e in training])
        self.classes: tuple[str, ...] = tuple(str(c) for c in self._model.classes_)

    def probabilities(self, text: str) -> dict[str, float]:
        prepared = features_text(text)
        row = hstack([self._words.transform([prepared]), self._chars.transform([prepared])])
        scores = self._model.predict_proba(row.tocsr())[0]
        return {
            intent: float(p) for intent, p in zip(self.classes, np.asarray(scores), strict=True)
        }


_lock = threading.Lock()
_classifier: IntentClassifier | None = None


def get_classifier() -> IntentClassifier:
    """The process's classifier, trained on first use."""
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                _classifier = IntentClassifier(examples())
    return _classifier
