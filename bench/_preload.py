"""Loading many tickets into the run's database from the benchmark process itself."""

import os
import time

from _server import log


def load_tickets_into(env: dict[str, str], *, tickets: int, seed: int) -> None:
    """Set Django up in this process on the run's environment and load the tickets."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    from _ticket_loader import load_tickets

    started = time.perf_counter()
    summary = load_tickets(tickets, seed=seed)
    connections.close_all()
    log(
        f"loaded {summary.tickets} tickets ({summary.open_tickets} open), "
        f"{summary.customers} customers in {time.perf_counter() - started:.1f} s"
    )
