"""The console's websocket: live ticket changes, notifications, who else is on a ticket,
and, on a chat ticket, what the visitor does (typing, reading, changing page).

An agent's connection joins the groups of the tickets they may see (see
conversations.realtime); to watch one ticket (presence: viewing, typing) it must pass the
same `access_ticket` check as the ticket page. Messages carry ids only; the page fetches
content over HTTP with the usual checks. The connection and its heartbeat (`ping`, every
minute) mark the agent as online, which the chat widget tells its visitors.
"""

from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer

from sapa.accounts.actions import mark_console_seen
from sapa.accounts.models import Agent
from sapa.accounts.queries import team_ids_of
from sapa.conversations import realtime
from sapa.conversations.exceptions import TicketNotFound
from sapa.conversations.queries import access_ticket, can_see_all_tickets

PRESENCE_STATES = {"viewing", "typing", "left"}
UNAUTHORISED = 4401


class ConsoleConsumer(JsonWebsocketConsumer):
    agent: Agent
    groups_joined: list[str]
    watched: int | None

    def connect(self) -> None:
        user = self.scope.get("user")
        if not isinstance(user, Agent) or not user.is_active:
            self.close(code=UNAUTHORISED)
            return
        self.agent = user
        self.watched = None
        self.groups_joined = [realtime.agent_group(user.pk)]
        if can_see_all_tickets(user):
            self.groups_joined.append(realtime.ALL_TICKETS_GROUP)
        else:
            self.groups_joined.append(realtime.QUEUE_GROUP)
            self.groups_joined += [realtime.team_group(t) for t in team_ids_of(user)]
        for group in self.groups_joined:
            async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
        self.accept()
        mark_console_seen(user)

    def disconnect(self, code: int) -> None:
        if getattr(self, "agent", None) is None:
            return
        self._unwatch()
        for group in self.groups_joined:
            async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "ping":
            mark_console_seen(self.agent)
            self.send_json({"type": "pong"})
        elif kind == "watch":
            self._watch(content.get("ticket_id"))
        elif kind == "presence" and content.get("state") in PRESENCE_STATES:
            self._presence(str(content["state"]))

    def _watch(self, ticket_id: object) -> None:
        self._unwatch()
        if not isinstance(ticket_id, int) or isinstance(ticket_id, bool):
            return
        try:
            access_ticket(self.agent, ticket_id)
        except TicketNotFound:
            self.send_json({"type": "error", "error": "ticket_not_found", "ticket_id": ticket_id})
            return
        self.watched = ticket_id
        group = realtime.ticket_group(ticket_id)
        async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
        # "joined" asks those already on the ticket to say so: the newcomer sees them at
        # once, not at their next heartbeat.
        self._presence("viewing", joined=True)

    def _unwatch(self) -> None:
        if self.watched is None:
            return
        self._presence("left")
        async_to_sync(self.channel_layer.group_discard)(
            realtime.ticket_group(self.watched), self.channel_name
        )
        self.watched = None

    def _presence(self, state: str, *, joined: bool = False) -> None:
        if self.watched is None:
            return
        message = {
            "type": "ticket.presence",
            "ticket_id": self.watched,
            "agent_id": self.agent.pk,
            "agent_name": self.agent.display_name,
            "state": state,
        }
        if joined:
            message["joined"] = True
        async_to_sync(self.channel_layer.group_send)(realtime.ticket_group(self.watched), message)

    # Group message handlers (type "ticket.changed" -> ticket_changed).
    def ticket_changed(self, event: dict[str, Any]) -> None:
        self.send_json(event)

    def ticket_presence(self, event: dict[str, Any]) -> None:
        if event["agent_id"] == self.agent.pk:
            return
        self.send_json({key: value for key, value in event.items() if key != "joined"})
        if event.get("joined") and event["ticket_id"] == self.watched:
            self._presence("viewing")

    def notification_created(self, event: dict[str, Any]) -> None:
        self.send_json(event)

    # What a chat visitor does, on the group of their ticket (sapa.channels.chat.actions).
    # Only a connection watching that ticket is in the group; the check is cheap insurance.
    def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("ticket_id") == self.watched:
            self.send_json(
                {
                    "type": "chat.typing",
                    "ticket_id": self.watched,
                    "typing": bool(event.get("typing")),
                }
            )

    def chat_read(self, event: dict[str, Any]) -> None:
        up_to = event.get("up_to")
        if event.get("ticket_id") == self.watched and isinstance(up_to, int):
            self.send_json({"type": "chat.read", "ticket_id": self.watched, "up_to": up_to})

    def chat_page(self, event: dict[str, Any]) -> None:
        if event.get("ticket_id") == self.watched:
            self.send_json(
                {
                    "type": "chat.page",
                    "ticket_id": self.watched,
                    "url": str(event.get("url") or ""),
                    "title": str(event.get("title") or ""),
                }
            )

    # The visitor consumer's own messages on the visitor group never reach a console; on the
    # ticket group only the ones above do. Anything else a console ignores (a missing
    # handler would close the connection).
    def chat_seen(self, event: dict[str, Any]) -> None:
        pass

    def chat_conversation(self, event: dict[str, Any]) -> None:
        pass
