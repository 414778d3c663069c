"""The shipped sentiment model: TF-IDF over words and characters, lexicon counts, a linear
classifier. Built by scripts/build_sentiment_model.py into data/sentiment_model.npz.

The file holds arrays only (vocabularies, idf weights, coefficients), loaded with
`allow_pickle=False`, so it does not depend on the scikit-learn version that built it and
nothing in it is executed. Loaded lazily, once per process, behind a lock.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from sapa.engagement.sentiment.lexicon import (
    clauses_of,
    lexicon_features,
    mark_negation,
    words_of,
)

MODEL_FILE = "data/sentiment_model.npz"
# How much the lexicon counts weigh against the TF-IDF features (whose rows have norm 1).
LEXICON_WEIGHT = 0.3


def word_vectoriser(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    """Word 1-2-grams over negation-marked sapa.textid words."""
    return TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        sublinear_tf=True,
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def char_vectoriser(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    """Character 2-5-grams within words: catches spelling variants and affixes."""
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        lowercase=False,
        min_df=2,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


@dataclass(frozen=True)
class Prepared:
    """A text as the vectorisers see it."""

    marked: str  # words, negation-marked: for the word n-grams
    plain: str  # words as they are: for the character n-grams
    lexicon: list[float]


def prepare(text: str) -> Prepared:
    clauses = clauses_of(text)
    return Prepared(
        marked=" ".join(mark_negation(clauses)),
        plain=" ".join(words_of(clauses)),
        lexicon=lexicon_features(clauses),
    )


def feature_matrix(
    prepared: Sequence[Prepared], words: TfidfVectorizer, chars: TfidfVectorizer
) -> csr_matrix:
    """The rows the classifier scores: word TF-IDF, character TF-IDF, lexicon counts."""
    lexicon = np.asarray([p.lexicon for p in prepared], dtype=np.float32) * LEXICON_WEIGHT
    return hstack(
        [
            words.transform([p.marked for p in prepared]),
            chars.transform([p.plain for p in prepared]),
            csr_matrix(lexicon),
        ],
        format="csr",
    )


class SentimentModel:
    """A linear classifier over feature_matrix rows."""

    def __init__(
        self,
        *,
        words: TfidfVectorizer,
        chars: TfidfVectorizer,
        coefficients: np.ndarray,
        intercepts: np.ndarray,
        classes: Sequence[str],
    ) -> None:
        self.words = words
        self.chars = chars
        self.coefficients = np.asarray(coefficients, dtype=np.float32)  # (classes, features)
        self.intercepts = np.asarray(intercepts, dtype=np.float32)
        self.classes = tuple(classes)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Decision values, one row per text, one column per class."""
        rows = feature_matrix([prepare(t) for t in texts], self.words, self.chars)
        return np.asarray(rows @ self.coefficients.T) + self.intercepts

    def arrays(self) -> dict[str, Any]:
        """What save() writes: plain arrays, no pickled objects."""
        return {
            "word_terms": _terms(self.words),
            "word_idf": self.words.idf_.astype(np.float32),
            "char_terms": _terms(self.chars),
            "char_idf": self.chars.idf_.astype(np.float32),
            "coefficients": self.coefficients.astype(np.float16),
            "intercepts": self.intercepts,
            "classes": np.asarray(self.classes),
        }

    @classmethod
    def from_arrays(cls, arrays: Any) -> "SentimentModel":
        words = word_vectoriser(_vocabulary(arrays["word_terms"]))
        words.idf_ = arrays["word_idf"]
        chars = char_vectoriser(_vocabulary(arrays["char_terms"]))
        chars.idf_ = arrays["char_idf"]
        return cls(
            words=words,
            chars=chars,
            coefficients=arrays["coefficients"],
            intercepts=arrays["intercepts"],
            classes=[str(c) for c in arrays["classes"]],
        )


def _terms(vectoriser: TfidfVectorizer) -> np.ndarray:
    terms = vectoriser.get_feature_names_out()  # in column order
    return np.asarray([str(t) for t in terms])


def _vocabulary(terms: np.ndarray) -> dict[str, int]:
    return {str(term): column for column, term in enumerate(terms)}


_lock = threading.Lock()
_model: SentimentModel | None = None


def get_model() -> SentimentModel:
    """The shipped model, loaded on first use (from the package, never the network)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                source = resources.files(__package__).joinpath(MODEL_FILE)
                with source.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
                    _model = SentimentModel.from_arrays({k: data[k] for k in data.files})
    return _model
