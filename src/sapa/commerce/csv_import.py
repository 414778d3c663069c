"""Reading a shop's CSV export of orders into OrderData, row by row, without touching the
database.

What it accepts (docs/orders.md#csv-import): `,`, `;` or tab as delimiter; UTF-8 with or
without a byte-order mark; headers in English or Indonesian ("No Pesanan", "Resi"); money as
"150000", "150.000", "Rp150.000", "Rp 150.000,-" or "1,250.50"; dates as ISO 8601 or
"23/11/2026 14:30" (day first), local time in the shop's zone unless an offset is given;
statuses as Sapa's codes or the usual Indonesian words ("dikirim", "selesai"). Each row is
checked on its own: a bad row gets its errors (row number as a spreadsheet shows it, column,
message) and never stops the others.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sapa.channels.kinds import IdentityKind
from sapa.channels.messages import Address
from sapa.commerce.actions import OrderData, ShipmentData
from sapa.commerce.exceptions import InvalidImportFile
from sapa.commerce.models import OrderStatus, ShipmentStatus
from sapa.customers.addresses import InvalidAddress, normalise_address

# Canonical column -> the headers that mean it (compared after `_header_key`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("number", "order_number", "order_no", "order_id", "no_pesanan", "nomor_pesanan",
               "no_order", "invoice", "no_invoice", "nomor_invoice"),
    "customer_name": ("customer_name", "name", "customer", "nama", "nama_pembeli",
                      "nama_pelanggan", "buyer_name", "pembeli"),
    "email": ("email", "e_mail", "customer_email", "email_pembeli"),
    "phone": ("phone", "phone_number", "customer_phone", "telepon", "no_telepon", "no_hp",
              "nomor_hp", "hp", "whatsapp", "wa", "no_wa", "telepon_pembeli"),
    "status": ("status", "order_status", "status_pesanan"),
    "total": ("total", "total_minor", "amount", "total_harga", "total_pembayaran",
              "total_bayar", "jumlah", "grand_total"),
    "currency": ("currency", "mata_uang"),
    "placed_at": ("placed_at", "order_date", "ordered_at", "created_at", "tanggal",
                  "tanggal_pesanan", "waktu_pesanan", "tanggal_order", "waktu_pembuatan"),
    "status_at": ("status_at", "status_date", "updated_at", "waktu_status", "tanggal_status"),
    "items": ("items", "products", "produk", "barang", "nama_produk"),
    "carrier": ("carrier", "courier", "kurir", "ekspedisi", "jasa_kirim", "jasa_pengiriman"),
    "tracking_number": ("tracking_number", "tracking", "resi", "no_resi", "nomor_resi", "awb",
                        "no_awb"),
}  # fmt: skip
REQUIRED = ("number", "status", "total", "placed_at")

# Status words shops use -> Sapa's status (compared after `_words`).
STATUS_WORDS: dict[str, OrderStatus] = {
    **{status.value.replace("_", " "): status for status in OrderStatus},
    "canceled": OrderStatus.CANCELLED,
    "new": OrderStatus.PLACED,
    "baru": OrderStatus.PLACED,
    "dipesan": OrderStatus.PLACED,
    "belum bayar": OrderStatus.PLACED,
    "belum dibayar": OrderStatus.PLACED,
    "menunggu pembayaran": OrderStatus.PLACED,
    "dibayar": OrderStatus.PAID,
    "sudah dibayar": OrderStatus.PAID,
    "lunas": OrderStatus.PAID,
    "diproses": OrderStatus.PACKED,
    "dikemas": OrderStatus.PACKED,
    "sedang dikemas": OrderStatus.PACKED,
    "dikirim": OrderStatus.SHIPPED,
    "sedang dikirim": OrderStatus.IN_TRANSIT,
    "dalam pengiriman": OrderStatus.IN_TRANSIT,
    "dalam perjalanan": OrderStatus.IN_TRANSIT,
    "diterima": OrderStatus.DELIVERED,
    "terkirim": OrderStatus.DELIVERED,
    "sampai": OrderStatus.DELIVERED,
    "selesai": OrderStatus.DELIVERED,
    "pesanan selesai": OrderStatus.DELIVERED,
    "dikembalikan": OrderStatus.RETURNED,
    "retur": OrderStatus.RETURNED,
    "pengembalian": OrderStatus.RETURNED,
    "dibatalkan": OrderStatus.CANCELLED,
    "batal": OrderStatus.CANCELLED,
}

# Digits after the decimal point of a currency's minor unit (ISO 4217, except that Sapa
# stores rupiah without cents, as shops price them).
CURRENCY_DIGITS = {"IDR": 0, "JPY": 0, "KRW": 0, "VND": 0}

DAY_FIRST_FORMATS = (
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H.%M", "%d/%m/%Y",
    "%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y",
)  # fmt: skip


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ParsedRow:
    row: int
    order: OrderData | None
    errors: tuple[RowError, ...] = ()
    # The order number as written, also for a row with errors (to show which it was).
    number: str = ""


@dataclass
class ParsedFile:
    rows: list[ParsedRow]
    delimiter: str
    columns: dict[str, str]  # canonical -> the header as written
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the person who fixes it."""


def parse_orders_csv(content: bytes, *, max_rows: int, zone: tzinfo | None = None) -> ParsedFile:
    """Every row of the CSV `content` as an OrderData or its errors.

    Raises InvalidImportFile (loc ["file"]) when the file as a whole cannot be read: not
    UTF-8, no header, a required column missing, more than `max_rows` rows.
    """
    local_zone = zone or timezone.get_default_timezone()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidImportFile(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from error
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise InvalidImportFile(_("The file is empty or has no header row."))
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise InvalidImportFile(_("The file is empty or has no header row.")) from error
    positions, columns, ignored = _map_header(header)
    missing = [name for name in REQUIRED if name not in positions]
    if "email" not in positions and "phone" not in positions:
        missing.append("email / phone")
    if missing:
        raise InvalidImportFile(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows: list[ParsedRow] = []
    seen: dict[str, int] = {}
    try:
        for row_number, cells in _numbered(reader):
            if len(rows) >= max_rows:
                raise InvalidImportFile(
                    _("The file has more than %(limit)d rows; split it into smaller files.")
                    % {"limit": max_rows}
                )
            values = {name: _cell(cells, index) for name, index in positions.items()}
            parsed = _parse_row(row_number, values, columns, local_zone)
            if parsed.order is not None:
                number = parsed.order.number
                if number in seen:
                    parsed = ParsedRow(
                        row_number,
                        None,
                        number=number,
                        errors=(
                            RowError(
                                row_number,
                                columns["number"],
                                _("Order %(number)s is already on row %(row)d.")
                                % {"number": number, "row": seen[number]},
                            ),
                        ),
                    )
                else:
                    seen[number] = row_number
            rows.append(parsed)
    except csv.Error as error:
        raise InvalidImportFile(
            _("The file is not valid CSV (%(reason)s).") % {"reason": str(error)}
        ) from error
    return ParsedFile(rows=rows, delimiter=delimiter, columns=columns, ignored_columns=ignored)


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def _map_header(header: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    lookup = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    positions: dict[str, int] = {}
    columns: dict[str, str] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        name = lookup.get(_header_key(title))
        if name is None or name in positions:
            if title.strip():
                ignored.append(title.strip())
            continue
        positions[name] = index
        columns[name] = title.strip()
    return positions, {name: columns.get(name, name) for name in COLUMNS}, ignored


def _numbered(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Data rows with their row number as a spreadsheet shows it (the header is row 1);
    blank rows are skipped."""
    for row_number, cells in enumerate(reader, start=2):
        if any(cell.strip() for cell in cells):
            yield row_number, cells


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _parse_row(
    row: int, values: dict[str, str], columns: dict[str, str], zone: tzinfo
) -> ParsedRow:
    errors: list[RowError] = []
    parsed: dict[str, Any] = {}

    def read(name: str, parse: Any) -> None:
        try:
            parsed[name] = parse(values.get(name, ""))
        except CellError as error:
            errors.append(RowError(row, columns[name], str(error)))

    read("number", _number)
    read("customer_name", lambda raw: raw[:200])
    read("status", parse_status)
    read("currency", _currency)
    currency = parsed.get("currency", "IDR")
    read("total", lambda raw: parse_money(raw, currency=currency))
    read("placed_at", lambda raw: parse_moment(raw, zone=zone, required=True))
    read("status_at", lambda raw: parse_moment(raw, zone=zone, required=False))
    read("items", lambda raw: parse_items(raw, currency=currency))
    addresses = _addresses(row, values, columns, errors)
    shipment = _shipment(row, values, columns, errors)
    if errors:
        return ParsedRow(row, None, tuple(errors), number=values.get("number", "")[:64])
    return ParsedRow(
        row,
        OrderData(
            number=parsed["number"],
            customer_addresses=addresses,
            customer_name=parsed["customer_name"],
            status=parsed["status"],
            status_at=parsed["status_at"],
            total_minor=parsed["total"],
            currency=currency,
            placed_at=parsed["placed_at"],
            items=parsed["items"],
            shipments=(shipment,) if shipment else (),
        ),
        number=parsed["number"],
    )


def _number(raw: str) -> str:
    if not raw:
        raise CellError(_("The order number is missing."))
    if len(raw) > 64:
        raise CellError(_("The order number is longer than 64 characters."))
    return raw


def _currency(raw: str) -> str:
    value = raw.upper() or "IDR"
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise CellError(_("Write the currency as three letters, e.g. IDR."))
    return value


def _addresses(
    row: int, values: dict[str, str], columns: dict[str, str], errors: list[RowError]
) -> tuple[Address, ...]:
    addresses: list[Address] = []
    for name, kind in (("email", IdentityKind.EMAIL), ("phone", IdentityKind.PHONE)):
        raw = values.get(name, "")
        if not raw:
            continue
        try:
            addresses.append(normalise_address(kind, raw))
        except InvalidAddress as error:
            errors.append(RowError(row, columns[name], error.message))
    if not addresses and not any(e.column in (columns["email"], columns["phone"]) for e in errors):
        errors.append(
            RowError(row, columns["email"], _("Give the customer's email or phone number."))
        )
    return tuple(addresses)


def _shipment(
    row: int, values: dict[str, str], columns: dict[str, str], errors: list[RowError]
) -> ShipmentData | None:
    carrier, tracking = values.get("carrier", ""), values.get("tracking_number", "")
    if not carrier and not tracking:
        return None
    if not tracking:
        errors.append(
            RowError(row, columns["tracking_number"], _("The tracking number is missing."))
        )
        return None
    if not carrier:
        errors.append(RowError(row, columns["carrier"], _("Say which carrier ships it.")))
        return None
    if len(carrier) > 32:
        errors.append(RowError(row, columns["carrier"], _("At most 32 characters.")))
        return None
    if len(tracking) > 64:
        errors.append(RowError(row, columns["tracking_number"], _("At most 64 characters.")))
        return None
    return ShipmentData(carrier=carrier, tracking_number=tracking, status=ShipmentStatus.PENDING)


def _words(raw: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", raw.lower()).split())


def parse_status(raw: str) -> OrderStatus:
    """ "Dikirim", "in_transit", "Pesanan Selesai" -> the order status."""
    if not raw:
        raise CellError(_("The status is missing."))
    status = STATUS_WORDS.get(_words(raw))
    if status is None:
        raise CellError(
            _("Unknown status “%(value)s”; use one of: %(choices)s.")
            % {"value": raw[:40], "choices": ", ".join(OrderStatus.values)}
        )
    return status


_ID_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_EN_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?")


def parse_money(raw: str, *, currency: str = "IDR") -> int:
    """An amount as shops write it, in minor units of `currency`: "Rp150.000" -> 150000 for
    IDR, "12.50" -> 1250 for USD. Raises CellError."""
    if not raw:
        raise CellError(_("The amount is missing."))
    text = re.sub(r"\s|\u00a0|\u202f", "", raw)
    text = re.sub(r"^(?:rp\.?|idr|usd|sgd|\$)", "", text, flags=re.IGNORECASE)
    text = re.sub(r",-$", "", text)
    if text.startswith("-"):
        raise CellError(_("The amount cannot be negative."))
    if _ID_THOUSANDS.fullmatch(text):
        whole, _sep, fraction = text.replace(".", "").partition(",")
    elif _EN_THOUSANDS.fullmatch(text):
        whole, _sep, fraction = text.replace(",", "").partition(".")
    elif _PLAIN.fullmatch(text):
        whole, _sep, fraction = text.replace(",", ".").partition(".")
    else:
        raise CellError(
            _("“%(value)s” is not an amount; write e.g. 150000 or Rp150.000.") % {"value": raw[:40]}
        )
    digits = CURRENCY_DIGITS.get(currency, 2)
    fraction = fraction.rstrip("0")
    if len(fraction) > digits:
        raise CellError(
            _("“%(value)s” has more decimals than %(currency)s allows.")
            % {"value": raw[:40], "currency": currency}
        )
    return int(whole) * 10**digits + int(fraction.ljust(digits, "0") or 0)


def parse_moment(raw: str, *, zone: tzinfo, required: bool) -> datetime | None:
    """ISO 8601 or "23/11/2026 14:30" (day first); local time in `zone` unless the text
    has an offset. Raises CellError."""
    if not raw:
        if required:
            raise CellError(_("The date is missing."))
        return None
    text = re.sub(r"\s*WIB$", "", raw)
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for pattern in DAY_FIRST_FORMATS:
            try:
                # Naive here, made aware in the shop's zone below.
                moment = datetime.strptime(text, pattern)  # noqa: DTZ007
                break
            except ValueError:
                continue
    if moment is None:
        raise CellError(
            _("“%(value)s” is not a date; write e.g. 2026-11-23 14:30 or 23/11/2026 14:30.")
            % {"value": raw[:40]}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone)
    return moment


_ITEM = re.compile(r"(?:(?P<quantity>\d+)\s*[x\u00d7*]\s+)?(?P<name>.+?)(?:\s*@\s*(?P<price>.+))?")


def parse_items(raw: str, *, currency: str = "IDR") -> list[dict[str, Any]] | None:
    """ "2x Laskar Pelangi @ 89.000 | 1x Bumi Manusia" -> item dicts; None for an empty cell
    (the stored items stay as they are). Items are separated by "|" or line breaks."""
    if not raw:
        return None
    items = []
    for part in re.split(r"[|\n]", raw):
        text = part.strip()
        if not text:
            continue
        match = _ITEM.fullmatch(text)
        assert match is not None  # the name group takes anything
        quantity = int(match["quantity"] or 1)
        if not 1 <= quantity <= 100_000:
            raise CellError(_("A quantity must be between 1 and 100000."))
        price = parse_money(match["price"], currency=currency) if match["price"] else 0
        items.append(
            {
                "sku": "",
                "name": match["name"].strip()[:300],
                "quantity": quantity,
                "unit_price_minor": price,
            }
        )
    return items or None
