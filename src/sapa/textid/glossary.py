"""English customer-service words → Indonesian (data/glossary_en_id.tsv), for searching
Indonesian text with an English question."""

from functools import cache
from importlib.resources import files


@cache
def glossary() -> dict[str, tuple[str, ...]]:
    mapping: dict[str, tuple[str, ...]] = {}
    text = files("sapa.textid").joinpath("data/glossary_en_id.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, _, indonesian = line.partition("\t")
        mapping[english.strip()] = tuple(indonesian.split())
    return mapping


def translate_english(tokens: list[str]) -> list[str]:
    """The Indonesian words of the English tokens the glossary knows (others dropped)."""
    mapping = glossary()
    return [word for token in tokens for word in mapping.get(token, ())]
