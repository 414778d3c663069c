"""`sapa worker`: the Huey consumer that runs background tasks (delivery, sweeps, polls),
and the IMAP watchers that keep mailboxes open with IDLE."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background worker (delivers messages, reads mailboxes, runs scheduled tasks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.HUEY["consumer"]["workers"],  # type: ignore[index]
            help="worker threads",
        )
        parser.add_argument(
            "--no-imap-watch",
            action="store_true",
            help="do not keep IMAP connections open (mailboxes are then polled every minute)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from sapa.channels.email.config import apply_environment_mailboxes
        from sapa.channels.email.watchers import WatcherSupervisor

        apply_environment_mailboxes()
        supervisor = None
        if settings.SAPA_IMAP_IDLE and not options["no_imap_watch"]:
            supervisor = WatcherSupervisor()
            supervisor.start()
        try:
            call_command("run_huey", workers=options["threads"], worker_type="thread")
        finally:
            if supervisor is not None:
                supervisor.shutdown()
