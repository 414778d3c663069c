"""The JSON bodies of Cloud API messages (format only): text, media by uploaded id,
interactive reply buttons and lists for the bot's choices, and templates.

Limits from Meta's reference: a text body of 4096 characters, an interactive body or a
caption of 1024, at most 3 reply buttons with titles of 20 characters, a list of at most 10
rows with titles of 24 characters (descriptions 72), row ids of 200.
"""

from typing import Any

from django.utils.translation import gettext as _

MAX_TEXT_CHARS = 4096
MAX_BODY_CHARS = 1024
MAX_CAPTION_CHARS = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE_CHARS = 20
MAX_ROWS = 10
MAX_ROW_TITLE_CHARS = 24
MAX_ROW_DESCRIPTION_CHARS = 72
MAX_ID_CHARS = 200
IMAGE_TYPES = ("image/jpeg", "image/png")
VIDEO_TYPES = ("video/mp4", "video/3gpp")
AUDIO_TYPES = ("audio/aac", "audio/mp4", "audio/mpeg", "audio/amr", "audio/ogg")


def text_payloads(text: str) -> list[dict[str, Any]]:
    """One text message, or several when `text` is longer than WhatsApp takes."""
    return [
        {"type": "text", "text": {"body": chunk, "preview_url": "http" in chunk}}
        for chunk in split_text(text, MAX_TEXT_CHARS)
    ]


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at a line end or a space when
    there is one in the second half of the piece."""
    pieces, rest = [], text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit))
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def _shortened(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def choice_payloads(text: str, buttons: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The bot's text with its choices: reply buttons when there are at most three with
    short labels, else a list (the first ten). A text longer than an interactive body goes
    first as a text message of its own."""
    choices = [
        b for b in buttons if isinstance(b, dict) and str(b.get("value", "")) and b.get("label")
    ]
    choices = list({str(b["value"])[:MAX_ID_CHARS]: b for b in choices}.values())[:MAX_ROWS]
    if not choices:
        return text_payloads(text)
    before: list[dict[str, Any]] = []
    body = text.strip()
    if not body or len(body) > MAX_BODY_CHARS:
        before = text_payloads(body) if body else []
        body = _("Choose an option:")
    if len(choices) <= MAX_BUTTONS and all(
        len(str(b["label"])) <= MAX_BUTTON_TITLE_CHARS for b in choices
    ):
        action: dict[str, Any] = {
            "buttons": [
                {
                    "type": "reply",
                    "reply": {"id": str(b["value"])[:MAX_ID_CHARS], "title": str(b["label"])},
                }
                for b in choices
            ]
        }
        interactive = {"type": "button", "body": {"text": body}, "action": action}
    else:
        interactive = {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": _shortened(str(_("Choose")), MAX_BUTTON_TITLE_CHARS),
                "sections": [{"rows": [_row(b) for b in choices]}],
            },
        }
    return [*before, {"type": "interactive", "interactive": interactive}]


def _row(button: dict[str, str]) -> dict[str, str]:
    label = " ".join(str(button["label"]).split())
    row = {
        "id": str(button["value"])[:MAX_ID_CHARS],
        "title": _shortened(label, MAX_ROW_TITLE_CHARS),
    }
    if len(label) > MAX_ROW_TITLE_CHARS:
        row["description"] = _shortened(label, MAX_ROW_DESCRIPTION_CHARS)
    return row


def media_kind(content_type: str) -> str:
    """How WhatsApp carries a file of this type: image, video, audio or document."""
    content_type = content_type.split(";")[0].strip().lower()
    if content_type in IMAGE_TYPES:
        return "image"
    if content_type in VIDEO_TYPES:
        return "video"
    if content_type in AUDIO_TYPES:
        return "audio"
    return "document"


def media_payload(
    kind: str, media_id: str, *, caption: str = "", filename: str = ""
) -> dict[str, Any]:
    media: dict[str, str] = {"id": media_id}
    if caption and kind != "audio":
        media["caption"] = caption
    if kind == "document" and filename:
        media["filename"] = filename
    return {"type": kind, kind: media}


def template_payload(template: dict[str, Any]) -> dict[str, Any]:
    """A template message from meta["whatsapp_template"] ({name, language, components})."""
    body: dict[str, Any] = {
        "name": str(template["name"]),
        "language": {"code": str(template["language"])},
    }
    components = template.get("components")
    if components:
        body["components"] = components
    return {"type": "template", "template": body}
