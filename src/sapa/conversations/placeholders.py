"""Filling a macro's placeholders: `{{ customer.first_name }}`, `{{ order.number }}`, ...

Deliberately not the Django template engine: macros are written by supervisors in the
browser, and a template language with tags and attribute access is more power than a
canned reply needs. Only the names below exist; anything else is left as written so the
agent sees it before sending.
"""

import re
from dataclasses import dataclass

from sapa.accounts.models import Agent
from sapa.commerce.models import Order
from sapa.conversations.models import Ticket

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")

PLACEHOLDERS = (
    "customer.name",
    "customer.first_name",
    "ticket.number",
    "ticket.subject",
    "order.number",
    "order.status",
    "agent.name",
    "agent.first_name",
)


@dataclass(frozen=True)
class PlaceholderContext:
    ticket: Ticket
    agent: Agent
    order: Order | None

    def values(self) -> dict[str, str]:
        customer = self.ticket.customer
        order = self.order
        return {
            "customer.name": customer.name,
            "customer.first_name": customer.first_name,
            "ticket.number": str(self.ticket.number),
            "ticket.subject": self.ticket.subject,
            "order.number": order.number if order else "",
            "order.status": str(order.get_status_display()) if order else "",
            "agent.name": self.agent.display_name,
            "agent.first_name": self.agent.first_name or self.agent.display_name,
        }


def fill_placeholders(body: str, context: PlaceholderContext) -> str:
    values = context.values()

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return value if value else match.group(0)

    return _PLACEHOLDER.sub(replace, body)
