"""Reading the due times agents type beside the composer."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sapa.promises.exceptions import InvalidDue
from sapa.promises.when import parse_due

JAKARTA = ZoneInfo("Asia/Jakarta")
# Monday 24 November 2025, 09:30 in Jakarta.
NOW = datetime(2025, 11, 24, 9, 30, tzinfo=JAKARTA)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=JAKARTA)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("besok 17:00", at(25, 17)),
        ("Besok", at(25, 17)),
        ("lusa 10.00", at(26, 10)),
        ("hari ini 15:00", at(24, 15)),
        ("hari ini", at(24, 17)),
        ("senin", at(1, 17, month=12)),
        ("jumat 9.30", at(28, 9, 30)),
        ("Jum'at", at(28, 17)),
        ("3 hari", at(27, 17)),
        ("2 jam", at(24, 11, 30)),
        ("30 menit", at(24, 10, 0)),
        ("dalam 2 jam", at(24, 11, 30)),
        ("tomorrow 5pm", at(25, 17)),
        ("tomorrow", at(25, 17)),
        ("day after tomorrow 9am", at(26, 9)),
        ("today 4:15 pm", at(24, 16, 15)),
        ("in 2 days", at(26, 17)),
        ("friday", at(28, 17)),
        ("besok jam 5 sore", at(25, 17)),
        ("besok pukul 08.00 WIB", at(25, 8)),
        ("besok pagi", at(25, 9)),
        ("besok jam 1 siang", at(25, 13)),
        ("16:00", at(24, 16)),
        ("08:00", at(25, 8)),
        ("minggu depan", at(1, 17, month=12)),
        ("2 minggu", at(8, 17, month=12)),
        ("28/11 14:00", at(28, 14)),
        ("2025-11-25T17:00", at(25, 17)),
        ("2025-11-25", at(25, 17)),
        ("2025-11-25T10:00:00+00:00", at(25, 17)),
    ],
)
def test_phrases_read_in_jakarta_time(phrase, expected):
    """Indonesian and English phrases and datetime-local values become Jakarta times; a day
    without a time is 17:00, a passed time of day means tomorrow."""
    assert parse_due(phrase, now=NOW) == expected


@pytest.mark.parametrize("phrase", ["", "  ", "kapan-kapan", "besok 25:00", "31/02", "jam"])
def test_unreadable_phrases_are_refused_naming_the_field(phrase):
    """What cannot be read raises InvalidDue, which names the due field."""
    with pytest.raises(InvalidDue) as raised:
        parse_due(phrase, now=NOW)
    assert raised.value.loc == ["body", "due"]


def test_a_weekday_said_on_that_day_means_next_week():
    """ "senin" on a Monday is the Monday after."""
    assert parse_due("senin 10:00", now=NOW) == at(1, 10, month=12)
