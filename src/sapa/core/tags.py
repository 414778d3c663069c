"""Tag names: what a tag may look like, and how free text becomes one."""

import re

from django.utils.translation import gettext_lazy as _

from sapa.core.exceptions import InvalidInput

MAX_TAG_LENGTH = 64
_SEPARATORS = re.compile(r"[\s_]+")
_ALLOWED = re.compile(r"^[\w][\w\-.:]*$")


def normalise_tag(raw: str, *, loc: list[str | int]) -> str:
    """`"  VIP Pelanggan "` -> `"vip-pelanggan"`. Raises InvalidInput for empty or odd names."""
    name = _SEPARATORS.sub("-", raw.strip().lower())
    if not name or len(name) > MAX_TAG_LENGTH or not _ALLOWED.match(name):
        raise InvalidInput(
            _("A tag is 1-64 letters, digits, dashes, dots or colons."),
            loc=loc,
        )
    return name


def normalise_tags(raw_names: list[str], *, loc: list[str | int]) -> list[str]:
    return sorted({normalise_tag(raw, loc=[*loc, index]) for index, raw in enumerate(raw_names)})
