"""`sapa worker`: the Huey consumer that runs background tasks (delivery, sweeps)."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background worker (delivers messages, runs scheduled tasks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.HUEY["consumer"]["workers"],  # type: ignore[index]
            help="worker threads",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("run_huey", workers=options["threads"], worker_type="thread")
