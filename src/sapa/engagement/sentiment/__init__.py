"""The sentiment of what customers write (survey comments, reviews): positive, neutral or
negative, from a learned model over sapa.textid words plus our own Indonesian lexicon.

    >>> classify("pelayanannya cepat dan ramah, mantap").label
    'positive'

See docs/sentiment.md for the method and its figures.
"""

from dataclasses import dataclass

import numpy as np

from sapa.engagement.sentiment.model import get_model

LABELS = ("positive", "neutral", "negative")


@dataclass(frozen=True)
class Sentiment:
    label: str  # one of LABELS
    confidence: float  # 0..1: the label's share of a softmax over the classifier's scores


def classify(text: str) -> Sentiment:
    """The sentiment of `text`. Empty text (or nothing but spaces) is neutral."""
    if not text.strip():
        return Sentiment(label="neutral", confidence=1.0)
    model = get_model()
    scores = model.scores([text])[0]
    shares = np.exp(scores - scores.max())
    shares /= shares.sum()
    best = int(np.argmax(shares))
    return Sentiment(label=model.classes[best], confidence=round(float(shares[best]), 4))


__all__ = ["LABELS", "Sentiment", "classify"]
