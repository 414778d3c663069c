"""The corpus in tests/data/email/: real-world-shaped mail (charsets, broken MIME, forwards,
calendar invites, auto-replies, bounces, garbage), each ingested in order into one mailbox,
must end where its manifest entry says. See tests/data/email/README.md."""

import json
from pathlib import Path
from typing import Any

import pytest

from sapa.channels.email.actions import IngestOutcome, ingest_email
from sapa.channels.email.models import InboundEmail, InboundSource, Mailbox
from sapa.conversations.models import Message, Ticket, TicketParticipant

CORPUS = Path(__file__).resolve().parents[2] / "data" / "email"
MANIFEST: list[dict[str, Any]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))


def test_the_corpus_is_large_and_every_file_is_described():
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert len(files) >= 60
    assert files == sorted(entry["file"] for entry in MANIFEST)


@pytest.mark.django_db
def test_every_message_lands_where_the_manifest_says(django_capture_on_commit_callbacks):
    mailbox = Mailbox.objects.create(
        address="cs@tokobuku.test", name="Toko Buku Sapa", aliases="noreply@tokobuku.test"
    )
    outcomes: dict[str, IngestOutcome] = {}
    problems: list[str] = []
    for entry in MANIFEST:
        raw = (CORPUS / entry["file"]).read_bytes()
        with django_capture_on_commit_callbacks(execute=True):
            outcome = ingest_email(raw, mailbox=mailbox, source=InboundSource.CLI)
        outcomes[entry["file"]] = outcome
        problems += [f"{entry['file']}: {p}" for p in _check(entry, outcome, outcomes)]
    assert problems == [], "\n".join(problems)
    # every email's original is kept (duplicates point at the first copy)
    assert InboundEmail.objects.count() == sum(1 for e in MANIFEST if e["outcome"] != "duplicate")


_STATUS = {
    "ticket": "processed",
    "duplicate": "duplicate",
    "quarantine": "quarantined",
    "ignored_own": "ignored",
    "bounce": "bounce",
}


def _check(
    entry: dict[str, Any], outcome: IngestOutcome, earlier: dict[str, IngestOutcome]
) -> list[str]:
    expected = _STATUS[entry["outcome"]]
    if outcome.status != expected:
        return [f"status {outcome.status} ({outcome.reason}), expected {expected}"]
    problems: list[str] = []
    if entry["outcome"] in ("ticket", "duplicate"):
        parent = entry.get("thread_with")
        if parent and outcome.ticket_id != earlier[parent].ticket_id:
            problems.append(f"ticket {outcome.ticket_id}, expected the ticket of {parent}")
        if (
            not parent
            and entry["outcome"] == "ticket"
            and any(
                o.ticket_id == outcome.ticket_id for f, o in earlier.items() if f != entry["file"]
            )
        ):
            problems.append("joined an earlier ticket, expected a new one")
    if entry["outcome"] != "ticket":
        if (
            entry["outcome"] == "quarantine"
            and Message.objects.filter(pk=outcome.message_id or 0).exists()
        ):
            problems.append("a quarantined email became a message")
        return problems
    message = Message.objects.select_related("author_customer").get(pk=outcome.message_id)
    ticket = Ticket.objects.get(pk=outcome.ticket_id)
    if "from" in entry:
        sender = message.author_customer.identities.values_list("value", flat=True)
        if entry["from"] not in sender:
            problems.append(f"sender {list(sender)}, expected {entry['from']}")
    if "subject" in entry and not entry.get("thread_with") and ticket.subject != entry["subject"]:
        problems.append(f"subject {ticket.subject!r}, expected {entry['subject']!r}")
    full = f"{message.text}\n{message.quoted_text}"
    for phrase in entry.get("text_contains", []):
        if phrase not in full and phrase not in message.html:
            problems.append(f"text lacks {phrase!r}")
    for phrase in entry.get("visible_excludes", []):
        if phrase in message.text:
            problems.append(f"visible text shows quoted {phrase!r}")
    names = sorted(message.attachments.values_list("filename", flat=True))
    if "attachments" in entry and names != sorted(entry["attachments"]):
        problems.append(f"attachments {names}, expected {sorted(entry['attachments'])}")
    refused = len(message.meta.get("email", {}).get("refused", []))
    if refused != entry.get("refused_attachments", 0):
        problems.append(
            f"{refused} refused attachments, expected {entry.get('refused_attachments', 0)}"
        )
    if bool(message.auto_reply) != entry.get("auto_reply", False):
        problems.append(
            f"auto_reply {message.auto_reply!r}, expected {entry.get('auto_reply', False)}"
        )
    copied = set(TicketParticipant.objects.filter(ticket=ticket).values_list("address", flat=True))
    for address in entry.get("cc", []):
        if address not in copied:
            problems.append(f"{address} is not a participant ({sorted(copied)})")
    return problems
