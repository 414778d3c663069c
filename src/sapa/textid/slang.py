"""Colloquial and abbreviated Indonesian → standard words (data/slang_id.tsv)."""

from functools import cache
from importlib.resources import files


@cache
def slang_map() -> dict[str, tuple[str, ...]]:
    mapping: dict[str, tuple[str, ...]] = {}
    text = files("sapa.textid").joinpath("data/slang_id.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        slang, _, standard = line.partition("\t")
        mapping[slang.strip()] = tuple(standard.split())
    return mapping


def expand_slang(tokens: list[str]) -> list[str]:
    """Each token replaced by its standard form (which may be several words)."""
    mapping = slang_map()
    expanded: list[str] = []
    for token in tokens:
        expanded.extend(mapping.get(token, (token,)))
    return expanded
