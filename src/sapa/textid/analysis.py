"""The whole pipeline: normalise, tokenise, expand slang, drop stopwords, stem."""

from dataclasses import dataclass

from sapa.textid.language import detect_language
from sapa.textid.normalise import normalise, tokenise
from sapa.textid.slang import expand_slang
from sapa.textid.stemming import stem
from sapa.textid.stopwords import stopwords


@dataclass(frozen=True)
class Analysis:
    language: str
    # Normalised words with slang expanded, in order (before stopwords and stemming).
    words: tuple[str, ...]
    # What search indexes and the bot matches: content words, stemmed for Indonesian.
    terms: tuple[str, ...]


def analyse(text: str, *, language: str | None = None) -> Analysis:
    """Analyse `text`; `language` ("id" or "en") skips detection when known."""
    tokens = tokenise(normalise(text))
    lang = language or detect_language(tokens)
    words = expand_slang(tokens) if lang == "id" else tokens
    drop = stopwords(lang)
    if lang == "id":
        terms = [stem(w) for w in words if w not in drop]
    else:
        terms = [_english_stem(w) for w in words if w not in drop]
    return Analysis(language=lang, words=tuple(words), terms=tuple(t for t in terms if t))


def search_terms(text: str, *, language: str | None = None) -> str:
    """The analysed terms as one space-separated string (what full-text columns hold)."""
    return " ".join(analyse(text, language=language).terms)


_SUFFIXES = ("ing", "ed", "es", "s")


def _english_stem(word: str) -> str:
    """A light English stemmer (plural and -ing/-ed): enough to match "orders" to "order"
    without a second stemming library."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)]
    return word
