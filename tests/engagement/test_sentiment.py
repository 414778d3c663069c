"""The sentiment of customer comments: the shipped model, the lexicon and negation."""

import socket
import threading
from typing import Any

import pytest

from sapa.engagement.sentiment import LABELS, Sentiment, classify
from sapa.engagement.sentiment import model as sentiment_model
from sapa.engagement.sentiment.lexicon import (
    FEATURE_NAMES,
    clauses_of,
    get_lexicon,
    lexicon_features,
    mark_negation,
)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("pelayanannya cepat dan ramah, mantap", "positive"),
        ("barang rusak, kecewa banget", "negative"),
        ("paket sudah diterima hari ini", "neutral"),
    ],
)
def test_clear_comments_get_their_sentiment(text: str, label: str) -> None:
    """Plain praise, plain complaint and a plain statement of fact."""
    # when
    sentiment = classify(text)
    # then
    assert sentiment.label == label
    assert 1 / len(LABELS) < sentiment.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("makanannya tidak enak", "negative"),
        ("pelayanannya tidak mengecewakan", "positive"),
    ],
)
def test_a_negator_turns_the_word_after_it(text: str, label: str) -> None:
    """ "tidak enak" is a complaint; "tidak mengecewakan" is praise."""
    assert classify(text).label == label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("gak enak bgt, nyesel beli disini", "negative"),
        ("mantul gan, brg ori, pengiriman cpt", "positive"),
    ],
)
def test_colloquial_spelling_is_understood(text: str, label: str) -> None:
    """Slang and abbreviations go through sapa.textid before the model sees them."""
    assert classify(text).label == label


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_neutral(text: str) -> None:
    assert classify(text) == Sentiment(label="neutral", confidence=1.0)


def test_model_loads_from_the_package_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model ships inside the package: loading it opens no socket."""

    # given
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the sentiment model tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(sentiment_model, "_model", None)
    # when
    model = sentiment_model.get_model()
    # then
    assert set(model.classes) == set(LABELS)
    assert classify("barang rusak, kecewa banget").label == "negative"


def test_model_is_loaded_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads asking at the same time share one loaded model."""
    # given
    monkeypatch.setattr(sentiment_model, "_model", None)
    loaded: list[sentiment_model.SentimentModel] = []
    # when
    threads = [
        threading.Thread(target=lambda: loaded.append(sentiment_model.get_model()))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert len(loaded) == 4
    assert all(model is loaded[0] for model in loaded)


def test_negation_marks_the_words_after_a_negator() -> None:
    """Up to three words, and never past the end of the clause."""
    assert mark_negation(clauses_of("gak enak bgt, murah")) == [
        "tidak",
        "NEG_enak",
        "NEG_sekali",
        "murah",
    ]
    assert mark_negation(clauses_of("bukan yang paling enak di kota ini")) == [
        "bukan",
        "NEG_yang",
        "NEG_paling",
        "NEG_enak",
        "di",
        "kota",
        "ini",
    ]


def test_lexicon_features_count_negated_and_intensified_words() -> None:
    # when
    features = dict(
        zip(FEATURE_NAMES, lexicon_features(clauses_of("tidak enak, mahal banget")), strict=True)
    )
    # then
    assert features["positive"] == 0
    assert features["negated_positive"] > 0
    assert features["negative"] > 0
    assert features["intensified_negative"] > 0
    assert features["balance"] < 0


def test_lexicon_file_is_well_formed() -> None:
    """Each word has one kind; negators and intensifiers are not polar words."""
    lexicon = get_lexicon()
    assert not lexicon.positive & lexicon.negative
    assert not (lexicon.negators | lexicon.intensifiers) & (lexicon.positive | lexicon.negative)
    assert {"tidak", "bukan", "kurang", "belum"} <= lexicon.negators
