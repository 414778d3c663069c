"""Ticket numbers: short, human-friendly, from a counter row (never max()+1)."""

from sapa.core.actions import next_counter_value

TICKET_COUNTER = "ticket_number"
# The first ticket is #1001: a number that looks like a helpdesk, not like a test.
FIRST_TICKET_NUMBER = 1001


def next_ticket_number() -> int:
    return next_counter_value(TICKET_COUNTER, start=FIRST_TICKET_NUMBER - 1)
