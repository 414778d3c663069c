"""Lower-casing, Unicode normalisation and tokenising."""

import re
import unicodedata

# Letters repeated for emphasis ("bangeeet", "lamaaa"): three or more become one. Two stay
# (Indonesian has real doubled letters: "saat", "taat").
_REPEATS = re.compile(r"(\w)\1{2,}")
# A word: letters and digits, with inner hyphens or dots kept ("buku-buku", "jne.yes"
# become one token each for now; callers split further if they want).
_TOKEN = re.compile(r"[0-9a-z]+(?:[-'][0-9a-z]+)*")
# Indonesian writes reduplication with a "2": "barang2" means "barang-barang".
_REDUPLICATION = re.compile(r"^([a-z]{2,})2$")


def normalise(text: str) -> str:
    """NFKC, lower case, accents off (é → e), emphasis repeats squeezed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return _REPEATS.sub(r"\1", text)


def tokenise(text: str) -> list[str]:
    """Words of already-normalised text; "barang2" and "buku-buku" become their base word."""
    tokens = []
    for token in _TOKEN.findall(text):
        doubled = _REDUPLICATION.match(token)
        if doubled:
            token = doubled.group(1)
        elif "-" in token:
            left, _, right = token.partition("-")
            token = left if left == right else token
        tokens.append(token)
    return tokens
