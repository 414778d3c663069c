"""parse_email, MIME structure: text and sanitised HTML, inline images and attachments,
signed, forwarded, calendar and TNEF parts, the attachment limits, broken boundaries."""

import base64

import pytest

from sapa.channels.email.parsing import parse_email
from tests.channels.email.wire import mail

# --- structure ------------------------------------------------------------------------

MIXED = 'multipart/mixed; boundary="b1"'


def test_an_alternative_keeps_the_text_and_the_sanitised_html():
    raw = mail(
        """
        --b1
        Content-Type: text/plain; charset=utf-8

        Halo *kak*
        --b1
        Content-Type: text/html; charset=utf-8

        <html><head><style>p {color: red}</style><script>alert(1)</script></head>
        <body><p onclick="steal()">Halo <b>kak</b></p></body></html>
        --b1--
        """,
        content_type='multipart/alternative; boundary="b1"',
    )

    parsed = parse_email(raw)

    assert parsed.text == "Halo *kak*"
    assert parsed.html == "<p>Halo <b>kak</b></p>"


def test_sanitising_keeps_formatting_and_only_safe_urls():
    html = (
        '<table border="1"><tr><td colspan="2" style="color:red">Sel</td></tr></table>'
        '<a href="javascript:alert(1)">x</a> <a href="mailto:cs@tokobuku.test">mail</a> '
        '<a href="https://tokobuku.test/p" target="_blank">web</a> '
        '<img src="cid:logo@sapa"> <img src="https://cdn.test/a.png"> '
        '<img src="data:image/png;base64,iVBORw0KGgo="> <img src="http://tracker.test/p.gif"> '
        '<img src="data:text/html;base64,PHNjcmlwdD4="><iframe src="https://x.test"></iframe>'
    )

    parsed = parse_email(mail(html, content_type="text/html; charset=utf-8"))

    assert parsed.html == (
        '<table border="1"><tbody><tr><td colspan="2">Sel</td></tr></tbody></table>'
        '<a rel="noopener noreferrer nofollow">x</a> '
        '<a href="mailto:cs@tokobuku.test" rel="noopener noreferrer nofollow">mail</a> '
        '<a href="https://tokobuku.test/p" rel="noopener noreferrer nofollow">web</a> '
        '<img src="cid:logo@sapa"> <img src="https://cdn.test/a.png"> '
        '<img src="data:image/png;base64,iVBORw0KGgo="> <img> <img>'
    )


def test_html_only_mail_gets_readable_text():
    html = """
        <html><head><title>Pesanan</title><style>.x{}</style></head><body>
        <h1>Pesanan   Anda</h1><p>Halo kak,<br>terima&nbsp;kasih.</p>
        <ul><li>Buku A</li><li>Buku <b>B</b></li></ul>
        <p>Lacak di <a href="https://tokobuku.test/lacak">sini</a> atau
        <a href="https://tokobuku.test">https://tokobuku.test/</a>.</p>
        <script>var x = 1;</script>
        <div>Pada Sen, 3 Nov 2026 Budi &lt;budi@gmail.test&gt; menulis:</div>
        <blockquote><p>Pesanan saya mana?</p></blockquote>
        </body></html>
    """

    parsed = parse_email(mail(html, content_type="text/html; charset=utf-8"))

    assert parsed.text == (
        "Pesanan Anda\n\nHalo kak,\nterima kasih.\n\n- Buku A\n- Buku B\n\n"
        "Lacak di sini (https://tokobuku.test/lacak) atau https://tokobuku.test/.\n\n"
        "Pada Sen, 3 Nov 2026 Budi <budi@gmail.test> menulis:\n\n> Pesanan saya mana?"
    )
    assert parsed.visible_text.endswith("atau https://tokobuku.test/.")


def test_html_tables_and_preformatted_text_read_as_lines():
    html = (
        "<table><tr><th>Judul</th><th>Qty</th></tr><tr><td>Buku A</td><td>2</td></tr></table>"
        "<pre>  kode   123\n  resi   456</pre><p>Salam</p>"
    )

    text = parse_email(mail(html, content_type="text/html")).text

    assert text == "Judul Qty\nBuku A 2\n\n  kode   123\n  resi   456\n\nSalam"


def test_related_images_shown_by_the_html_are_inline():
    png = base64.b64encode(b"\x89PNG fake").decode()
    raw = mail(
        f"""
        --b1
        Content-Type: text/html; charset=utf-8

        <p>Foto paket: <img src="cid:foto1@sapa"></p>
        --b1
        Content-Type: image/png; name="foto.png"
        Content-Transfer-Encoding: base64
        Content-ID: <foto1@sapa>
        Content-Disposition: inline; filename="foto.png"

        {png}
        --b1
        Content-Type: image/jpeg
        Content-Transfer-Encoding: base64
        Content-ID: <unused@sapa>

        {png}
        --b1--
        """,
        content_type='multipart/related; boundary="b1"',
    )

    parsed = parse_email(raw)

    assert [(a.filename, a.content_type, a.content_id, a.inline) for a in parsed.attachments] == [
        ("foto.png", "image/png", "foto1@sapa", True),
        ("attachment-2.jpg", "image/jpeg", "unused@sapa", False),
    ]
    assert parsed.attachments[0].content == b"\x89PNG fake"
    assert 'src="cid:foto1@sapa"' in parsed.html


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ("attachment; filename*=utf-8''Bukti%20transfer%20%E2%9C%93.pdf", "Bukti transfer ✓.pdf"),
        (
            "attachment; filename*0*=utf-8''Nota%20; filename*1=\"pembelian.pdf\"",
            "Nota pembelian.pdf",
        ),
        ('attachment; filename="=?utf-8?B?Tm90YSDinJMucGRm?="', "Nota ✓.pdf"),
        ('attachment; filename="C:\\\\Users\\\\budi\\\\Desktop\\\\nota.pdf"', "nota.pdf"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ("attachment", "attachment-1.pdf"),
    ],
)
def test_attachment_filenames_are_decoded_and_made_safe(disposition, expected):
    raw = mail(
        f"""
        --b1
        Content-Type: text/plain

        Terlampir.
        --b1
        Content-Type: application/pdf
        Content-Disposition: {disposition}

        %PDF-1.4
        --b1--
        """,
        content_type=MIXED,
    )

    parsed = parse_email(raw)

    assert [a.filename for a in parsed.attachments] == [expected]
    assert parsed.attachments[0].content == b"%PDF-1.4"
    assert parsed.text == "Terlampir."


def test_a_signed_mail_shows_the_signed_text_and_keeps_the_signature():
    raw = mail(
        """
        --b1
        Content-Type: text/plain; charset=utf-8

        Pesanan dikonfirmasi.
        --b1
        Content-Type: application/pgp-signature

        -----BEGIN PGP SIGNATURE-----
        --b1--
        """,
        content_type='multipart/signed; protocol="application/pgp-signature"; boundary="b1"',
    )

    parsed = parse_email(raw)

    assert parsed.text == "Pesanan dikonfirmasi."
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("signature.asc", "application/pgp-signature")
    ]


def test_a_forwarded_mail_attached_is_kept_as_eml_and_not_merged():
    raw = mail(
        """
        --b1
        Content-Type: text/plain

        Ini keluhan dari pelanggan.
        --b1
        Content-Type: message/rfc822

        From: Ani <ani@example.test>
        Subject: =?utf-8?q?Buku_rusak/sobek?=
        Message-ID: <orig@example.test>

        Bukunya sobek.
        --b1--
        """,
        content_type=MIXED,
    )

    parsed = parse_email(raw)

    assert parsed.text == "Ini keluhan dari pelanggan."
    [eml] = parsed.attachments
    assert (eml.filename, eml.content_type) == ("Buku rusak sobek.eml", "message/rfc822")
    assert b"Bukunya sobek." in eml.content
    assert parse_email(eml.content).message_id == "orig@example.test"


def test_inline_forwarded_text_is_ordinary_text():
    body = (
        "Tolong dicek ya.\n\n"
        "-------- Pesan Terusan --------\n"
        "Dari: Ani <ani@example.test>\n"
        "Tanggal: 3 Nov 2026\n"
        "Subjek: Buku rusak\n\n"
        "Bukunya sobek.\n"
    )

    parsed = parse_email(mail(body))

    assert parsed.visible_text == body.strip()


def test_tnef_and_calendar_parts_are_kept_as_files():
    raw = mail(
        """
        --b1
        Content-Type: multipart/alternative; boundary="b2"

        --b2
        Content-Type: text/plain

        Undangan rapat.
        --b2
        Content-Type: text/calendar; method=REQUEST; charset=utf-8

        BEGIN:VCALENDAR
        END:VCALENDAR
        --b2--
        --b1
        Content-Type: application/ms-tnef

        TNEF
        --b1--
        """,
        content_type=MIXED,
    )

    parsed = parse_email(raw)

    assert parsed.is_calendar
    assert parsed.text == "Undangan rapat."
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("invite.ics", "text/calendar"),
        ("winmail.dat", "application/ms-tnef"),
    ]


def test_attachments_over_the_limits_are_refused_and_the_mail_still_reads():
    parts = "".join(
        f"--b1\nContent-Type: application/octet-stream\n"
        f'Content-Disposition: attachment; filename="f{index}.bin"\n\n{"x" * size}\n'
        for index, size in enumerate([10, 3000, 10, 10])
    )
    raw = mail(f"--b1\nContent-Type: text/plain\n\nHalo\n{parts}--b1--\n", content_type=MIXED)

    parsed = parse_email(raw, max_attachment_bytes=2048, max_attachments=2)

    assert parsed.text == "Halo"
    assert [a.filename for a in parsed.attachments] == ["f0.bin", "f2.bin"]
    assert [(r.filename, r.size, r.reason) for r in parsed.refused] == [
        ("f1.bin", 3000, "larger than the 2 KB limit"),
        ("f3.bin", 10, "more than 2 attachments"),
    ]


def test_the_default_size_limit_is_named_in_megabytes():
    raw = mail(
        "--b1\nContent-Type: text/plain\n\nHalo\n--b1\nContent-Type: image/png\n\n"
        + "x" * (10 * 1024 * 1024 + 1)
        + "\n--b1--\n",
        content_type=MIXED,
    )

    [refused] = parse_email(raw).refused

    assert (refused.filename, refused.reason) == ("attachment-1.png", "larger than the 10 MB limit")


def test_parts_are_recovered_when_the_boundary_is_wrong():
    raw = mail(
        """
        --real
        Content-Type: text/plain

        Halo dari bagian pertama.
        --real
        Content-Type: application/pdf
        Content-Disposition: attachment; filename="nota.pdf"

        %PDF
        --real--
        """,
        content_type='multipart/mixed; boundary="declared"',
    )

    parsed = parse_email(raw)

    assert parsed.text == "Halo dari bagian pertama."
    assert [a.filename for a in parsed.attachments] == ["nota.pdf"]
    assert any("boundary" in d for d in parsed.defects)


def test_a_multipart_without_boundary_or_end_is_read_leniently():
    no_boundary = mail("Halo tanpa batas.\n", content_type="multipart/mixed")
    no_end = mail("--b1\nContent-Type: text/plain\n\nHalo tanpa akhir.\n", content_type=MIXED)

    assert parse_email(no_boundary).text == "Halo tanpa batas."
    assert parse_email(no_boundary).defects != ()
    assert parse_email(no_end).text == "Halo tanpa akhir."
    assert "a multipart closing boundary is missing" in parse_email(no_end).defects


def test_a_named_text_part_after_the_body_is_an_attachment():
    raw = mail(
        """
        --b1
        Content-Type: text/plain

        Catatan terlampir.
        --b1
        Content-Type: text/plain; name="catatan.txt"
        Content-Disposition: inline; filename="catatan.txt"

        isi catatan
        --b1--
        """,
        content_type=MIXED,
    )

    parsed = parse_email(raw)

    assert parsed.text == "Catatan terlampir."
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        ("catatan.txt", b"isi catatan")
    ]


def test_html_without_a_mime_charset_uses_its_meta_charset():
    html = '<html><head><meta charset="windows-1252"></head><body>Caf\xe9 \x80 5</body></html>'
    raw = mail("", content_type="text/html") + html.encode("latin-1")

    assert parse_email(raw).text == "Café € 5"


def test_a_base64_encoded_forward_is_decoded_and_kept():
    inner = base64.encodebytes(b"From: ani@example.test\r\nSubject: Nota\r\n\r\nIsi\r\n").decode()
    raw = mail(
        f"--b1\nContent-Type: text/plain\n\nLihat lampiran.\n--b1\nContent-Type: message/rfc822\n"
        f"Content-Transfer-Encoding: base64\n\n{inner}--b1--\n",
        content_type=MIXED,
    )

    [eml] = parse_email(raw).attachments

    assert (eml.filename, eml.content) == (
        "Nota.eml",
        b"From: ani@example.test\r\nSubject: Nota\r\n\r\nIsi\r\n",
    )


def test_an_invite_sent_twice_is_kept_once():
    invite = "BEGIN:VCALENDAR\nEND:VCALENDAR\n"
    raw = mail(
        f"--b1\nContent-Type: text/calendar; method=REQUEST\n\n{invite}"
        f'--b1\nContent-Type: application/ics; name="invite.ics"\n\n{invite}--b1--\n',
        content_type=MIXED,
    )

    parsed = parse_email(raw)

    assert parsed.is_calendar
    assert [a.filename for a in parsed.attachments] == ["invite.ics"]
