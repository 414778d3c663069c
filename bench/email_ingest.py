"""Benchmark: emails per second through the parse + thread + store path.

Builds `--emails` typical messages (about 20 KB each: a multipart/alternative text + HTML
body in Indonesian, a small inline logo, a quoted reply history, realistic headers), on a
fresh database with one mailbox, then times `ingest_email` (what the IMAP poller, the raw
HTTP endpoint and `sapa email ingest` all call) from `--processes` processes. The mix:
new conversations, replies threaded by In-Reply-To/References to earlier ones, and
duplicates (the same Message-ID delivered again).

    .venv/bin/python bench/email_ingest.py [--db sqlite|postgres] [--emails 3000]

Prints one JSON line on stdout; progress goes to stderr.
"""

import argparse
import base64
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from _database import SQLITE, add_database_arguments, chosen_vendor, fresh_database
from _server import exit_cleanly_on_sigterm, log, run_sapa, sapa_environment

MAILBOX = "cs@tokobuku.test"
NEW_SHARE = 0.45
DUPLICATE_SHARE = 0.10
NAMES = [
    "Budi Santoso",
    "Siti Rahayu",
    "Dewi Lestari",
    "Agus Wijaya",
    "Rina Kartika",
    "Eko Prasetyo",
    "Putri Anggraini",
    "Joko Susilo",
    "Wulan Sari",
    "Andi Saputra",
]
LINES = [
    "Halo kak, pesanan saya dengan nomor INV-{n} belum sampai sampai hari ini.",
    "Mohon dibantu cek status pengirimannya ya, katanya sudah dikirim lewat JNE.",
    "Saya juga mau tanya apakah buku 'Laskar Pelangi' edisi bersampul keras masih ada stok.",
    "Kalau bisa tolong kirim invoice-nya ke email ini juga, untuk keperluan kantor.",
    "Terima kasih banyak atas bantuannya, ditunggu kabarnya.",
]
# A 2 KB "logo" like the ones mail clients attach inline.
LOGO = bytes(random.Random(7).getrandbits(8) for _ in range(2048))


def build_emails(count: int, seed: int) -> list[bytes]:
    """`count` raw emails in arrival order: new threads, replies and duplicates."""
    rng = random.Random(seed)
    sent: list[tuple[str, str, str, list[str]]] = []  # (message-id, sender, subject, refs)
    emails: list[bytes] = []
    start = datetime(2026, 11, 2, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    for index in range(count):
        roll = rng.random()
        if sent and roll < DUPLICATE_SHARE:
            emails.append(emails[rng.randrange(len(emails))])
            continue
        when = start + timedelta(seconds=37 * index)
        if not sent or roll < DUPLICATE_SHARE + NEW_SHARE:
            name = rng.choice(NAMES)
            sender = f"{name.split()[0].lower()}.{index}@gmail.test"
            subject = f"Pesanan INV-{100000 + index} belum sampai"
            refs: list[str] = []
        else:
            parent_id, sender, subject, parent_refs = sent[
                rng.randrange(max(0, len(sent) - 300), len(sent))
            ]
            name = sender.split(".")[0].title()
            subject = f"Re: {subject.removeprefix('Re: ')}"
            refs = [*parent_refs, parent_id][-10:]
        message_id = make_msgid(domain="mail.gmail.test")
        emails.append(_email(rng, index, name, sender, subject, message_id, refs, when))
        sent.append((message_id, sender, subject, refs))
    return emails


def _email(
    rng: random.Random,
    index: int,
    name: str,
    sender: str,
    subject: str,
    message_id: str,
    refs: list[str],
    when: datetime,
) -> bytes:
    body = "\n".join(line.format(n=100000 + index) for line in rng.sample(LINES, 4))
    history = "\n".join(f"> {line.format(n=index)}" for line in LINES * 18)
    attribution = f"Pada {when:%d %b %Y} Toko Buku Sapa <{MAILBOX}> menulis:"
    text = f"{body}\n\nSalam,\n{name}\n\n{attribution}\n{history}\n"
    html_body = "".join(f"<p>{line}</p>" for line in body.splitlines())
    quoted = "".join(f"<p>{line.format(n=index)}</p>" for line in LINES * 18)
    html = (
        f'<html><head><style>p{{margin:0}}</style></head><body><div dir="ltr">{html_body}'
        f'<p>Salam,<br>{name}</p><img src="cid:logo{index}@gmail.test" alt="logo"></div>'
        f'<div class="gmail_quote"><blockquote>{quoted}</blockquote></div></body></html>'
    )
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>"
    message["To"] = f"Toko Buku Sapa <{MAILBOX}>"
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id
    if refs:
        message["In-Reply-To"] = refs[-1]
        message["References"] = " ".join(refs)
    for hop in range(3):
        message["Received"] = (
            f"from mail-{hop}.gmail.test (mail-{hop}.gmail.test [10.0.0.{hop}]) by "
            f"mx.tokobuku.test with ESMTPS id {index}{hop}; {format_datetime(when)}"
        )
    message["DKIM-Signature"] = (
        "v=1; a=rsa-sha256; d=gmail.test; s=20230601; b="
        + base64.b64encode(rng.randbytes(256)).decode()
    )
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.get_payload()[1].add_related(
        LOGO, maintype="image", subtype="png", cid=f"<logo{index}@gmail.test>", filename="logo.png"
    )
    return bytes(message)


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _mailbox_id() -> int:
    from sapa.channels.email.models import Mailbox

    mailbox, _ = Mailbox.objects.get_or_create(address=MAILBOX, defaults={"name": "Toko Buku Sapa"})
    return mailbox.pk


def _ingest_all(args: tuple[dict[str, str], list[bytes], int]) -> tuple[int, float, dict[str, int]]:
    env, emails, mailbox_id = args
    _setup_django(env)
    from sapa.channels.email.actions import ingest_email
    from sapa.channels.email.models import InboundSource, Mailbox

    mailbox = Mailbox.objects.get(pk=mailbox_id)
    outcomes: dict[str, int] = {}
    started = time.perf_counter()
    for raw in emails:
        outcome = ingest_email(raw, mailbox=mailbox, source=InboundSource.IMAP)
        outcomes[outcome.status] = outcomes.get(outcome.status, 0) + 1
    return len(emails), time.perf_counter() - started, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--emails", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument(
        "--processes",
        type=int,
        default=None,
        help="ingesting processes (default: 1 on SQLite, 2 on PostgreSQL)",
    )
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    exit_cleanly_on_sigterm()
    vendor = chosen_vendor(args.db)
    processes = args.processes or (1 if vendor == SQLITE else 2)
    emails = build_emails(args.warmup + args.emails, args.seed)
    sizes = sorted(len(e) for e in emails)
    log(f"{len(emails)} emails, median {sizes[len(sizes) // 2] // 1024} KB")
    with (
        tempfile.TemporaryDirectory(prefix="sapa-bench-") as tmp,
        fresh_database(vendor, var_dir=Path(tmp), name=args.db_name) as database,
    ):
        env = sapa_environment(var_dir=Path(tmp), database_url=database.url)
        log("sapa migrate")
        run_sapa("migrate", "--no-input", "--verbosity", "0", env=env)
        _setup_django(env)
        mailbox_id = _mailbox_id()
        from django.db import connections

        connections.close_all()
        warm, timed = emails[: args.warmup], emails[args.warmup :]
        _ingest_all((env, warm, mailbox_id))
        connections.close_all()
        # Each process takes every n-th email: replies still follow their threads in order
        # within a process, and threads cross processes as they would across pollers.
        shares = [(env, timed[i::processes], mailbox_id) for i in range(processes)]
        log(f"timing {len(timed)} emails in {processes} process(es)")
        started = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            results = pool.map(_ingest_all, shares)
        elapsed = time.perf_counter() - started
    outcomes: dict[str, int] = {}
    for _count, _seconds, counted in results:
        for status, n in counted.items():
            outcomes[status] = outcomes.get(status, 0) + n
    per_email_ms = [seconds / count * 1000 for count, seconds, _ in results if count]
    print(
        json.dumps(
            {
                "bench": "email_ingest",
                "db": vendor,
                "emails": len(timed),
                "processes": processes,
                "median_email_kb": round(sizes[len(sizes) // 2] / 1024, 1),
                "emails_per_s": round(len(timed) / elapsed, 1),
                "ms_per_email_per_process": round(sum(per_email_ms) / len(per_email_ms), 2),
                "outcomes": outcomes,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
