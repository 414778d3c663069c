"""Raw mail for the parser tests, written inline as clients put it on the wire."""

import textwrap

HEAD = """\
From: Budi Santoso <budi@gmail.test>
To: Toko Buku Sapa <cs@tokobuku.test>
Subject: Pesanan belum sampai
Message-ID: <m1@gmail.test>
Date: Mon, 23 Nov 2026 10:12:33 +0700
"""


def wire(text: str) -> bytes:
    """The text as bytes on the wire: dedented, CRLF line ends, UTF-8."""
    return textwrap.dedent(text).lstrip("\n").replace("\n", "\r\n").encode()


def mail(body: str, *, headers: str = HEAD, content_type: str = "") -> bytes:
    """A mail with `headers` (plus a Content-Type when given) and a dedented `body`."""
    content = f"Content-Type: {content_type}\n" if content_type else ""
    return wire(headers + content + "\n" + textwrap.dedent(body).lstrip("\n"))
