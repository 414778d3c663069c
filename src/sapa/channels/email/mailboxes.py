"""Which mailbox speaks for a ticket, and which addresses are our own."""

import time

from django.conf import settings

from sapa.channels.email.models import Mailbox
from sapa.channels.kinds import Channel
from sapa.conversations.models import Direction, Message, Ticket


def mailbox_for_ticket(ticket: Ticket) -> Mailbox | None:
    """The mailbox the customer last wrote to on this ticket; else the ticket's team's; else
    the first active one."""
    metas = (
        Message.objects.filter(ticket=ticket, channel=Channel.EMAIL, direction=Direction.INBOUND)
        .order_by("-created_at", "-id")
        .values_list("meta", flat=True)[:5]
    )
    for meta in metas:
        mailbox_id = (meta or {}).get("email", {}).get("mailbox_id")
        if mailbox_id:
            found = Mailbox.objects.filter(pk=mailbox_id, is_active=True).first()
            if found is not None:
                return found
    active = Mailbox.objects.filter(is_active=True)
    if ticket.team_id is not None:
        found = active.filter(team_id=ticket.team_id).first()
        if found is not None:
            return found
    return active.first()


# Mail comes in bursts; the list of our addresses changes rarely. Each process keeps it for
# a few seconds (a new alias applies everywhere within OWN_ADDRESSES_TTL).
OWN_ADDRESSES_TTL = 10.0
_own_cache: tuple[float, frozenset[str]] | None = None


def own_addresses() -> frozenset[str]:
    """Every address Sapa sends from: mail from one of them is a loop, never a customer."""
    global _own_cache
    now = time.monotonic()
    if _own_cache is not None and now - _own_cache[0] < OWN_ADDRESSES_TTL:
        return _own_cache[1]
    found = frozenset(_load_own_addresses())
    _own_cache = (now, found)
    return found


def forget_own_addresses() -> None:
    """Drop the cached list (after a mailbox changed in this process)."""
    global _own_cache
    _own_cache = None


def _load_own_addresses() -> set[str]:
    addresses = {a.lower() for a in settings.SAPA_EMAIL_OWN_ADDRESSES}
    for address, aliases in Mailbox.objects.values_list("address", "aliases"):
        addresses.add(address.lower())
        addresses.update(line.strip().lower() for line in aliases.splitlines() if line.strip())
    if settings.DEFAULT_FROM_EMAIL:
        addresses.add(settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(">").lower())
    return addresses
