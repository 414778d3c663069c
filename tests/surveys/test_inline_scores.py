"""Which replies are a score: digits, a fraction of the scale's top, keycaps and stars."""

import pytest

from sapa.surveys.inline_scores import parse_inline_score

CSAT = (1, 5)
NPS = (0, 10)


@pytest.mark.parametrize(
    ("text", "scale", "score"),
    [
        ("5", CSAT, 5),
        (" 4 ", CSAT, 4),
        ("4/5", CSAT, 4),
        ("4 / 5", CSAT, 4),
        ("5!", CSAT, 5),
        ("3.", CSAT, 3),
        ("5\ufe0f\u20e3", CSAT, 5),
        ("⭐⭐⭐⭐", CSAT, 4),
        ("★ ★ ★", CSAT, 3),
        ("⭐️⭐️⭐️⭐️⭐️", CSAT, 5),
        ("10", NPS, 10),
        ("0", NPS, 0),
        ("9/10", NPS, 9),
        ("\U0001f51f", NPS, 10),
    ],
)
def test_scores(text, scale, score):
    assert parse_inline_score(text, scale=scale) == score


@pytest.mark.parametrize(
    ("text", "scale"),
    [
        ("", CSAT),
        ("puas", CSAT),
        ("mantap 5", CSAT),
        ("5 hari lagi", CSAT),
        ("6", CSAT),
        ("0", CSAT),
        ("4/10", CSAT),
        ("⭐⭐⭐⭐⭐⭐", CSAT),
        ("⭐⭐⭐", NPS),
        ("11", NPS),
        ("\u0665", CSAT),  # an Arabic-Indic five
        ("3.5", CSAT),
    ],
)
def test_not_scores(text, scale):
    assert parse_inline_score(text, scale=scale) is None
