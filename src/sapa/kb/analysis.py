"""The words search indexes and looks for: textid terms, or plain words when measuring
without textid (SAPA_SEARCH_TEXTID=0)."""

from django.conf import settings

from sapa.textid import analyse, normalise, tokenise, translate_english


def terms(text: str, *, language: str | None = None) -> tuple[str, ...]:
    if not settings.SAPA_SEARCH_TEXTID:
        return tuple(tokenise(normalise(text)))
    return analyse(text, language=language).terms


def index_text(text: str, *, language: str | None = None) -> str:
    return " ".join(terms(text, language=language))


def words(text: str, *, language: str | None = None) -> tuple[str, ...]:
    """Normalised words as written (slang expanded with textid): typo-correction targets."""
    if not settings.SAPA_SEARCH_TEXTID:
        return tuple(tokenise(normalise(text)))
    return analyse(text, language=language).words


def translated_terms(text: str) -> tuple[str, ...]:
    """For an English question, the Indonesian terms of the words the glossary knows (an
    Indonesian article then matches by its own words); nothing for Indonesian text."""
    if not settings.SAPA_SEARCH_TEXTID:
        return ()
    analysis = analyse(text)
    if analysis.language != "en":
        return ()
    return analyse(" ".join(translate_english(list(analysis.words))), language="id").terms
