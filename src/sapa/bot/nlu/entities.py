"""Identifiers in a customer's message: order numbers, tracking numbers, phones, emails.

Values come back normalised the way the rest of Sapa stores them: an order number as its
digits (an invoice number upper-case), a tracking number upper-case without spaces, a
phone number in E.164 (`+62…`), an email lower-case. One value per kind: the first seen.

What is *not* an identifier matters as much: amounts ("150rb", "Rp 240.000"), times
("jam 4"), counts and durations ("3 buku", "2 minggu") and years are left alone.
"""

import re

from sapa.customers.addresses import InvalidAddress, normalise_email, normalise_phone

ORDER_NUMBER = "order_number"
TRACKING_NUMBER = "tracking_number"
PHONE = "phone"
EMAIL = "email"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.I)
# Indonesian mobile numbers as people type them: 08…, +62 8…, 62 8…, grouped by spaces,
# dashes or dots. 9 to 13 digits after the country/trunk prefix.
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[\s.-]?8\d(?:[\s.-]?\d){6,11}(?![\w])")
# Invoice numbers: INV/2026/00123, INV-2026-00123, #INV202600123.
_INVOICE = re.compile(r"(?<![\w])#?(INV[-/]?\d{2,4}[-/]?\d{3,8})(?![\w])", re.I)
# Courier waybills: letters then many digits (JP1234567890, P2503110045678, JD0012…), or a
# long run of digits (10 to 20: longer than any order number, not a phone).
_WAYBILL_LETTERS = re.compile(r"(?<![\w#])([A-Z]{1,4}\d{9,18}[A-Z]{0,2})(?![\w])", re.I)
_LONG_DIGITS = re.compile(r"(?<![\w+#.,])(\d{10,20})(?![\w.,]\d|\w)")
# "#10045", or a bare 4- to 9-digit number. Its neighbours decide whether it is one.
_NUMBER = re.compile(r"(?<![\w.,/:+-])(#\s?)?(\d{4,9})(?![\w]|[.,:]\d|/\d|%)")
# Words after a number that make it an amount, a time, a count or a weight.
_UNIT_AFTER = re.compile(
    r"\s?(?:rb|ribu|rbu|k|jt|juta|rupiah|idr|perak|kg|gr|gram|g|km|m|cm|mm|jam|menit|"
    r"detik|hari|minggu|bulan|tahun|thn|th|x|kali|buku|pcs|eks|eksemplar|lembar|halaman|"
    r"hal|item|barang|poin|point|points|orang|an)\b",
    re.I,
)
# Words before a number that make it money or a year or a postcode.
_UNIT_BEFORE = re.compile(
    r"(?:rp\.?|idr|tahun|thn|th|kode\s?pos|kodepos|pos|poin|point|points|harga|total|"
    r"bayar|transfer|tf|saldo|nominal)\s?$",
    re.I,
)
# Words that say the next number is an order.
_ORDER_CONTEXT = re.compile(
    r"(?:order|orderan|pesanan|pesenan|psnan|invoice|inv|transaksi|trx|no|nomor|nmr|"
    r"number|nomer)\W{0,3}$",
    re.I,
)
_RESI_CONTEXT = re.compile(r"(?:resi|awb|waybill|tracking|no\.?\s?lacak)\W{0,6}$", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def extract_entities(text: str) -> dict[str, str]:
    """The identifiers in `text`, normalised (see the module docstring); {} when none."""
    found: dict[str, str] = {}
    for _start, _end, kind, value in _scan(text):
        found.setdefault(kind, value)
    return found


def extract_entity_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every identifier in `text`, in the order found."""
    return [(start, end, kind) for start, end, kind, _value in _scan(text)]


def _scan(text: str) -> list[tuple[int, int, str, str]]:
    taken: list[tuple[int, int, str, str]] = []

    def claim(kind: str, value: str, span: tuple[int, int]) -> None:
        taken.append((span[0], span[1], kind, value))

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= start or span[0] >= end for start, end, _k, _v in taken)

    for match in _EMAIL.finditer(text):
        try:
            claim(EMAIL, normalise_email(match.group(0)), match.span())
        except InvalidAddress:
            continue
    for match in _PHONE.finditer(text):
        if free(match.span()):
            claim(PHONE, _phone(match.group(0)), match.span())
    for match in _INVOICE.finditer(text):
        if free(match.span()):
            claim(ORDER_NUMBER, match.group(1).upper(), match.span())
    for pattern in (_WAYBILL_LETTERS, _LONG_DIGITS):
        for match in pattern.finditer(text):
            if free(match.span()):
                claim(TRACKING_NUMBER, match.group(1).upper(), match.span())
    for match in _NUMBER.finditer(text):
        if not free(match.span()):
            continue
        before, after = text[: match.start()], text[match.end() :]
        if _RESI_CONTEXT.search(before) and len(match.group(2)) >= 8:
            claim(TRACKING_NUMBER, match.group(2), match.span())
        elif _is_order_number(match, before, after):
            claim(ORDER_NUMBER, match.group(2), match.span())
    return taken


def _is_order_number(match: re.Match[str], before: str, after: str) -> bool:
    digits = match.group(2)
    if match.group(1):  # "#10045": written as a reference
        return True
    if _UNIT_AFTER.match(after) or _UNIT_BEFORE.search(before):
        return False
    if _ORDER_CONTEXT.search(before):
        return True
    # A bare number: an order when it is long enough not to be a count, and not a year.
    return len(digits) >= 5 and not _YEAR.match(digits)


def _phone(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidAddress:
        # A number the phone metadata does not know (yet) is still the customer's number.
        digits = re.sub(r"\D", "", raw)
        if digits.startswith("62"):
            digits = digits[2:]
        return "+62" + digits.lstrip("0")
