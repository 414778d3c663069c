"""`sapa check`: configuration, database and queue, each reported; non-zero exit on failure."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from sapa.core.health import check_database, check_queue


class Command(BaseCommand):
    help = "Check configuration, database and queue health."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--deploy", action="store_true", help="also run Django's deployment checks"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("check", fail_level="ERROR", deploy=options["deploy"])
        database = settings.DATABASES["default"]
        self.stdout.write(f"database: {connection.vendor} {database['NAME']}")
        self.stdout.write(f"queue:    {settings.HUEY['huey_class']}")
        self.stdout.write(f"realtime: {settings.CHANNEL_LAYERS['default']['BACKEND']}")
        self.stdout.write(f"base url: {settings.SAPA_BASE_URL}")
        problems = {"database": check_database(), "queue": check_queue()}
        for name, problem in problems.items():
            if problem:
                self.stdout.write(self.style.ERROR(f"{name}: {problem}"))
            else:
                self.stdout.write(self.style.SUCCESS(f"{name}: ok"))
        if any(problems.values()):
            raise CommandError("Sapa is not healthy.")
