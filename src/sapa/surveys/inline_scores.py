"""Reading a score the customer typed in the conversation instead of opening the link.

Only a message that is nothing but a score counts: "5", "4/5", "9/10", "5️⃣", "🔟", or one
to five stars ("⭐⭐⭐⭐", "★★★★★") on a 1-5 scale; a trailing "." or "!" is allowed. Words
("puas", "mantap", "5 hari lagi") are not scores: a customer who writes a sentence is
talking to the agent, and the message stays an ordinary reply.
"""

import re

_VARIATION_SELECTOR = "\ufe0f"
_KEYCAP = "\u20e3"
_KEYCAP_TEN = "\U0001f51f"
_STARS = frozenset("⭐★🌟")
_NUMBER = re.compile(r"^(\d{1,2})(?:\s*/\s*(\d{1,2}))?$")


def parse_inline_score(text: str, *, scale: tuple[int, int]) -> int | None:
    """The score `text` is, on `scale` (lowest, highest), or None when it is not one."""
    low, high = scale
    cleaned = text.replace(_VARIATION_SELECTOR, "").strip().rstrip(".!").strip()
    if not cleaned or len(cleaned) > 12:
        return None
    if cleaned == _KEYCAP_TEN:
        score = 10
    elif len(cleaned) == 2 and cleaned[1] == _KEYCAP and cleaned[0].isdigit():
        score = int(cleaned[0])
    elif set(cleaned.replace(" ", "")) <= _STARS:
        if high != 5:
            return None
        score = len(cleaned.replace(" ", ""))
    else:
        found = _NUMBER.match(cleaned)
        if found is None or not found.group(1).isascii():
            return None
        if found.group(2) is not None and int(found.group(2)) != high:
            return None
        score = int(found.group(1))
    return score if low <= score <= high else None
