"""Identifiers in customer messages, normalised the way Sapa stores them, and the numbers
that are not identifiers (amounts, times, counts, years) left alone."""

import pytest

from sapa.bot.nlu import extract_entities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min cek pesanan 20417 dong", {"order_number": "20417"}),
        ("order #38815 kok belum dikirim", {"order_number": "38815"}),
        ("status #inv-2025-00912?", {"order_number": "INV-2025-00912"}),
        ("invoice INV/2024/31170 sudah lunas", {"order_number": "INV/2024/31170"}),
        ("pesanan no. 4471 gimana", {"order_number": "4471"}),
        ("resi JT0088123456 nyangkut", {"tracking_number": "JT0088123456"}),
        ("resi p2411200012345", {"tracking_number": "P2411200012345"}),
        ("resi sicepat 003344556677", {"tracking_number": "003344556677"}),
        ("no resi 1120098765432109 jne", {"tracking_number": "1120098765432109"}),
        ("wa saya 0812-3344-5566", {"phone": "+6281233445566"}),
        ("telpon ke +62 857 1100 2233 ya", {"phone": "+6285711002233"}),
        ("hubungi 6289912345678", {"phone": "+6289912345678"}),
        ("email saya Budi.Santoso@Mail.co.id", {"email": "budi.santoso@mail.co.id"}),
    ],
)
def test_identifiers_are_found_and_normalised(text: str, expected: dict[str, str]) -> None:
    assert extract_entities(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "sudah transfer 150000 tapi belum dikonfirmasi",
        "total Rp 240.000, bisa cicil?",
        "ongkir 25rb ke bandung",
        "dikirim jam 4 sore ya",
        "beli 3 buku dapet diskon?",
        "udah nunggu 2 minggu",
        "buku terbitan tahun 2019 masih ada?",
        "dapat 12000 poin dari mana",
        "kode pos 40115",
        "diskon 15% berlaku sampai kapan",
    ],
)
def test_amounts_times_counts_and_years_are_not_identifiers(text: str) -> None:
    assert extract_entities(text) == {}


def test_several_kinds_in_one_message_one_value_each() -> None:
    text = "pesanan 51234 atas nama sari, email Sari@Example.com, hp 081122334455"
    assert extract_entities(text) == {
        "order_number": "51234",
        "email": "sari@example.com",
        "phone": "+6281122334455",
    }


def test_a_phone_number_is_not_read_as_an_order_or_a_waybill() -> None:
    assert extract_entities("nomor saya 085612345678") == {"phone": "+6285612345678"}
