#!/usr/bin/env python3
"""Builds the raw email corpus in tests/data/email/ (stdlib only).

Run:  python tests/data/email/build_corpus.py
Writes NNN-name.eml files plus manifest.json. Most messages are raw byte templates so broken
shapes stay broken. All people, shops and domains are invented.
"""

from __future__ import annotations

import base64
import json
import os
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENTRIES: list[dict] = []
FILES: dict[str, bytes] = {}
MSGIDS: dict[str, str] = {}  # short name -> Message-ID
NAMES: dict[str, str] = {}  # short name -> file name


def add(
    short: str,
    raw: bytes | str,
    *,
    lf: bool = False,
    binary: bool = False,
    msgid: str | None = None,
    thread: str | None = None,
    **expect,
) -> None:
    """Register one message. Text templates use \\n; converted to CRLF unless lf/binary."""
    n = len(ENTRIES) + 1
    name = f"{n:03d}-{short}.eml"
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if not lf and not binary:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    FILES[name] = raw
    NAMES[short] = name
    if msgid:
        MSGIDS[short] = msgid
    entry = {"file": name}
    entry["outcome"] = expect.pop("outcome", "ticket")
    if entry["outcome"] in ("ticket", "duplicate"):
        entry["thread_with"] = NAMES[thread] if thread else None
    entry.update(expect)
    ENTRIES.append(entry)


def b64(data: bytes) -> str:
    s = base64.b64encode(data).decode()
    return "\n".join(s[i : i + 76] for i in range(0, len(s), 76))


def q2047(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def hdr(
    frm: str,
    subject: str | None,
    msgid: str | None,
    *,
    to="Toko Buku Sapa <cs@tokobuku.test>",
    date="Tue, 03 Nov 2026 09:15:00 +0700",
    extra: str = "",
    ctype: str | None = None,
) -> str:
    lines = []
    if frm is not None and not frm.isascii() and "<" in frm:
        name, _, rest = frm.partition(" <")
        frm = f"{q2047(name)} <{rest}"
    if frm is not None:
        lines.append(f"From: {frm}")
    if to:
        lines.append(f"To: {to}")
    if subject is not None:
        lines.append(f"Subject: {subject if subject.isascii() else q2047(subject)}")
    if date:
        lines.append(f"Date: {date}")
    if msgid:
        lines.append(f"Message-ID: {msgid}")
    lines.append("MIME-Version: 1.0")
    if extra:
        lines.append(extra.strip("\n"))
    if ctype:
        lines.append(ctype.strip("\n"))
    return "\n".join(lines) + "\n"


def plain(body: str, charset="utf-8", cte="8bit") -> tuple[str, bytes]:
    ct = f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: {cte}\n"
    return ct, body.encode(charset)


# Tiny valid-looking binaries
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
JPEG = (
    bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300")
    + bytes(range(64))
    + bytes.fromhex(
        "ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffda0008010100003f00d2cf20ffd9"
    )
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f6ee6f0000000049454e44ae426082"
)


# ---------------------------------------------------------------- plain & charsets
def simple(
    short,
    frm,
    subject,
    body,
    *,
    charset="utf-8",
    cte="8bit",
    raw_subject=None,
    msgid=None,
    extra="",
    lf=False,
    date="Tue, 03 Nov 2026 09:15:00 +0700",
    to=None,
    **exp,
):
    msgid = (
        msgid
        if msgid is not None
        else f"<{short}.{len(ENTRIES) + 1}@mail.{frm.split('@')[-1].rstrip('>')}>"
    )
    ct = (
        f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: {cte}"
        if charset
        else ""
    )
    h = hdr(
        frm,
        raw_subject if raw_subject is not None else subject,
        msgid or None,
        extra=extra,
        ctype=ct,
        date=date,
        **({"to": to} if to is not None else {}),
    )
    if isinstance(body, str):
        body = body.encode(charset or "utf-8")
    if "subject" not in exp and subject is not None:
        exp["subject"] = subject
    add(short, h.encode("ascii") + b"\n" + body, lf=lf, msgid=msgid or None, **exp)


def qp(text: str, charset="utf-8") -> bytes:
    import quopri

    return quopri.encodestring(text.encode(charset))


simple(
    "plain-casual",
    "Rina Wulandari <rina.w@gmail.test>",
    "Pesanan saya belum sampai kak",
    "Halo kak, pesanan saya no INV-2026-1103 kok belum sampai ya? Udah seminggu nih.\n"
    "Tolong dicek ya kak, makasih banyak.\n\nRina\n",
    charset="us-ascii",
    cte="7bit",
    **{"from": "rina.w@gmail.test"},
    text_contains=["INV-2026-1103"],
    attachments=[],
)
simple(
    "utf8-8bit",
    "Budi Santoso <budi.s@yahoo.test>",
    "Buku “Laskar Pelangi” rusak",
    "Selamat siang,\n\nSampul buku “Laskar Pelangi” yang saya terima sobek — mohon ditukar.\n"
    "Harga Rp 89.000 sudah saya bayar lunas. Terima kasih 🙏\n",
    raw_subject=q2047("Buku “Laskar Pelangi” rusak"),
    **{"from": "budi.s@yahoo.test"},
    text_contains=["“Laskar Pelangi”", "🙏"],
)
simple(
    "utf8-qp",
    "Siti Aminah <siti.aminah@kantor.test>",
    "Permintaan faktur pajak",
    qp(
        "Mohon dikirimkan faktur pajak untuk pesanan minggu lalu – total Rp 1.250.000,00.\n"
        "Alamat: Jl. Merdeka № 12, Bandung · NPWP terlampir nanti.\n"
        + "Salam hangat, " * 8
        + "\nSiti\n"
    ),
    cte="quoted-printable",
    **{"from": "siti.aminah@kantor.test"},
    text_contains=["Jl. Merdeka № 12", "total Rp 1.250.000,00"],
)
simple(
    "utf8-base64",
    "Dewi Lestari <dewi.l@gmail.test>",
    "Tanya stok novel",
    b64(
        "Kak, novel “Bumi Manusia” cetakan terbaru masih ada? Mau pesan 3 eksemplar 😊\n".encode()
    ).encode()
    + b"\n",
    cte="base64",
    **{"from": "dewi.l@gmail.test"},
    text_contains=["“Bumi Manusia”", "😊"],
)
simple(
    "iso-8859-1",
    "Andreas Müller <andreas.m@kantor.test>",
    "Bestellung für Goethe-Institut",
    "Guten Tag,\n\nwir möchten 5 Wörterbücher bestellen. Grüße aus Jakarta, Andreas Müller\n",
    charset="iso-8859-1",
    raw_subject="=?iso-8859-1?Q?Bestellung_f=FCr_Goethe-Institut?=",
    **{"from": "andreas.m@kantor.test"},
    text_contains=["Wörterbücher", "Grüße"],
)
simple(
    "windows-1252",
    "Hendra Wijaya <hendra.w@kantor.test>",
    "Harga dalam euro?",
    "Halo, apakah bisa bayar dalam € (euro)? Judulnya “Atlas Dunia” – edisi ‘2026’…\n",
    charset="windows-1252",
    **{"from": "hendra.w@kantor.test"},
    text_contains=["€", "“Atlas Dunia”", "‘2026’…"],
)
simple(
    "cp1252-labelled-latin1",
    "Hendra Wijaya <hendra.w@kantor.test>",
    "Ongkir ke Belanda",
    "Ongkir ke Belanda berapa ya? Budget saya €25 – “kirim cepat” kalau bisa.\n".encode(
        "windows-1252"
    ),
    charset="iso-8859-1",
    **{"from": "hendra.w@kantor.test"},
    text_contains=["€25", "“kirim cepat”"],
)
simple(
    "gb2312",
    "Wang Li <wang.li@qq.test>",
    "订购印尼语词典",
    "你好，我想订购两本印尼语词典。请告诉我价格。谢谢！\n",
    charset="gb2312",
    raw_subject=q2047("订购印尼语词典", "gb2312"),
    **{"from": "wang.li@qq.test"},
    text_contains=["印尼语词典", "谢谢"],
)
simple(
    "big5",
    "Chen Mei <chen.mei@hinet.test>",
    "詢問書籍價格",
    "您好，請問這本書的價格是多少？我在台北。\n",
    charset="big5",
    raw_subject=q2047("詢問書籍價格", "big5"),
    **{"from": "chen.mei@hinet.test"},
    text_contains=["價格是多少", "台北"],
)
simple(
    "shift-jis",
    "Tanaka Yuki <tanaka.y@docomo.test>",
    "インドネシア語の本について",
    "こんにちは。インドネシア語の教科書を探しています。日本へ発送できますか？\n",
    charset="shift_jis",
    raw_subject=q2047("インドネシア語の本について", "shift_jis"),
    **{"from": "tanaka.y@docomo.test"},
    text_contains=["教科書を探しています", "日本へ発送"],
)
simple(
    "koi8-r",
    "Ivan Petrov <ivan.p@yandex.test>",
    "Заказ книги",
    "Здравствуйте! Хочу заказать книгу Прамудьи. Доставка в Москву возможна?\n",
    charset="koi8-r",
    raw_subject=q2047("Заказ книги", "koi8-r"),
    **{"from": "ivan.p@yandex.test"},
    text_contains=["Здравствуйте", "Доставка в Москву"],
)
simple(
    "iso-2022-jp",
    "Sato Ken <sato.k@docomo.test>",
    "注文の確認",
    "注文番号１２３の確認をお願いします。よろしくお願いいたします。\n",
    charset="iso-2022-jp",
    cte="7bit",
    raw_subject=q2047("注文の確認", "iso-2022-jp"),
    **{"from": "sato.k@docomo.test"},
    text_contains=["確認をお願いします"],
)
simple(
    "unknown-charset",
    "Fajar Nugroho <fajar.n@gmail.test>",
    "Kode promo tidak berlaku",
    "Kode promo “HEMAT50” katanya tidak berlaku — padahal masih tanggal 3.\n".encode(),
    charset="x-unknown",
    **{"from": "fajar.n@gmail.test"},
    text_contains=["“HEMAT50”", "— padahal"],
)
# undeclared 8-bit: no Content-Type at all, utf-8 bytes
simple(
    "undeclared-8bit",
    "Yusuf Hakim <yusuf.h@yahoo.test>",
    "Retur buku",
    "Saya mau retur buku, halamannya kosong di bab 5 – tolong dibantu ya “kak”.\n".encode(),
    charset=None,
    **{"from": "yusuf.h@yahoo.test"},
    text_contains=["– tolong", "“kak”"],
)


# ---------------------------------------------------------------- RFC 2047 subjects
simple(
    "rfc2047-b",
    "Agus Salim <agus.salim@gmail.test>",
    "Pengiriman ke Sumatera Utara",
    "Berapa lama pengiriman ke Medan?\n",
    raw_subject="=?UTF-8?B?UGVuZ2lyaW1hbiBrZSBTdW1hdGVyYSBVdGFyYQ==?=",
    **{"from": "agus.salim@gmail.test"},
    text_contains=["ke Medan"],
)
simple(
    "rfc2047-q",
    "Lina Marlina <lina.m@yahoo.test>",
    "Pembayaran lewat QRIS – gagal",
    "Sudah saya scan QRIS-nya tapi gagal terus.\n",
    raw_subject="=?utf-8?Q?Pembayaran_lewat_QRIS_=E2=80=93_gagal?=",
    **{"from": "lina.m@yahoo.test"},
    text_contains=["QRIS-nya"],
)
simple(
    "rfc2047-split",
    "Tommy Kurniawan <tommy.k@gmail.test>",
    "Komplain: buku “Negeri 5 Menara” terlambat dikirim",
    "Sudah lewat 10 hari kerja.\n",
    raw_subject="=?utf-8?Q?Komplain:_buku_=E2=80=9CNegeri_5?=\n =?utf-8?Q?_Menara=E2=80=9D_terlambat?= dikirim",
    **{"from": "tommy.k@gmail.test"},
    text_contains=["10 hari kerja"],
)
simple(
    "rfc2047-malformed",
    "Wati Susilo <wati.s@kantor.test>",
    "=?utf-8?Q?Tagihan_ganda_=E2=80?=",
    "Saya ditagih dua kali untuk pesanan yang sama.\n",
    raw_subject="=?utf-8?Q?Tagihan_ganda_=E2=80?=",
    **{"from": "wati.s@kantor.test"},
    text_contains=["ditagih dua kali"],
)
del ENTRIES[-1]["subject"]  # exact rendering of a truncated encoded-word is the parser's choice


# ---------------------------------------------------------------- MIME structures
def mp(
    short,
    frm,
    subject,
    parts: str,
    *,
    boundary="b1",
    kind="mixed",
    extra="",
    msgid=None,
    date="Tue, 03 Nov 2026 10:00:00 +0700",
    to=None,
    lf=False,
    raw_subject=None,
    **exp,
):
    msgid = (
        msgid
        if msgid is not None
        else f"<{short}.{len(ENTRIES) + 1}@mail.{frm.split('@')[-1].rstrip('>')}>"
    )
    h = hdr(
        frm,
        raw_subject if raw_subject is not None else subject,
        msgid or None,
        extra=extra,
        ctype=f'Content-Type: multipart/{kind}; boundary="{boundary}"',
        date=date,
        **({"to": to} if to is not None else {}),
    )
    if "subject" not in exp and subject is not None:
        exp["subject"] = subject
    body = parts if isinstance(parts, bytes) else parts.encode("utf-8")
    add(short, h.encode("ascii") + b"\n" + body, lf=lf, msgid=msgid or None, **exp)


def part(ctype: str, body: str, *, cte="8bit", extra="") -> str:
    e = ("\n" + extra.strip("\n")) if extra else ""
    return f"Content-Type: {ctype}\nContent-Transfer-Encoding: {cte}{e}\n\n{body}\n"


def join(boundary: str, *parts: str, close=True, preamble="") -> str:
    out = preamble
    for p in parts:
        out += f"--{boundary}\n{p}"
    if close:
        out += f"--{boundary}--\n"
    return out


def attach(ctype: str, filename: str, data: bytes, *, disp="attachment", extra="") -> str:
    e = ("\n" + extra.strip("\n")) if extra else ""
    return (
        f'Content-Type: {ctype}; name="{filename}"\nContent-Transfer-Encoding: base64\n'
        f'Content-Disposition: {disp}; filename="{filename}"{e}\n\n{b64(data)}\n'
    )


mp(
    "rfc2231-filename",
    "Ratna Sari <ratna.s@gmail.test>",
    "Bukti transfer",
    join(
        "b1",
        part("text/plain; charset=utf-8", "Ini bukti transfernya kak."),
        "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
        "Content-Disposition: attachment;\n filename*=utf-8''bukti%20transfer%20%E2%80%93%20BCA.pdf\n\n"
        + b64(PDF)
        + "\n",
    ),
    **{"from": "ratna.s@gmail.test"},
    text_contains=["bukti transfernya"],
    attachments=["bukti transfer – BCA.pdf"],
)
mp(
    "alternative",
    "Joko Susanto <joko.s@kantor.test>",
    "Pesanan untuk perpustakaan kantor",
    join(
        "alt",
        part("text/plain; charset=utf-8", "Kami ingin memesan 20 judul buku untuk perpustakaan."),
        part(
            "text/html; charset=utf-8",
            "<p>Kami ingin memesan <b>20 judul</b> buku untuk perpustakaan.</p>",
        ),
    ),
    boundary="alt",
    kind="alternative",
    **{"from": "joko.s@kantor.test"},
    text_contains=["20 judul buku untuk perpustakaan"],
    attachments=[],
)
simple(
    "html-only-script",
    "Promo Hunter <promo.hunter@gmail.test>",
    "Cek link ini kak",
    "",
    charset="utf-8",
    **{"from": "promo.hunter@gmail.test"},
    text_contains=["Apakah diskon ini resmi"],
)
# replace the body with an HTML-only one (raw)
FILES[ENTRIES[-1]["file"]] = FILES[ENTRIES[-1]["file"]].replace(b"text/plain", b"text/html") + (
    b"<html><head><script>alert('xss')</script></head><body>"
    b'<p onclick="steal()">Apakah diskon ini resmi? <a href="javascript:alert(1)">klik</a></p>'
    b"<img src=x onerror=alert(2)></body></html>\r\n"
)
mp(
    "related-cid",
    "Maya Putri <maya.p@gmail.test>",
    "Foto buku yang rusak",
    join(
        "rel",
        part(
            "text/html; charset=utf-8",
            '<p>Ini fotonya kak, halaman sobek:</p><img src="cid:foto1@maya">',
        ),
        attach("image/png", "foto-sobek.png", PNG, disp="inline", extra="Content-ID: <foto1@maya>"),
    ),
    boundary="rel",
    kind='related; type="text/html"',
    **{"from": "maya.p@gmail.test"},
    text_contains=["halaman sobek"],
    attachments=["foto-sobek.png"],
)
mp(
    "pdf-jpeg",
    "Eko Prasetyo <eko.p@yahoo.test>",
    "Invoice dan foto paket",
    join(
        "b1",
        part("text/plain; charset=utf-8", "Terlampir invoice dan foto paket yang penyok."),
        attach("application/pdf", "invoice-INV-2026-0451.pdf", PDF),
        attach("image/jpeg", "paket-penyok.jpg", JPEG),
    ),
    **{"from": "eko.p@yahoo.test"},
    text_contains=["paket yang penyok"],
    attachments=["invoice-INV-2026-0451.pdf", "paket-penyok.jpg"],
)


BIG_LINE = (
    "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0"  # 76 chars
)


def big(filename: str, decoded_size: int) -> str:
    lines = decoded_size // 57 + 1  # 57 decoded bytes per 76-char line
    return (
        f'Content-Type: application/zip; name="{filename}"\nContent-Transfer-Encoding: base64\n'
        f'Content-Disposition: attachment; filename="{filename}"\n\n' + (BIG_LINE + "\n") * lines
    )


mp(
    "attachment-5mb",
    "Arief Rahman <arief.r@kantor.test>",
    "Katalog pesanan sekolah (5 MB)",
    join(
        "b1",
        part("text/plain; charset=utf-8", "Katalog pesanan sekolah terlampir, ukurannya 5 MB."),
        big("katalog-sekolah.zip", 5_200_000),
    ),
    **{"from": "arief.r@kantor.test"},
    text_contains=["ukurannya 5 MB"],
    attachments=["katalog-sekolah.zip"],
)
mp(
    "attachment-11mb",
    "Arief Rahman <arief.r@kantor.test>",
    "Scan naskah lengkap (11 MB)",
    join(
        "b1",
        part("text/plain; charset=utf-8", "Ini scan naskahnya, agak besar 11 MB."),
        big("scan-naskah.zip", 11_000_000),
    ),
    **{"from": "arief.r@kantor.test"},
    text_contains=["agak besar 11 MB"],
    attachments=[],
    refused_attachments=1,
)
mp(
    "winmail-dat",
    "Bambang Hartono <bambang.h@kantor.test>",
    "Daftar buku pesanan",
    join(
        "b1",
        part(
            "text/plain; charset=us-ascii",
            "Daftar pesanan terlampir (dikirim dari Outlook).",
            cte="7bit",
        ),
        attach(
            "application/ms-tnef", "winmail.dat", b"\x78\x9f\x3e\x22" + b"\x00" * 40 + b"TNEF-SAPA"
        ),
    ),
    **{"from": "bambang.h@kantor.test"},
    text_contains=["dikirim dari Outlook"],
    attachments=["winmail.dat"],
)
ICS = (
    "BEGIN:VCALENDAR\nPRODID:-//Kantor//Kalender//ID\nVERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\n"
    "UID:rapat-20261110@kantor.test\nDTSTART:20261110T030000Z\nDTEND:20261110T040000Z\n"
    "SUMMARY:Rapat pengadaan buku\nORGANIZER;CN=Nadia:mailto:nadia.k@kantor.test\n"
    "ATTENDEE;RSVP=TRUE:mailto:cs@tokobuku.test\nEND:VEVENT\nEND:VCALENDAR"
)
mp(
    "calendar-invite",
    "Nadia Kusuma <nadia.k@kantor.test>",
    "Undangan: Rapat pengadaan buku",
    join(
        "cal",
        'Content-Type: multipart/alternative; boundary="alt"\n\n'
        + join(
            "alt",
            part(
                "text/plain; charset=utf-8", "Mohon hadir di rapat pengadaan buku tanggal 10 Nov."
            ),
            part("text/calendar; charset=utf-8; method=REQUEST", ICS),
        ),
    ),
    boundary="cal",
    **{"from": "nadia.k@kantor.test"},
    text_contains=["rapat pengadaan buku tanggal 10 Nov"],
    attachments=["invite.ics"],
)


# ---------------------------------------------------------------- forwards
INNER = (
    "From: Bank Sejahtera <notifikasi@banksejahtera.test>\nTo: Putri Ayu <putri.ayu@gmail.test>\n"
    "Subject: Konfirmasi pembayaran\nDate: Mon, 02 Nov 2026 20:01:00 +0700\n"
    "Message-ID: <trx-88123@banksejahtera.test>\nMIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n\nTransfer Rp 145.000 ke TOKO BUKU SAPA berhasil.\n"
)
mp(
    "forward-rfc822",
    "Putri Ayu <putri.ayu@gmail.test>",
    "Fwd: Konfirmasi pembayaran",
    join(
        "b1",
        part(
            "text/plain; charset=utf-8", "Kak, ini notifikasi dari bank, pembayaran sudah masuk ya."
        ),
        "Content-Type: message/rfc822\nContent-Disposition: inline\n\n" + INNER,
    ),
    **{"from": "putri.ayu@gmail.test"},
    text_contains=["pembayaran sudah masuk"],
    attachments=["Konfirmasi pembayaran.eml"],
)
simple(
    "forward-inline-chain",
    "Irfan Hakim <irfan.h@kantor.test>",
    "Fwd: Fwd: Pesanan buku kantor",
    "Tolong ditindaklanjuti ya, dari bagian pengadaan.\n\n"
    "---------- Forwarded message ---------\nFrom: Sri Mulyani <sri.m@kantor.test>\n"
    "Date: Sen, 2 Nov 2026 pukul 14.00\nSubject: Fwd: Pesanan buku kantor\nTo: Irfan Hakim <irfan.h@kantor.test>\n\n"
    "Pak Irfan, mohon diteruskan ke toko.\n\n"
    "---------- Forwarded message ---------\nFrom: Agung Pramono <agung.p@kantor.test>\n"
    "Date: Sen, 2 Nov 2026 pukul 09.30\nSubject: Pesanan buku kantor\n\n"
    "Kami butuh 15 eksemplar KBBI edisi V untuk kantor cabang.\n",
    **{"from": "irfan.h@kantor.test"},
    text_contains=["ditindaklanjuti", "15 eksemplar KBBI"],
)


# ---------------------------------------------------------------- replies & quoting
def reply(short, frm, subject, body, parent, *, by="in-reply-to", extra="", **exp):
    pid = MSGIDS[parent]
    if by == "in-reply-to":
        th = f"In-Reply-To: {pid}\nReferences: {pid}"
    elif by == "references":
        th = f"References: <unrelated.1@other.test> {pid}"
    else:
        th = f"In-Reply-To: {pid}"
    simple(short, frm, subject, body, extra=(th + "\n" + extra).strip("\n"), thread=parent, **exp)


reply(
    "reply-id-quote",
    "Rina Wulandari <rina.w@gmail.test>",
    "Re: Pesanan saya belum sampai kak",
    "Oke kak, sudah sampai barusan. Terima kasih!\n\n"
    "Pada Sel, 3 Nov 2026 pukul 10.12 Toko Buku Sapa <cs@tokobuku.test> menulis:\n"
    "> Halo Kak Rina, paket sedang dalam perjalanan dengan resi JNE 0123456789.\n> Salam, Toko Buku Sapa\n",
    "plain-casual",
    **{"from": "rina.w@gmail.test"},
    text_contains=["sudah sampai barusan", "resi JNE 0123456789"],
    visible_excludes=["resi JNE 0123456789"],
)
reply(
    "reply-references-only",
    "Budi Santoso <budi.s@yahoo.test>",
    "Re: Buku “Laskar Pelangi” rusak",
    "Foto sudah saya kirim lewat WA juga ya.\n",
    "utf8-8bit",
    by="references",
    **{"from": "budi.s@yahoo.test"},
    text_contains=["lewat WA"],
)
reply(
    "reply-english-on-wrote",
    "Andreas Müller <andreas.m@kantor.test>",
    "Re: Bestellung für Goethe-Institut",
    "Thank you, please send the proforma invoice.\n\n"
    "On Tue, Nov 3, 2026 at 11:02 AM Toko Buku Sapa <cs@tokobuku.test> wrote:\n"
    "> Dear Andreas, the five dictionaries cost Rp 1.475.000 in total.\n",
    "iso-8859-1",
    **{"from": "andreas.m@kantor.test"},
    text_contains=["proforma invoice", "Rp 1.475.000"],
    visible_excludes=["Rp 1.475.000"],
)
reply(
    "reply-outlook-original",
    "Bambang Hartono <bambang.h@kantor.test>",
    "RE: Daftar buku pesanan",
    "Baik, kami tunggu penawarannya.\n\n-----Original Message-----\nFrom: Toko Buku Sapa <cs@tokobuku.test>\n"
    "Sent: Tuesday, November 3, 2026 1:15 PM\nTo: Bambang Hartono\nSubject: RE: Daftar buku pesanan\n\n"
    "Pak Bambang, lampiran winmail.dat tidak terbaca, mohon kirim ulang sebagai PDF.\n",
    "winmail-dat",
    **{"from": "bambang.h@kantor.test"},
    text_contains=["tunggu penawarannya", "mohon kirim ulang sebagai PDF"],
    visible_excludes=["mohon kirim ulang sebagai PDF"],
    lf=True,
)
reply(
    "reply-outlook-from-sent",
    "Joko Susanto <joko.s@kantor.test>",
    "RE: Pesanan untuk perpustakaan kantor",
    "Setuju dengan harga tersebut, silakan diproses.\n\n________________________________\n"
    "From: Toko Buku Sapa <cs@tokobuku.test>\nSent: Tuesday, November 3, 2026 14:20\n"
    "To: Joko Susanto <joko.s@kantor.test>\nSubject: Re: Pesanan untuk perpustakaan kantor\n\n"
    "Pak Joko, untuk 20 judul kami beri diskon 15 persen.\n",
    "alternative",
    by="irt-only",
    **{"from": "joko.s@kantor.test"},
    text_contains=["silakan diproses", "diskon 15 persen"],
    visible_excludes=["diskon 15 persen"],
)
simple(
    "signature-dashdash",
    "Dewi Lestari <dewi.l@gmail.test>",
    "Alamat pengiriman berubah",
    "Kak, alamat pengiriman saya pindah ke Jl. Kenanga 7, Yogyakarta.\n\n-- \nDewi Lestari\nGuru SD Negeri 3\n0812-0000-1111\n",
    **{"from": "dewi.l@gmail.test"},
    text_contains=["Jl. Kenanga 7"],
)
simple(
    "signature-iphone",
    "Fajar Nugroho <fajar.n@gmail.test>",
    "Bisa COD?",
    "Kak bisa COD ke Bekasi?\n\nDikirim dari iPhone saya\n",
    lf=True,
    **{"from": "fajar.n@gmail.test"},
    text_contains=["COD ke Bekasi"],
)

# duplicate: the very same message as 001 delivered twice
add(
    "duplicate-of-plain",
    FILES[NAMES["plain-casual"]],
    binary=True,
    outcome="duplicate",
    thread="plain-casual",
)


# ---------------------------------------------------------------- missing headers
simple(
    "missing-message-id",
    "Gilang Ramadhan <gilang.r@gmail.test>",
    "Pesanan dobel",
    "Kak, pesanan saya ke-input dua kali, tolong batalkan satu.\n",
    msgid="",
    **{"from": "gilang.r@gmail.test"},
    text_contains=["ke-input dua kali"],
)
simple(
    "missing-date",
    "Citra Kirana <citra.k@yahoo.test>",
    "Minta nomor resi",
    "Boleh minta nomor resinya kak?\n",
    date="",
    **{"from": "citra.k@yahoo.test"},
    text_contains=["nomor resinya"],
)
simple(
    "missing-subject",
    "Hadi Purnomo <hadi.p@gmail.test>",
    None,
    "Kak ini toko buku yang di Bandung bukan?\n",
    **{"from": "hadi.p@gmail.test"},
    text_contains=["toko buku yang di Bandung"],
)
simple(
    "missing-to",
    "Lukman Hakim <lukman.h@kantor.test>",
    "Kerja sama konsinyasi",
    "Kami penerbit indie, tertarik titip jual (konsinyasi) di toko Anda.\n",
    to="",
    extra="Bcc: cs@tokobuku.test",
    **{"from": "lukman.h@kantor.test"},
    text_contains=["konsinyasi"],
)
simple(
    "header-only",
    "Nina Zahra <nina.z@gmail.test>",
    "Halo kak",
    b"",
    charset=None,
    **{"from": "nina.z@gmail.test"},
)
FILES[ENTRIES[-1]["file"]] = (
    FILES[ENTRIES[-1]["file"]].rstrip(b"\r\n") + b"\r\n"
)  # headers, no body at all

# ---------------------------------------------------------------- broken MIME
mp(
    "missing-final-boundary",
    "Oki Setiawan <oki.s@yahoo.test>",
    "Struk pembelian",
    join(
        "b1",
        part("text/plain; charset=utf-8", "Struk pembelian kemarin terlampir."),
        attach("image/jpeg", "struk.jpg", JPEG),
        close=False,
    ),
    **{"from": "oki.s@yahoo.test"},
    text_contains=["Struk pembelian kemarin"],
    attachments=["struk.jpg"],
)
mp(
    "boundary-unused",
    "Ratih Purwasih <ratih.p@gmail.test>",
    "Tanya jam buka toko",
    "Jam buka toko offline hari Minggu sampai jam berapa ya?\n",
    boundary="never-used-9f8e",
    **{"from": "ratih.p@gmail.test"},
    text_contains=["hari Minggu sampai jam berapa"],
)
mp(
    "bad-base64",
    "Taufik Hidayat <taufik.h@kantor.test>",
    "Surat pesanan (PDF)",
    join(
        "b1",
        part("text/plain; charset=utf-8", "Surat pesanan resmi terlampir."),
        'Content-Type: application/pdf; name="surat-pesanan.pdf"\nContent-Transfer-Encoding: base64\n'
        'Content-Disposition: attachment; filename="surat-pesanan.pdf"\n\n'
        + b64(PDF)[:90]
        + "!!!*** not base64 at all ***\n"
        + "JVBERi0xLjQK===\n",
    ),
    **{"from": "taufik.h@kantor.test"},
    text_contains=["Surat pesanan resmi"],
    attachments=["surat-pesanan.pdf"],
)
L4 = 'Content-Type: multipart/alternative; boundary="L4"\n\n' + join(
    "L4",
    part(
        "text/html; charset=utf-8",
        '<p>Saya pesan buku dengan sampul seperti di foto (level empat).</p><img src="cid:sampul@yanti">',
    ),
)
L3 = 'Content-Type: multipart/related; boundary="L3"\n\n' + join(
    "L3",
    L4,
    attach("image/png", "sampul.png", PNG, disp="inline", extra="Content-ID: <sampul@yanti>"),
)
L2 = 'Content-Type: multipart/alternative; boundary="L2"\n\n' + join(
    "L2",
    part(
        "text/plain; charset=utf-8", "Saya pesan buku dengan sampul seperti di foto (level empat)."
    ),
    L3,
)
mp(
    "nested-4-levels",
    "Yanti Susanti <yanti.s@gmail.test>",
    "Pesanan + foto sampul",
    join("L1", L2, attach("application/pdf", "daftar-judul.pdf", PDF)),
    boundary="L1",
    **{"from": "yanti.s@gmail.test"},
    text_contains=["(level empat)"],
    attachments=["sampul.png", "daftar-judul.pdf"],
)

# ---------------------------------------------------------------- participants
simple(
    "cc-colleagues",
    "Rudi Hartanto <rudi.h@kantor.test>",
    "Pengadaan buku semester genap",
    "Rekan-rekan saya (Cc) juga ikut memantau pesanan ini.\n",
    to="Toko Buku Sapa <cs@tokobuku.test>, Ani Rahayu <ani.r@kantor.test>",
    extra='Cc: Sinta Dewi <sinta.d@kantor.test>, "Bagus, Purnama" <bagus.p@kantor.test>',
    **{"from": "rudi.h@kantor.test"},
    text_contains=["ikut memantau"],
    cc=["sinta.d@kantor.test", "bagus.p@kantor.test", "ani.r@kantor.test"],
)
reply(
    "cc-colleague-replies",
    "Sinta Dewi <sinta.d@kantor.test>",
    "Re: Pengadaan buku semester genap",
    "Menambahkan: mohon faktur atas nama Yayasan Pendidikan Nusantara.\n",
    "cc-colleagues",
    **{"from": "sinta.d@kantor.test"},
    text_contains=["Yayasan Pendidikan Nusantara"],
)
simple(
    "reply-to-differs",
    "Teguh Wibowo <teguh.w@kantor.test>",
    "Mohon balas ke email pribadi",
    "Tolong balas ke email pribadi saya saja ya (lihat Reply-To).\n",
    extra="Reply-To: Teguh Wibowo <teguh.pribadi@gmail.test>",
    **{"from": "teguh.w@kantor.test"},
    text_contains=["email pribadi saya"],
)
simple(
    "encoded-names-commas",
    '"=?utf-8?Q?Santoso=2C_Bambang_=E2=80=93_Keuangan?=" <keuangan@kantor.test>',
    "Konfirmasi PO 2026/11/007",
    "PO terlampir menyusul. Mohon konfirmasi stok.\n",
    to='"Toko Buku Sapa, CS" <cs@tokobuku.test>',
    extra="Cc: =?utf-8?B?"
    + base64.b64encode("Lestari, Dewi – Gudang".encode()).decode()
    + "?= <gudang@kantor.test>,\n"
    ' "Hartono, Bambang" <bambang.h@kantor.test>',
    **{"from": "keuangan@kantor.test"},
    text_contains=["konfirmasi stok"],
    cc=["gudang@kantor.test", "bambang.h@kantor.test"],
)

# ---------------------------------------------------------------- auto replies & bulk
simple(
    "ooo-indonesian",
    "Wulan Sari <wulan.s@kantor.test>",
    "Balasan otomatis: Pesanan Anda sudah dikirim",
    "Terima kasih atas email Anda. Saya sedang cuti sampai 10 November 2026 dan akan membalas setelahnya.\n",
    extra="Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All",
    **{"from": "wulan.s@kantor.test"},
    text_contains=["sedang cuti sampai 10 November"],
    auto_reply=True,
)
simple(
    "ooo-english",
    "Michael Tan <michael.tan@kantor.test>",
    "Out of Office: Your order has shipped",
    "I am out of the office until 12 November with limited access to email.\n",
    extra="X-Autoreply: yes",
    **{"from": "michael.tan@kantor.test"},
    text_contains=["out of the office until 12 November"],
    auto_reply=True,
)
simple(
    "ooo-subject-only",
    "Ayu Lestari <ayu.l@yahoo.test>",
    "Sedang cuti - Re: Promo akhir tahun",
    "Saya sedang cuti melahirkan, untuk urusan mendesak hubungi kantor.\n",
    **{"from": "ayu.l@yahoo.test"},
    text_contains=["cuti melahirkan"],
    auto_reply=True,
)
mp(
    "newsletter",
    "Penerbit Cahaya <newsletter@penerbitcahaya.test>",
    "Terbitan baru bulan November",
    join(
        "alt",
        part(
            "text/plain; charset=utf-8",
            "Lima terbitan baru bulan ini! Berhenti langganan: https://penerbitcahaya.test/unsub",
        ),
        part(
            "text/html; charset=utf-8",
            '<h1>Lima terbitan baru bulan ini!</h1><a href="https://penerbitcahaya.test/unsub">Berhenti langganan</a>',
        ),
    ),
    boundary="alt",
    kind="alternative",
    extra="List-Unsubscribe: <https://penerbitcahaya.test/unsub?u=cs>, <mailto:unsub@penerbitcahaya.test>\n"
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\nPrecedence: bulk",
    **{"from": "newsletter@penerbitcahaya.test"},
    text_contains=["Lima terbitan baru"],
    auto_reply=True,
)


# ---------------------------------------------------------------- bounces
ORIG = (
    "From: Toko Buku Sapa <cs@tokobuku.test>\nTo: {rcpt}\nSubject: Re: Pesanan Anda\n"
    "Date: Tue, 03 Nov 2026 08:00:00 +0700\nMessage-ID: <sapa.77.a1b2c3d4@tokobuku.test>\n\n"
    "Halo, pesanan Anda sudah kami kirim.\n"
)
add(
    "bounce-postfix-dsn",
    (
        "Return-Path: <>\nFrom: MAILER-DAEMON@mx1.tokobuku.test (Mail Delivery System)\n"
        "To: cs@tokobuku.test\nSubject: Undelivered Mail Returned to Sender\n"
        "Date: Tue, 03 Nov 2026 08:00:05 +0700\nMessage-ID: <20261103010005.ABC12@mx1.tokobuku.test>\n"
        "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn1"\n\n'
        + join(
            "dsn1",
            part(
                "text/plain; charset=us-ascii",
                "This is the mail system at host mx1.tokobuku.test.\n\n"
                "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n"
                "<salah.ketik@gmail.test>: host mx.gmail.test said: 550 5.1.1 user unknown",
                cte="7bit",
                extra="Content-Description: Notification",
            ),
            "Content-Type: message/delivery-status\nContent-Description: Delivery report\n\n"
            "Reporting-MTA: dns; mx1.tokobuku.test\nArrival-Date: Tue,  3 Nov 2026 08:00:01 +0700\n\n"
            "Final-Recipient: rfc822; salah.ketik@gmail.test\nOriginal-Recipient: rfc822;salah.ketik@gmail.test\n"
            "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.gmail.test\n"
            "Diagnostic-Code: smtp; 550 5.1.1 <salah.ketik@gmail.test>: Recipient address rejected: User unknown\n",
            "Content-Type: message/rfc822\nContent-Description: Undelivered Message\n\n"
            + ORIG.format(rcpt="salah.ketik@gmail.test"),
        )
    ),
    outcome="bounce",
    bounce_recipient="salah.ketik@gmail.test",
)
add(
    "bounce-exchange-dsn",
    (
        "From: postmaster@kantor.test\nTo: cs@tokobuku.test\n"
        "Subject: Undeliverable: Re: Pesanan Anda\nDate: Tue, 3 Nov 2026 01:02:03 +0000\n"
        "Message-ID: <e1f2a3b4-0000-4000-8000-0123456789ab@kantor.test>\nContent-Language: en-US\n"
        "X-MS-Exchange-Message-Is-Ndr:\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="_000_NDR_"\n\n'
        + join(
            "_000_NDR_",
            'Content-Type: multipart/alternative; differences=Content-Type;\n\tboundary="_001_NDR_"\n\n'
            + join(
                "_001_NDR_",
                part(
                    "text/plain; charset=us-ascii",
                    "Your message to pegawai.lama@kantor.test couldn't be delivered.\n"
                    "pegawai.lama wasn't found at kantor.test.\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'",
                    cte="7bit",
                ),
                part(
                    "text/html; charset=us-ascii",
                    "<p>Your message to <b>pegawai.lama@kantor.test</b> couldn't be delivered.</p>",
                    cte="7bit",
                ),
            ),
            "Content-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns;EXCH01.kantor.test\nReceived-From-MTA: dns;mx1.tokobuku.test\n\n"
            "Final-Recipient: rfc822;pegawai.lama@kantor.test\nAction: failed\nStatus: 5.1.10\n"
            "Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n",
            "Content-Type: text/rfc822-headers\n\n"
            + ORIG.format(rcpt="pegawai.lama@kantor.test").split("\n\n")[0]
            + "\n",
        )
    ),
    outcome="bounce",
    bounce_recipient="pegawai.lama@kantor.test",
    lf=True,
)
add(
    "bounce-gmail-plain",
    (
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.test>\nTo: cs@tokobuku.test\n"
        "Subject: Delivery Status Notification (Failure)\nDate: Tue, 03 Nov 2026 01:05:00 +0000\n"
        "Message-ID: <5f3a.0.bounce@mx.googlemail.test>\nX-Failed-Recipients: tidak.ada@gmail.test\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n"
        "** Address not found **\n\nYour message wasn't delivered to tidak.ada@gmail.test because the address couldn't be found,\n"
        "or is unable to receive mail.\n\nThe response from the remote server was:\n"
        "550 5.1.1 The email account that you tried to reach does not exist.\n\n"
        "----- Original message -----\n\n" + ORIG.format(rcpt="tidak.ada@gmail.test")
    ),
    outcome="bounce",
    bounce_recipient="tidak.ada@gmail.test",
)

# ---------------------------------------------------------------- our own mail
simple(
    "loop-own-address",
    "Toko Buku Sapa <cs@tokobuku.test>",
    "Re: Pesanan Anda",
    "Halo, pesanan Anda sudah kami kirim.\n",
    outcome="ignored_own",
)
simple(
    "own-noreply",
    "Toko Buku Sapa <noreply@tokobuku.test>",
    "Notifikasi: tiket #12 diperbarui",
    "Tiket Anda telah diperbarui.\n",
    outcome="ignored_own",
)
for e in ENTRIES[-2:]:
    e.pop("subject", None)

# ---------------------------------------------------------------- quarantine
add(
    "no-sender-headers",
    "To: cs@tokobuku.test\nSubject: Halo\nDate: Tue, 03 Nov 2026 09:00:00 +0700\n"
    "Message-ID: <nosender.1@unknown.test>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
    "Pesan tanpa pengirim.\n",
    outcome="quarantine",
)
add(
    "random-binary",
    zlib.compress(bytes((i * 7919 + 13) % 256 for i in range(2048)), 9) + bytes(range(256)),
    binary=True,
    outcome="quarantine",
)
add(
    "html-page",
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>\n",
    lf=True,
    outcome="quarantine",
)
add("empty-file", b"", binary=True, outcome="quarantine")
add("from-undisclosed", "From: undisclosed\n", outcome="quarantine")

# ---------------------------------------------------------------- odd shapes
LONG_REFS = " ".join(f"<old.{i}.thread@mail.gmail.test>" for i in range(40))
simple(
    "long-folded-headers",
    "Kevin Wijaya <kevin.w@gmail.test>",
    "Pertanyaan panjang tentang paket buku sekolah dasar kelas satu sampai kelas enam untuk tahun ajaran 2026/2027 yang baru",
    "Subjeknya panjang, maaf kak.\n",
    raw_subject="Pertanyaan panjang tentang paket buku sekolah dasar kelas satu\n sampai kelas enam untuk tahun ajaran\n\t2026/2027 yang baru",
    extra="References: " + LONG_REFS.replace("> <", ">\n <") + "\n"
    "X-Long-Header: " + "\n ".join(["nilai-panjang-" + str(i) * 20 for i in range(30)]),
    **{"from": "kevin.w@gmail.test"},
    text_contains=["Subjeknya panjang"],
)
simple(
    "line-over-1000",
    "Mega Puspita <mega.p@yahoo.test>",
    "Daftar ISBN",
    "Daftar ISBN yang saya cari: "
    + ", ".join(f"978-602-{i:04d}-{i % 10}" for i in range(90))
    + " SELESAI.\n",
    **{"from": "mega.p@yahoo.test"},
    text_contains=["978-602-0089-9 SELESAI."],
)
simple(
    "emoji",
    "Dinda Ayu <dinda.ayu@gmail.test>",
    "Makasih kak 🙏📚✨",
    "Bukunya bagus banget 😍😍 anak saya suka 👧📖. Bintang lima ⭐⭐⭐⭐⭐\n",
    **{"from": "dinda.ayu@gmail.test"},
    text_contains=["😍😍", "⭐⭐⭐⭐⭐"],
)
reply_unknown = "<sapa.1.deadbeef@tokobuku.test>"
simple(
    "reply-unknown-reference",
    "Rudi Hartanto <rudi.h@kantor.test>",
    "Re: Penawaran lama",
    "Membalas penawaran lama Anda dari tahun lalu.\n",
    extra=f"In-Reply-To: {reply_unknown}\nReferences: {reply_unknown}",
    **{"from": "rudi.h@kantor.test"},
    text_contains=["penawaran lama"],
)
simple(
    "same-customer-new-subject",
    "Rina Wulandari <rina.w@gmail.test>",
    "Mau pesan lagi",
    "Kak, saya mau pesan buku resep masakan Padang, ada?\n",
    **{"from": "rina.w@gmail.test"},
    text_contains=["masakan Padang"],
)
reply(
    "reply-to-duplicated",
    "Rina Wulandari <rina.w@gmail.test>",
    "Re: Pesanan saya belum sampai kak",
    "Satu lagi kak, bungkusnya basah kena hujan.\n",
    "plain-casual",
    lf=True,
    **{"from": "rina.w@gmail.test"},
    text_contains=["basah kena hujan"],
)


# ---------------------------------------------------------------- write (keep last)
def write() -> None:
    for old in HERE.glob("*.eml"):
        old.unlink()
    for name, raw in FILES.items():
        (HERE / name).write_bytes(raw)
    (HERE / "manifest.json").write_text(
        json.dumps(ENTRIES, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    print(f"wrote {len(FILES)} messages, {sum(map(len, FILES.values())):,} bytes")


if __name__ == "__main__":
    write()
