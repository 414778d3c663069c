"""Ticket numbers: short, human-friendly, unique and increasing (never max()+1).

PostgreSQL takes them from a sequence, so that concurrent transactions opening tickets do
not queue on one counter row until they commit; a number may be skipped when a
transaction rolls back. SQLite, whose writers are serialised anyway, uses a counter row.
See docs/decisions/0005-ticket-numbers.md.
"""

from django.db import connection

from sapa.core.actions import next_counter_value, raise_counter_to

TICKET_COUNTER = "ticket_number"
TICKET_SEQUENCE = "sapa_ticket_number"
# The first ticket is #1001: a number that looks like a helpdesk, not like a test.
FIRST_TICKET_NUMBER = 1001


def _uses_sequence() -> bool:
    return connection.vendor == "postgresql"


def next_ticket_number() -> int:
    """A new number. Call inside the transaction that creates the ticket."""
    if _uses_sequence():
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [TICKET_SEQUENCE])
            return int(cursor.fetchone()[0])
    return next_counter_value(TICKET_COUNTER, start=FIRST_TICKET_NUMBER - 1)


def skip_ticket_numbers_through(number: int) -> None:
    """Make every later number greater than `number` (after a bulk import of tickets that
    brought their own numbers)."""
    if _uses_sequence():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM sapa_ticket_number)))",
                [TICKET_SEQUENCE, number],
            )
        return
    raise_counter_to(TICKET_COUNTER, number)
