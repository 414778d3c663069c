"""Typed readers for configuration that comes from the environment.

Settings read every tunable through these helpers so that a wrong value fails at start-up
with a message naming the variable, instead of surfacing later as an odd type error.
"""

import os


class ConfigurationError(RuntimeError):
    """An environment variable holds a value Sapa cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip() or default


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from error
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ConfigurationError(f"{name} must be at most {maximum}, not {value}")
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {list(choices)}, not {value!r}")
    return value


def env_time_range(name: str, default: str) -> str:
    """A time range such as 21:00-08:00 (it may span midnight), or "" for none ("off" and
    "none" say so too)."""
    raw = env_str(name, default)
    if raw.lower() in ("", "off", "none"):
        return ""
    parts = raw.split("-")
    if len(parts) != 2 or not all(_is_clock_time(part) for part in parts):
        raise ConfigurationError(f"{name} must look like 21:00-08:00, not {raw!r}")
    return "-".join(part.strip() for part in parts)


def _is_clock_time(text: str) -> bool:
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        return False
    return 0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59
