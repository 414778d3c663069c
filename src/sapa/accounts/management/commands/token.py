"""`sapa token create --user U` (prints the new token alone on the last line),
`sapa token list [--user U]`, `sapa token revoke PREFIX`."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sapa.accounts.actions import create_api_token, revoke_api_token
from sapa.accounts.models import Agent, ApiToken
from sapa.core.actors import Actor


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for an agent")
        create.add_argument("--user", required=True, help="the agent's username")
        create.add_argument("--name", default="cli", help="what the token is for")
        create.add_argument(
            "--expires-days", type=int, default=None, help="refuse the token after this many days"
        )
        listing = sub.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("--user", help="only this agent's tokens")
        revoke = sub.add_parser("revoke", help="revoke a token by the prefix `list` shows")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        agent = Agent.objects.filter(username=options["user"], is_active=True).first()
        if agent is None:
            raise CommandError(f"No active agent named {options['user']!r}.")
        expires_at = None
        if options["expires_days"] is not None:
            if options["expires_days"] < 1:
                raise CommandError("--expires-days must be at least 1.")
            expires_at = timezone.now() + timedelta(days=options["expires_days"])
        token, raw = create_api_token(
            agent, name=options["name"], actor=Actor.system("cli"), expires_at=expires_at
        )
        self.stderr.write(f"Token {token.prefix}… for {agent.username} (shown once):")
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("agent").order_by("created_at")
        if options["user"]:
            tokens = tokens.filter(agent__username=options["user"])
        for token in tokens:
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.prefix}  {token.agent.username:<16} {token.name:<20} {state:<18} "
                f"last used {used}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        matches = list(
            ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True)[:2]
        )
        if len(matches) != 1:
            raise CommandError(f"{len(matches) or 'No'} active tokens have that prefix.")
        revoke_api_token(matches[0], actor=Actor.system("cli"))
        self.stdout.write(f"Revoked {matches[0].prefix}.")
