"""Every change to tickets, messages and macros. Entry points (API, console, adapters,
tasks) call these functions; nothing else writes conversation models."""

from sapa.conversations.actions.delivery import claim_outbox_item, record_delivery_result
from sapa.conversations.actions.inbound import receive_inbound
from sapa.conversations.actions.macros import (
    MacroDraft,
    create_macro,
    deactivate_macro,
    update_macro,
)
from sapa.conversations.actions.replies import add_note, reply
from sapa.conversations.actions.ticket_state import (
    Change,
    TicketChanges,
    assign_ticket,
    change_ticket,
    set_priority,
    set_status,
    set_team,
    tag_ticket,
)

__all__ = [
    "Change",
    "MacroDraft",
    "TicketChanges",
    "add_note",
    "assign_ticket",
    "change_ticket",
    "claim_outbox_item",
    "create_macro",
    "deactivate_macro",
    "receive_inbound",
    "record_delivery_result",
    "reply",
    "set_priority",
    "set_status",
    "set_team",
    "tag_ticket",
    "update_macro",
]
