"""`sapa token create --user U`: a new API token, printed alone on the last line."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sapa.accounts.actions import create_api_token
from sapa.accounts.models import Agent
from sapa.core.actors import Actor


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for an agent")
        create.add_argument("--user", required=True, help="the agent's username")
        create.add_argument("--name", default="cli", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        agent = Agent.objects.filter(username=options["user"], is_active=True).first()
        if agent is None:
            raise CommandError(f"No active agent named {options['user']!r}.")
        token, raw = create_api_token(agent, name=options["name"], actor=Actor.system("cli"))
        self.stderr.write(f"Token {token.prefix}… for {agent.username} (shown once):")
        self.stdout.write(raw)
