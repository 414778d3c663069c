"""`sapa createadmin`: create an admin agent and print its login."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sapa.accounts.models import Agent
from sapa.accounts.provisioning import DEFAULT_ADMIN, create_first_admin


class Command(BaseCommand):
    help = "Create an admin (or, with --reset, give an existing one a new password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default=DEFAULT_ADMIN)
        parser.add_argument("--email", default="admin@localhost")
        parser.add_argument(
            "--reset", action="store_true", help="set a new password if the admin exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if Agent.objects.filter(username=username).exists() and not options["reset"]:
            raise CommandError(f"{username} exists; use --reset to give it a new password.")
        password = os.environ.get("SAPA_ADMIN_PASSWORD") or None
        username, password = create_first_admin(username, email=options["email"], password=password)
        self.stdout.write(f"username: {username}\npassword: {password}")
