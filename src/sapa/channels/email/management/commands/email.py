"""`sapa email ...`: take in raw emails, poll mailboxes, set mailboxes up, and look after
the quarantine.

    sapa email ingest FILE... [-] [--mailbox ADDRESS]
    sapa email poll [--mailbox ADDRESS]
    sapa email mailbox list
    sapa email mailbox add ADDRESS [--name N] [--team T] [--imap URL] [--smtp URL] ...
    sapa email mailbox disable ADDRESS
    sapa email quarantine [--all]
    sapa email reprocess ID...
"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sapa.accounts.models import Team
from sapa.channels.email.actions import ingest_email, reprocess
from sapa.channels.email.config import MailboxSettings, save_mailbox
from sapa.channels.email.imap import poll_mailbox
from sapa.channels.email.models import InboundEmail, InboundSource, InboundStatus, Mailbox
from sapa.channels.email.servers import BadServerURL, parse_server_url
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput

ACTOR = Actor.system("cli")


class Command(BaseCommand):
    help = "The email channel: ingest raw mail, poll mailboxes, manage mailboxes and quarantine."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="take in raw RFC 5322 files ('-' reads stdin)")
        ingest.add_argument("files", nargs="+")
        ingest.add_argument("--mailbox", help="the mailbox address it arrived at")
        poll = sub.add_parser("poll", help="poll IMAP mailboxes once")
        poll.add_argument("--mailbox", help="only this mailbox")
        mailbox = sub.add_parser("mailbox", help="list, add or disable mailboxes")
        boxes = mailbox.add_subparsers(dest="mailbox_action", required=True)
        boxes.add_parser("list")
        add = boxes.add_parser("add", help="add or update a mailbox")
        add.add_argument("address")
        add.add_argument("--name", default="")
        add.add_argument("--team", default="", help="team name for its new tickets")
        add.add_argument("--imap", default="", help="imaps://user:pass@host/INBOX")
        add.add_argument("--move-to", default="", help="IMAP folder for taken-in mail")
        add.add_argument("--smtp", default="", help="smtp://user:pass@host:587")
        add.add_argument("--aliases", default="", help="other addresses, comma separated")
        add.add_argument("--auto-acknowledge", action="store_true")
        disable = boxes.add_parser("disable")
        disable.add_argument("address")
        quarantine = sub.add_parser("quarantine", help="list quarantined emails")
        quarantine.add_argument("--all", action="store_true", help="also discarded ones")
        again = sub.add_parser("reprocess", help="run quarantined emails through again")
        again.add_argument("ids", nargs="+", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _ingest(self, options: dict[str, Any]) -> None:
        mailbox = _mailbox(options["mailbox"]) if options["mailbox"] else None
        for name in options["files"]:
            if name == "-":
                raw = sys.stdin.buffer.read()
            else:
                try:
                    raw = Path(name).read_bytes()
                except OSError as error:
                    raise CommandError(f"{name}: {error.strerror}") from None
            outcome = ingest_email(raw, mailbox=mailbox, source=InboundSource.CLI)
            where = f" ticket #{outcome.ticket_number}" if outcome.ticket_number else ""
            reason = f" ({outcome.reason})" if outcome.reason else ""
            self.stdout.write(f"{name}: {outcome.status}{where}{reason}")

    def _poll(self, options: dict[str, Any]) -> None:
        boxes = Mailbox.objects.filter(is_active=True).exclude(imap_url="")
        if options["mailbox"]:
            boxes = boxes.filter(address=options["mailbox"].lower())
        for mailbox in boxes:
            try:
                result = poll_mailbox(mailbox)
            except Exception as error:
                self.stderr.write(f"{mailbox}: {type(error).__name__}: {error}")
                continue
            if result.held_by:
                self.stdout.write(f"{mailbox}: skipped, {result.held_by} is reading it")
                continue
            self.stdout.write(f"{mailbox}: {result.fetched} fetched {result.outcomes}")

    def _mailbox(self, options: dict[str, Any]) -> None:
        action = options["mailbox_action"]
        if action == "list":
            for box in Mailbox.objects.select_related("team"):
                self.stdout.write(
                    f"{box.address:<32} {'active' if box.is_active else 'disabled':<9} "
                    f"team={box.team.name if box.team else '-'} "
                    f"imap={_redacted(box.imap_url, 'imap')} smtp={_redacted(box.smtp_url, 'smtp')}"
                )
            return
        if action == "disable":
            box = _mailbox(options["address"])
            wanted = _settings_of(box, is_active=False)
            save_mailbox(wanted, actor=ACTOR, mailbox=box)
            self.stdout.write(f"{box.address}: disabled")
            return
        team = None
        if options["team"]:
            team = Team.objects.filter(name=options["team"]).first()
            if team is None:
                raise CommandError(f"No team named {options['team']!r}.")
        existing = Mailbox.objects.filter(address=options["address"].lower()).first()
        wanted = MailboxSettings(
            address=options["address"],
            name=options["name"],
            team_id=team.pk if team else None,
            aliases=options["aliases"],
            imap_url=options["imap"],
            imap_move_to=options["move_to"],
            smtp_url=options["smtp"],
            auto_acknowledge=options["auto_acknowledge"],
        )
        try:
            box = save_mailbox(wanted, actor=ACTOR, mailbox=existing)
        except InvalidInput as error:
            raise CommandError(f"{'/'.join(map(str, error.loc))}: {error.message}") from None
        self.stdout.write(f"{box.address}: {'updated' if existing else 'added'}")

    def _quarantine(self, options: dict[str, Any]) -> None:
        statuses = [InboundStatus.QUARANTINED]
        if options["all"]:
            statuses.append(InboundStatus.DISCARDED)
        for row in InboundEmail.objects.filter(status__in=statuses).order_by("-received_at"):
            self.stdout.write(
                f"{row.pk:>6} {row.received_at:%Y-%m-%d %H:%M} {row.status:<11} "
                f"{row.size_bytes:>9} B  {row.reason}"
            )

    def _reprocess(self, options: dict[str, Any]) -> None:
        for pk in options["ids"]:
            row = InboundEmail.objects.filter(pk=pk, status=InboundStatus.QUARANTINED).first()
            if row is None:
                self.stderr.write(f"{pk}: no quarantined email with this id")
                continue
            outcome = reprocess(row, actor=ACTOR)
            self.stdout.write(f"{pk}: {outcome.status} {outcome.reason}".rstrip())


def _mailbox(address: str) -> Mailbox:
    found = Mailbox.objects.filter(address=address.lower()).first()
    if found is None:
        raise CommandError(f"No mailbox {address!r} (see `sapa email mailbox list`).")
    return found


def _settings_of(box: Mailbox, *, is_active: bool) -> MailboxSettings:
    return MailboxSettings(
        address=box.address,
        name=box.name,
        team_id=box.team_id,
        aliases=box.aliases,
        imap_url=box.imap_url,
        imap_move_to=box.imap_move_to,
        smtp_url=box.smtp_url,
        auto_acknowledge=box.auto_acknowledge,
        is_active=is_active,
    )


def _redacted(url: str, protocol: str) -> str:
    if not url:
        return "-"
    try:
        return parse_server_url(url, protocol).redacted()
    except BadServerURL:
        return "(invalid)"
