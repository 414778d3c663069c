"""The Indonesian catalogue is complete and compiled."""

import ast
import gettext
import re
from pathlib import Path

import sapa

LOCALE = Path(sapa.__file__).parent / "locale" / "id" / "LC_MESSAGES"


def _entries(po_text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each live entry of a .po file, header first. For plural
    entries, msgstr is the first plural form; an entry with a context has the msgid
    "context\x04msgid", as in the compiled catalogue."""
    entries: list[tuple[str, str, bool]] = []
    for block in po_text.strip().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not lines:  # obsolete entries (#~) and comments only
            continue
        parts: dict[str, str] = {"msgid": "", "msgstr": "", "msgctxt": ""}
        current = ""
        for line in lines:
            keyword = re.match(
                r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[0\]|msgstr\[\d+\]) (".*")$', line
            )
            if keyword:
                current = keyword.group(1).replace("[0]", "")
                parts[current] = ast.literal_eval(keyword.group(2))
            elif line.startswith('"') and current:
                parts[current] += ast.literal_eval(line)
        msgid = f"{parts['msgctxt']}\x04{parts['msgid']}" if parts["msgctxt"] else parts["msgid"]
        entries.append((msgid, parts["msgstr"], "#, fuzzy" in block))
    return entries


def test_every_message_has_an_indonesian_translation():
    entries = _entries((LOCALE / "django.po").read_text(encoding="utf-8"))
    assert len(entries) > 50
    untranslated = [msgid for msgid, msgstr, fuzzy in entries[1:] if not msgstr or fuzzy]
    assert untranslated == []


def test_compiled_catalogue_matches_its_source():
    """The .mo in the repository was compiled from the current .po (`make messages`)."""
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    entries = _entries((LOCALE / "django.po").read_text(encoding="utf-8"))[1:]
    stale = [msgid for msgid, msgstr, _fuzzy in entries if _compiled(catalogue, msgid) != msgstr]
    assert stale == []


def _compiled(catalogue: gettext.GNUTranslations, msgid: str) -> str:
    context, _sep, text = msgid.rpartition("\x04")
    return catalogue.pgettext(context, text) if context else catalogue.gettext(text)
