"""parse_email, headers and bytes: encoded words, addresses, ids and dates, what is not an
email, charsets and transfer encodings as clients really write them."""

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sapa.channels.email.parsing import MAX_RAW_BYTES, Mailbox, UnparseableEmail, parse_email
from tests.channels.email.wire import HEAD, mail, wire

# --- headers --------------------------------------------------------------------------


def test_a_plain_mail_is_read():
    """The everyday case: headers, text, nothing folded, nothing automatic."""
    parsed = parse_email(mail("Halo kak, pesanan INV-1001 belum sampai.\n"))

    assert parsed.message_id == "m1@gmail.test"
    assert parsed.subject == "Pesanan belum sampai"
    assert parsed.sender == Mailbox("Budi Santoso", "budi@gmail.test")
    assert parsed.to == (Mailbox("Toko Buku Sapa", "cs@tokobuku.test"),)
    assert parsed.cc == ()
    assert parsed.date == datetime(2026, 11, 23, 10, 12, 33, tzinfo=timezone(timedelta(hours=7)))
    assert parsed.text == "Halo kak, pesanan INV-1001 belum sampai."
    assert parsed.visible_text == parsed.text
    assert (parsed.html, parsed.attachments, parsed.refused) == ("", (), ())
    assert (parsed.auto_reply, parsed.bounce, parsed.is_calendar) == ("", None, False)
    assert parsed.defects == ()
    assert [name for name, _ in parsed.header_lines] == [
        "From",
        "To",
        "Subject",
        "Message-ID",
        "Date",
    ]


def test_encoded_words_are_decoded_across_charsets_and_breakage():
    """RFC 2047: words in several charsets, folding between words dropped, a character
    split over two words joined, an unknown charset guessed, bad padding tolerated."""
    headers = HEAD.replace(
        "Subject: Pesanan belum sampai",
        "Subject: =?utf-8?q?Pesanan_?= =?iso-8859-1?q?caf=E9?=\n"
        " =?x-unknown?b?IGJhZ3Vz?= =?utf-8?B?8J+Y?= =?utf-8?B?gA?=",
    ).replace("From: Budi Santoso", "From: =?UTF-8?B?QnVkaSDwn5iA?=")

    parsed = parse_email(mail("Halo.\n", headers=headers))

    assert parsed.subject == "Pesanan café bagus😀"
    assert parsed.sender == Mailbox("Budi 😀", "budi@gmail.test")
    truncated = HEAD.replace("Pesanan belum sampai", "=?utf-8?Q?Tagihan_ganda_=E2=80?=")
    assert parse_email(mail("Halo.\n", headers=truncated)).subject == "Tagihan ganda \ufffd"
    assert ("Subject", "Pesanan café bagus😀") in parsed.header_lines


def test_raw_8bit_headers_are_decoded():
    """Undeclared UTF-8 in headers (common from webmail scripts) reads as UTF-8."""
    raw = (
        "From: Sité Pengirim <budi@gmail.test>\r\nSubject: Pesanan — café\r\n\r\nHalo\r\n"
    ).encode()

    parsed = parse_email(raw)

    assert parsed.subject == "Pesanan — café"
    assert parsed.sender == Mailbox("Sité Pengirim", "budi@gmail.test")


def test_addresses_are_lower_cased_deduplicated_and_invalid_ones_dropped():
    headers = HEAD.replace(
        "To: Toko Buku Sapa <cs@tokobuku.test>",
        'To: "Santoso, Ani" <ANI@Example.TEST>, not-an-address, cs@tokobuku.test,\n'
        " undisclosed-recipients:;, <>, ani@example.test\n"
        "Cc: =?utf-8?q?Rudi_H=C3=A9?= <rudi@example.test>",
    )

    parsed = parse_email(mail("Halo.\n", headers=headers))

    assert parsed.to == (
        Mailbox("Santoso, Ani", "ani@example.test"),
        Mailbox("", "cs@tokobuku.test"),
    )
    assert parsed.cc == (Mailbox("Rudi Hé", "rudi@example.test"),)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Sender: Toko <Toko@Shop.test>", "toko@shop.test"),
        ("Reply-To: balas@shop.test", "balas@shop.test"),
        ("Return-Path: <bounce@shop.test>", "bounce@shop.test"),
    ],
)
def test_the_sender_falls_back_to_sender_reply_to_and_return_path(header, expected):
    raw = wire(f"From: nobody\n{header}\nSubject: x\n\nHalo\n")

    assert parse_email(raw).sender.address == expected


@pytest.mark.parametrize(
    "raw",
    [
        b"Subject: only a subject\r\n\r\nHalo\r\n",
        b"From: not an address\r\nReturn-Path: <>\r\n\r\nHalo\r\n",
    ],
)
def test_a_mail_without_a_sender_address_is_unparseable(raw):
    with pytest.raises(UnparseableEmail) as raised:
        parse_email(raw)
    assert raised.value.reason == "no sender address"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b" \r\n\r\n",
        bytes(range(256)) * 4,
        b"<!DOCTYPE html><html><body><p>Halo</p></body></html>",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b'{"from": "budi@gmail.test"}',
    ],
)
def test_what_is_not_an_email_is_unparseable(raw):
    with pytest.raises(UnparseableEmail):
        parse_email(raw)


def test_input_over_the_size_limit_is_unparseable():
    raw = mail("Halo.\n") + b"x" * MAX_RAW_BYTES

    with pytest.raises(UnparseableEmail) as raised:
        parse_email(raw)
    assert "50 MB" in raised.value.reason


def test_missing_headers_get_defaults_and_a_stable_synthetic_message_id():
    raw = wire("From: budi@gmail.test\n\nHalo\n")

    parsed = parse_email(raw)

    assert parsed.message_id == parse_email(raw).message_id
    assert parsed.message_id.startswith("sapa-")
    assert parsed.message_id.endswith("@missing-message-id")
    assert len(parsed.message_id.split("@")[0]) == len("sapa-") + 32
    assert (parsed.subject, parsed.to, parsed.date) == ("", (), None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon, 23 Nov 2026 10:12:33 -0000", datetime(2026, 11, 23, 10, 12, 33, tzinfo=UTC)),
        ("23 Nov 2026 10:12 GMT", datetime(2026, 11, 23, 10, 12, tzinfo=UTC)),
        ("2026-11-23T10:12:33+07:00", datetime(2026, 11, 23, 3, 12, 33, tzinfo=UTC)),
        ("kemarin sore", None),
        ("Mon, 23 Nov 2026 10:12:33 +9999", None),
    ],
)
def test_dates_are_aware_or_none(value, expected):
    parsed = parse_email(
        mail("Halo.\n", headers=HEAD.replace(HEAD.splitlines()[4], f"Date: {value}"))
    )

    assert parsed.date == expected
    assert parsed.date is None or parsed.date.tzinfo is not None


def test_reply_ids_are_read_in_order_without_brackets_and_duplicates():
    headers = HEAD + (
        "In-Reply-To: <a@shop.test> <b@shop.test>\n"
        "References: <a@shop.test>\n <b@shop.test> <a@shop.test>\tc@shop.test\n"
    )

    parsed = parse_email(mail("Halo.\n", headers=headers))

    assert parsed.in_reply_to == ("a@shop.test", "b@shop.test")
    assert parsed.references == ("a@shop.test", "b@shop.test")


def test_an_mbox_separator_line_and_a_byte_order_mark_are_tolerated():
    raw = b"\xef\xbb\xbfFrom budi@gmail.test Mon Nov 23 10:12:33 2026\r\n" + mail("Halo.\n")

    assert parse_email(raw).sender.address == "budi@gmail.test"


# --- charsets and transfer encodings ----------------------------------------------------


@pytest.mark.parametrize(
    ("label", "text", "codec"),
    [
        ("windows-1252", "Harga €15 \u2013 café", "cp1252"),
        ("cp-1252", "Harga €15 \u2013 café", "cp1252"),
        ("iso-8859-1", "Harga €15 \u2013 café", "cp1252"),
        ("windows-874", "สวัสดีครับ", "cp874"),
        ("ks_c_5601-1987", "안녕하세요 똠방각하", "cp949"),
        ("gb2312", "你好\uff0c谢谢 𠀀", "gb18030"),
        ("iso-8859-8-i", "שלום עולם", "iso-8859-8"),
        ("utf8mb4", "Terima kasih 🙏", "utf-8"),
        ("unicode-1-1-utf-7", "Terima kasih \u2013 café", "utf-7"),
        ("shift_jis", "ありがとう①", "cp932"),
        ("koi8-r", "Спасибо", "koi8-r"),
    ],
)
def test_charsets_and_their_mail_client_aliases_decode(label, text, codec):
    raw = mail("", content_type=f'text/plain; charset="{label}"') + text.encode(codec)

    parsed = parse_email(raw)

    assert parsed.text == text
    assert parsed.defects == ()


@pytest.mark.parametrize("label", ["x-unknown", "utf-9", "base64"])
def test_an_unknown_charset_is_guessed_and_noted(label):
    text = "Pesanan saya — nomor INV-1001 — belum sampai, mohon dibantu ya kak."
    raw = mail("", content_type=f"text/plain; charset={label}") + text.encode("utf-8")

    parsed = parse_email(raw)

    assert parsed.text == text
    assert any("unknown charset" in d for d in parsed.defects)


def test_undeclared_8bit_text_is_guessed_and_noted():
    text = (
        "Bonjour, je voudrais savoir où en est ma commande. Merci beaucoup pour votre aide, "
        "c'est très apprécié. À bientôt, Benoît\n"
    )
    raw = wire(HEAD + "\n") + text.encode("cp1252")

    parsed = parse_email(raw)

    assert parsed.text == text.strip()
    assert any("without a charset" in d for d in parsed.defects)


def test_a_few_invalid_bytes_are_replaced_rather_than_guessed():
    text = "Pesanan “INV-1001” — mohon dicek, terima kasih banyak kak. "
    raw = mail("", content_type="text/plain; charset=utf-8") + text.encode() + b"\xff"

    parsed = parse_email(raw)

    assert parsed.text == text + "\ufffd"
    assert parsed.defects == ("text/plain part: 1 bytes not valid utf-8, replaced",)


def test_8bit_text_labelled_ascii_or_latin1_is_read_as_what_it_is():
    ascii_label = mail("", content_type="text/plain; charset=us-ascii") + "Café".encode()
    latin1 = mail("", content_type="text/plain; charset=iso-8859-1") + b"Caf\xe9 \x81"

    assert parse_email(ascii_label).text == "Café"
    assert parse_email(ascii_label).defects == (
        "text/plain part: 8-bit text labelled us-ascii, read as UTF-8",
    )
    assert parse_email(latin1).text == "Café \x81"


def test_utf8_labelled_latin1_reads_as_utf8():
    raw = mail("", content_type="text/plain; charset=iso-8859-1") + "Café ☕".encode()

    assert parse_email(raw).text == "Café ☕"


def test_broken_base64_is_decoded_leniently_and_noted():
    encoded = base64.b64encode(b"Halo kak, ini bukti transfer.").decode().rstrip("=")
    raw = mail(
        f"{encoded[:20]}!!{encoded[20:]}\n",
        content_type="text/plain; charset=utf-8\nContent-Transfer-Encoding: base64",
    )

    parsed = parse_email(raw)

    assert parsed.text == "Halo kak, ini bukti transfer."
    assert any("base64" in d for d in parsed.defects)


def test_text_declared_base64_but_not_encoded_is_kept_as_is():
    raw = mail(
        "Halo kak, ini bukan base64 sama sekali.\n",
        content_type="text/plain\nContent-Transfer-Encoding: base64",
    )

    parsed = parse_email(raw)

    assert parsed.text == "Halo kak, ini bukan base64 sama sekali."
    assert any("not" in d and "base64" in d for d in parsed.defects)


def test_broken_quoted_printable_and_unknown_encodings_are_noted():
    qp = mail(
        "Harga =E2=82=AC15 =ZZ selesai=\n sekarang\n",
        content_type="text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
    )
    unknown = mail("Halo\n", content_type="text/plain\nContent-Transfer-Encoding: x-gzip64")

    assert parse_email(qp).text == "Harga €15 =ZZ selesai sekarang"
    assert any("quoted-printable" in d for d in parse_email(qp).defects)
    assert parse_email(unknown).text == "Halo"
    assert any("x-gzip64" in d for d in parse_email(unknown).defects)


def test_a_uuencoded_file_in_the_text_becomes_an_attachment():
    raw = mail("Terlampir:\n\nbegin 644 nota.txt\n%:&%L;&\\`\n`\nend\n\nTerima kasih\n")

    parsed = parse_email(raw)

    assert [(a.filename, a.content) for a in parsed.attachments] == [("nota.txt", b"hallo")]
    assert "begin 644" not in parsed.text
    assert "Terima kasih" in parsed.text


@pytest.mark.parametrize(
    "body", ["begin 644 a.txt\n", "begin 644 a.txt\nbegin 644 b.txt\n%:&%L\n", "begin 644 c\n\nx"]
)
def test_a_cut_off_uuencoded_block_stays_text(body):
    parsed = parse_email(mail(body))

    assert (parsed.text, parsed.attachments) == (body.strip(), ())
