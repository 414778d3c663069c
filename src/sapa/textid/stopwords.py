"""Words that carry no search meaning, per language (data/stopwords_*.txt)."""

from functools import cache
from importlib.resources import files


@cache
def stopwords(language: str) -> frozenset[str]:
    name = "id" if language == "id" else "en"
    text = files("sapa.textid").joinpath(f"data/stopwords_{name}.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
