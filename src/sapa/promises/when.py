"""Reading the due time an agent types beside the composer: "besok 17:00", "lusa 10.00",
"hari ini 15:00", "senin", "3 hari", "2 jam", "tomorrow 5pm", or the value of a
datetime-local input ("2026-11-25T17:00").

Times are read in the console's time zone (settings.TIME_ZONE, Asia/Jakarta by default). A
day without a time means 17:00, the end of the working day; a time without a day means
today, or tomorrow when that time has passed already. A weekday means its next occurrence
after today ("senin" on a Monday is next week's).
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from sapa.promises.exceptions import InvalidDue

END_OF_DAY = time(17, 0)

_WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
    "ahad": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6, "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5,
    "sun": 6,
}  # fmt: skip
# A part of the day on its own ("besok pagi"), and how it shifts an hour ("jam 5 sore").
_PARTS_OF_DAY = {
    "pagi": time(9, 0), "morning": time(9, 0), "siang": time(12, 0), "noon": time(12, 0),
    "sore": END_OF_DAY, "afternoon": time(15, 0), "malam": time(19, 0), "evening": time(19, 0),
    "tonight": time(19, 0),
}  # fmt: skip
_HOURS = r"menit|mnt|minutes?|mins?|m|jam|hours?|hrs?|h"
_DAYS = r"hari|days?|minggu|weeks?|pekan"
_DURATION = re.compile(rf"^(?:dalam|in)?\s*(\d{{1,4}})\s*({_HOURS})(?:\s+lagi)?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?)?(?:z|[+-]\d{2}:?\d{2})?$")
_DAY_PATTERNS = (
    ("today", re.compile(r"\b(?:hari ini|hr ini|today)\b")),
    ("after_tomorrow", re.compile(r"\b(?:lusa|day after tomorrow)\b")),
    ("tomorrow", re.compile(r"\b(?:besok|besuk|bsk|tomorrow|tmr)\b")),
    ("in_days", re.compile(rf"\b(?:dalam\s+|in\s+)?(\d{{1,3}})\s*({_DAYS})(?:\s+lagi)?\b")),
    ("next_week", re.compile(r"\b(?:minggu depan|pekan depan|next week)\b")),
    ("weekday", re.compile(r"\b(?:next\s+)?(" + "|".join(_WEEKDAYS) + r")(?:\s+depan)?\b")),
    ("date", re.compile(r"\b(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2}|\d{4}))?\b")),
)
_TIME = re.compile(
    r"^(?:jam|pukul|pkl\.?|at|@)?\s*(\d{1,2})(?:[:.](\d{2}))?\s*"
    r"(am|pm|a\.m\.|p\.m\.|pagi|siang|sore|malam)?\s*(?:wib)?$"
)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_due(text: str, *, now: datetime) -> datetime:
    """The aware datetime `text` means, seen from `now`. Raises InvalidDue when it cannot be
    read (whether it lies in the future is the action's concern)."""
    phrase = re.sub(
        r"\s+", " ", text.strip().lower().replace("\u2019", "'").replace("jum'at", "jumat")
    )
    phrase = phrase.replace(",", " ").strip()
    if not phrase:
        raise InvalidDue()
    local_now = now.astimezone(zone())
    if _ISO.match(phrase):
        return _from_iso(phrase)
    duration = _DURATION.match(phrase)
    if duration:
        amount, unit = int(duration.group(1)), duration.group(2)
        minutes = amount if unit in ("menit", "mnt", "m") or unit.startswith("min") else amount * 60
        return now + timedelta(minutes=minutes)
    day, rest = _take_day(phrase, local_now.date())
    at = _read_time(rest) if rest else None
    if day is None:
        if at is None:
            raise InvalidDue()
        candidate = datetime.combine(local_now.date(), at, tzinfo=zone())
        return candidate if candidate > local_now else candidate + timedelta(days=1)
    return datetime.combine(day, at or END_OF_DAY, tzinfo=zone())


def _from_iso(phrase: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(phrase.upper())
    except ValueError as error:
        raise InvalidDue() from error
    if parsed.tzinfo is None:
        if len(phrase) == 10:  # a date alone
            parsed = datetime.combine(parsed.date(), END_OF_DAY)
        return parsed.replace(tzinfo=zone())
    return parsed.astimezone(zone())


def _take_day(phrase: str, today: date) -> tuple[date | None, str]:
    """The day `phrase` names and what is left of it (the time), or (None, phrase)."""
    for kind, pattern in _DAY_PATTERNS:
        found = pattern.search(phrase)
        if found is None:
            continue
        rest = (phrase[: found.start()] + " " + phrase[found.end() :]).strip()
        return _day(kind, found, today), rest
    return None, phrase


def _day(kind: str, found: re.Match[str], today: date) -> date:
    if kind == "today":
        return today
    if kind == "tomorrow":
        return today + timedelta(days=1)
    if kind == "after_tomorrow":
        return today + timedelta(days=2)
    if kind == "next_week":
        return today + timedelta(days=7)
    if kind == "in_days":
        amount, unit = int(found.group(1)), found.group(2)
        return today + timedelta(days=amount if unit in ("hari", "day", "days") else amount * 7)
    if kind == "weekday":
        ahead = (_WEEKDAYS[found.group(1)] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    day, month, year = int(found.group(1)), int(found.group(2)), found.group(3)
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError as error:
        raise InvalidDue() from error


def _read_time(rest: str) -> time:
    rest = rest.strip()
    if rest in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[rest]
    found = _TIME.match(rest)
    if found is None:
        raise InvalidDue()
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    qualifier = (found.group(3) or "").replace(".", "")
    afternoon = (
        (qualifier in ("pm", "sore") and hour < 12)
        or (qualifier == "malam" and 6 <= hour < 12)
        or (qualifier == "siang" and hour < 6)
    )
    if afternoon:
        hour += 12
    elif qualifier == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise InvalidDue()
    return time(hour, minute)
