"""`sapa journey ...`: repair or derive the customer journey.

sapa journey rebuild                 recompute every customer's journey summary (SQL)
sapa journey replay [--customer ID]  derive stage histories by the rules, then rebuild
                                     (after an import; docs/journey.md)
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sapa.core.actors import Actor
from sapa.customers.models import Customer
from sapa.journey.models import CustomerJourney
from sapa.journey.replay import replay_journeys
from sapa.journey.summary import refresh_journeys

ACTOR = Actor.system("cli")


class Command(BaseCommand):
    help = "The customer journey: rebuild the summary table, or replay the stage rules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="recompute every customer's journey summary")
        replay = sub.add_parser("replay", help="derive stage histories from stored data")
        replay.add_argument(
            "--customer", type=int, action="append", default=[], help="only this customer"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["action"] == "rebuild":
            refresh_journeys()
            self.stdout.write(
                f"{CustomerJourney.objects.count()} journeys rebuilt in "
                f"{time.perf_counter() - started:.1f} s"
            )
            return
        ids = options["customer"] or list(
            Customer.objects.filter(merged_into__isnull=True).values_list("pk", flat=True)
        )
        changed = replay_journeys(ids, actor=ACTOR)
        self.stdout.write(
            f"{len(ids)} customers replayed, {changed} changed, in "
            f"{time.perf_counter() - started:.1f} s"
        )
