"""Reading shops' CSV exports: delimiters, BOM, Indonesian money and dates, messy rows with
their errors (row, column, message), and file-level limits."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from sapa.commerce.csv_import import CellError, parse_money, parse_orders_csv, parse_status
from sapa.commerce.exceptions import InvalidImportFile

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def parse(text: str, *, max_rows: int = 100):
    return parse_orders_csv(text.encode("utf-8"), max_rows=max_rows, zone=WIB)


def test_semicolons_bom_indonesian_headers_money_and_dates():
    # given: an export from a spreadsheet, with a BOM and Indonesian headers
    content = (
        "\ufeffNo Pesanan;Nama Pembeli;No HP;Status;Total Harga;Tanggal Pesanan;Kurir;Resi;"
        "Catatan\n"
        'INV-1;Rina;0812-9876-5432;Dikirim;"Rp150.000";23/11/2026 14:30;J&T;JT001;hadiah\n'
    ).encode()
    # when
    parsed = parse_orders_csv(content, max_rows=10, zone=WIB)
    # then
    assert parsed.delimiter == ";"
    assert parsed.ignored_columns == ["Catatan"]
    [row] = parsed.rows
    assert row.errors == ()
    order = row.order
    assert (order.number, order.customer_name, order.status, order.total_minor) == (
        "INV-1",
        "Rina",
        "shipped",
        150000,
    )
    assert order.customer_addresses[0].value == "+6281298765432"
    assert order.placed_at == datetime(2026, 11, 23, 14, 30, tzinfo=WIB)
    assert order.items is None  # no items column: the stored items stay
    [parcel] = order.shipments
    assert (parcel.carrier, parcel.tracking_number) == ("J&T", "JT001")


def test_commas_iso_dates_items_and_status_at():
    parsed = parse(
        "number,email,status,total,currency,placed_at,status_at,items\n"
        'A-1,Budi@Example.com,paid,"1,250.50",USD,2026-11-23T14:30:00Z,2026-11-23 15:00,'
        '"2x Laskar Pelangi @ 89.000 | Bumi Manusia"\n'
    )
    order = parsed.rows[0].order
    assert parsed.delimiter == ","
    assert order.customer_addresses[0].value == "budi@example.com"
    assert (order.total_minor, order.currency) == (125050, "USD")
    assert order.status_at == datetime(2026, 11, 23, 15, 0, tzinfo=WIB)
    assert order.items == [
        {"sku": "", "name": "Laskar Pelangi", "quantity": 2, "unit_price_minor": 8900000},
        {"sku": "", "name": "Bumi Manusia", "quantity": 1, "unit_price_minor": 0},
    ]


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("150000", 150000),
        ("150.000", 150000),
        ("Rp150.000", 150000),
        ("Rp 150.000,-", 150000),
        ("IDR 1.250.000,00", 1250000),
        ("150,000", 150000),
        ("\u00a0Rp\u00a075.500 ", 75500),
    ],
)
def test_rupiah_amounts(text, minor):
    assert parse_money(text) == minor


@pytest.mark.parametrize("text", ["", "gratis", "-5000", "150.000,50", "1.5"])
def test_amounts_that_are_refused(text):
    with pytest.raises(CellError):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "status"),
    [("in_transit", "in_transit"), ("In Transit", "in_transit"), ("Pesanan Selesai", "delivered"),
     ("dibatalkan", "cancelled"), ("Belum Bayar", "placed"), ("LUNAS", "paid")],
)  # fmt: skip
def test_status_words(text, status):
    assert parse_status(text) == status


def test_each_bad_row_gets_its_errors_and_the_good_rows_survive():
    parsed = parse(
        "number,customer_name,email,phone,status,total,placed_at,carrier,tracking_number\n"
        "OK-1,Rina,rina@example.com,,paid,150000,2026-11-23,,\n"
        ",Tanpa Nomor,x@example.com,,paid,1,2026-11-23,,\n"
        "BAD-2,Budi,bukan-email,,teleported,gratis,kemarin,JNE,\n"
        "BAD-3,Sari,,,paid,1000,2026-11-23,,RESI1\n"
        "\n"
        "OK-1,Rina,rina@example.com,,paid,150000,2026-11-23,,\n"
        "OK-2,Andi,,0811-2222-3333,delivered,Rp99.000,24/11/2026 08:00,SiCepat,SC1\n"
    )
    good = [row.order.number for row in parsed.rows if row.order]
    assert good == ["OK-1", "OK-2"]
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [
        (3, "number", "The order number is missing."),
        (4, "status", "Unknown status “teleported”; use one of: placed, paid, packed, shipped, "
                      "in_transit, delivered, returned, cancelled."),
        (4, "total", "“gratis” is not an amount; write e.g. 150000 or Rp150.000."),
        (4, "placed_at",
         "“kemarin” is not a date; write e.g. 2026-11-23 14:30 or 23/11/2026 14:30."),
        (4, "email", "Enter a valid email address."),
        (4, "tracking_number", "The tracking number is missing."),
        (5, "email", "Give the customer's email or phone number."),
        (5, "carrier", "Say which carrier ships it."),
        (7, "number", "Order OK-1 is already on row 2."),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty or has no header row."),
        (b"number,status,total\nA,paid,1\n",
         "Required columns are missing: placed_at, email / phone."),
        ("number;status;total;placed_at;email\nA;paid;1;2026-11-23;é\n".encode("latin-1"),
         "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
    ],
)  # fmt: skip
def test_files_that_cannot_be_read_at_all(content, message):
    with pytest.raises(InvalidImportFile) as raised:
        parse_orders_csv(content, max_rows=10, zone=WIB)
    assert str(raised.value.message) == message
    assert raised.value.loc == ["file"]


def test_too_many_rows_is_a_clear_error():
    rows = "".join(f"N{i},a{i}@example.com,paid,1,2026-11-23\n" for i in range(4))
    with pytest.raises(InvalidImportFile) as raised:
        parse("number,email,status,total,placed_at\n" + rows, max_rows=3)
    assert (
        str(raised.value.message) == "The file has more than 3 rows; split it into smaller files."
    )
