"""The texts of the after-sale messages: built-in defaults per language, the placeholders a
shop may use in its own, and filling them in.

The texts are content in the customer's language (Customer.language "id" or "en"), kept per
language on AfterSaleSettings; an empty one means the default below. They are not gettext
strings: the message goes to the customer in their language whatever language the agent's
console speaks. Placeholders are `{name}` style; only the names in PLACEHOLDERS are known,
and they are replaced as plain text (no format-string attribute access).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sapa.core.exceptions import InvalidInput

LANGUAGES = ("id", "en")


class Template(StrEnum):
    THANK_YOU = "thank_you"
    PROMO = "promo"
    REVIEW = "review"
    WIN_BACK = "win_back"


PLACEHOLDERS = (
    "name",
    "shop",
    "order_number",
    "promo_code",
    "promo_discount",
    "promo_expires",
    "promo_min_order",
    "review_link",
)
# A text of this kind is no use without these.
REQUIRED = {Template.PROMO: ("promo_code",), Template.REVIEW: ("review_link",)}

_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")

DEFAULT_TEXTS: dict[tuple[Template, str], str] = {
    (Template.THANK_YOU, "id"): (
        "Halo {name}, pesanan {order_number} sudah sampai. Terima kasih sudah berbelanja di "
        "{shop}! Semoga suka dengan pesanannya."
    ),
    (Template.THANK_YOU, "en"): (
        "Hi {name}, your order {order_number} has arrived. Thank you for shopping at {shop}! "
        "We hope you enjoy it."
    ),
    (Template.PROMO, "id"): (
        "Sebagai ucapan terima kasih, pakai kode {promo_code} untuk potongan {promo_discount} "
        "di pesanan berikutnya (berlaku sampai {promo_expires})."
    ),
    (Template.PROMO, "en"): (
        "As a thank-you, use the code {promo_code} for {promo_discount} off your next order "
        "(valid until {promo_expires})."
    ),
    (Template.REVIEW, "id"): (
        "Halo {name}, bagaimana pesanan {order_number}? Kami senang sekali kalau Anda mau "
        "berbagi ulasan singkat di sini: {review_link}"
    ),
    (Template.REVIEW, "en"): (
        "Hi {name}, how is your order {order_number}? We would love a short review from you: "
        "{review_link}"
    ),
    (Template.WIN_BACK, "id"): (
        "Halo {name}, sudah lama tidak mampir ke {shop}. Banyak yang baru di toko kami — "
        "kami tunggu kedatangannya lagi!"
    ),
    (Template.WIN_BACK, "en"): (
        "Hi {name}, it has been a while since you last visited {shop}. There is plenty new "
        "in our shop — we would love to see you again!"
    ),
}
# Added to the default promo sentence when codes need a minimum order.
DEFAULT_MIN_ORDER = {
    "id": " Minimal belanja {promo_min_order}.",
    "en": " Minimum order {promo_min_order}.",
}
SUBJECTS: dict[tuple[Template, str], str] = {
    (Template.THANK_YOU, "id"): "Terima kasih, pesanan {order_number} sudah sampai",
    (Template.THANK_YOU, "en"): "Thank you — order {order_number} has arrived",
    (Template.REVIEW, "id"): "Bagaimana pesanan {order_number}?",
    (Template.REVIEW, "en"): "How is your order {order_number}?",
    (Template.WIN_BACK, "id"): "Kami kangen, {name}!",
    (Template.WIN_BACK, "en"): "We miss you, {name}!",
}
# The name when the customer gave none: "Halo Kak", "Hi there".
NO_NAME = {"id": "Kak", "en": "there"}


def language_of(code: str) -> str:
    """The text language for a customer's language code: "en" or else Indonesian."""
    return "en" if (code or "").lower().startswith("en") else "id"


def placeholders_in(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def check_template(template: Template, text: str, *, loc: list[str | int]) -> str:
    """`text` stripped, when its placeholders are known and it has the ones its kind needs
    (an empty text is fine: the default is used). Raises InvalidInput naming `loc`."""
    text = text.strip()
    if not text:
        return ""
    unknown = sorted({name for name in placeholders_in(text) if name not in PLACEHOLDERS})
    if unknown:
        raise InvalidInput(
            _("Unknown placeholder %(names)s; use %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
            loc=loc,
        )
    missing = [name for name in REQUIRED.get(template, ()) if f"{{{name}}}" not in text]
    if missing:
        raise InvalidInput(
            _("The text must contain %(names)s.")
            % {"names": ", ".join(f"{{{name}}}" for name in missing)},
            loc=loc,
        )
    return text


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each known `{placeholder}` in `text` with its value; anything else stays."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def format_money(amount_minor: int, currency: str) -> str:
    """189000 IDR -> "Rp189.000"; other currencies with two decimals."""
    if currency == "IDR":
        return "Rp" + f"{amount_minor:,}".replace(",", ".")
    return f"{currency} {amount_minor / 100:,.2f}"


def format_date(moment: datetime, language: str) -> str:
    """A day in the shop's time zone, in words of `language`: "31 Desember 2026"."""
    with translation.override(language):
        return date_format(timezone.localtime(moment), "j F Y")


@dataclass(frozen=True)
class CodeFacts:
    """What the promo placeholders say about an issued code."""

    code: str
    discount_percent: int | None
    discount_minor: int | None
    currency: str
    min_order_minor: int
    expires_at: datetime

    def values(self, language: str) -> dict[str, str]:
        if self.discount_percent is not None:
            discount = f"{self.discount_percent}%"
        else:
            discount = format_money(self.discount_minor or 0, self.currency)
        return {
            "promo_code": self.code,
            "promo_discount": discount,
            "promo_expires": format_date(self.expires_at, language),
            "promo_min_order": format_money(self.min_order_minor, self.currency),
        }


def promo_sentence(custom: str, facts: CodeFacts, language: str) -> str:
    """The sentence about the code: the shop's own, or the default (naming the minimum
    order when there is one)."""
    text = custom or DEFAULT_TEXTS[(Template.PROMO, language)]
    if not custom and facts.min_order_minor > 0:
        text += DEFAULT_MIN_ORDER[language]
    return fill(text, facts.values(language))
