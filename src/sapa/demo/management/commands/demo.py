"""`sapa demo`: load the Toko Buku Sapa demo and print its agent logins."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sapa.demo.loader import DemoConflict, DemoSummary, load_demo


class Command(BaseCommand):
    help = "Load the demo shop Toko Buku Sapa (does nothing when it is loaded already)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            summary = load_demo()
        except DemoConflict as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        if summary.already_loaded:
            self.stdout.write("The demo shop Toko Buku Sapa is loaded already; nothing changed.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the demo shop Toko Buku Sapa in {seconds:.1f} s:")
            )
            self.stdout.write(f"  {_counts(summary)}")
        self._write_logins(summary)

    def _write_logins(self, summary: DemoSummary) -> None:
        self.stdout.write(f"Demo agents (password for all: {summary.password}):")
        width = max(len(login.username) for login in summary.logins)
        for login in summary.logins:
            teams = ", ".join(login.teams)
            self.stdout.write(f"  {login.username:<{width}}  {login.name} ({login.role}; {teams})")


def _counts(summary: DemoSummary) -> str:
    counts = [
        (summary.teams, "team"),
        (summary.agents, "agent"),
        (summary.customers, "customer"),
        (summary.tickets, "ticket"),
        (summary.messages, "message"),
        (summary.orders, "order"),
        (summary.merge_suggestions, "merge suggestion"),
        (summary.articles, "help-center article"),
    ]
    return ", ".join(f"{count} {noun}{'' if count == 1 else 's'}" for count, noun in counts)
