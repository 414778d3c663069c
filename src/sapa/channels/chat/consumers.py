"""The widget's websocket: a visitor's live view of their own conversation.

The connection is the visitor's signed token (query string `token`) from a page whose
Origin the widget allows. It joins two groups: the visitor's own (`chat.visitor.<id>`:
a new conversation, read receipts) and the ticket group of the visitor's current ticket,
which every action on that ticket tells of a change (conversations.realtime). On a change
the consumer reads the messages after the last one it sent, through the same query the
long-poll uses: what the visitor sees is their current ticket's non-note messages, never
anything chosen by what the visitor sends.
"""

import time
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer
from django.conf import settings

from sapa.channels.chat import actions, queries
from sapa.channels.chat.access import check_origin, visitor_for_token
from sapa.channels.chat.exceptions import ChatRateLimited, OriginNotAllowed, UnknownVisitor
from sapa.channels.chat.models import ChatVisitor
from sapa.conversations.realtime import ticket_group
from sapa.core import rate_limits
from sapa.core.exceptions import SapaError

# How long a connection reuses its "who can answer now" (opening hours, agents online):
# it is a rough promise, and asking on every change would cost three queries each time.
AVAILABILITY_SECONDS = 30
UNAUTHORISED = 4401
FORBIDDEN = 4403
RATE_LIMITED = 4429


class VisitorConsumer(JsonWebsocketConsumer):
    visitor: ChatVisitor
    last_sent: int
    joined: list[str]
    last_status: tuple[Any, ...] | None

    def connect(self) -> None:
        self.joined = []
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        headers = dict(self.scope.get("headers", []))
        origin = headers.get(b"origin", b"").decode("latin-1")
        ip = (self.scope.get("client") or ("", 0))[0] or ""
        try:
            if not rate_limits.allow(
                "chat-ws-ip",
                ip,
                limit=settings.SAPA_CHAT_CONNECTS_PER_IP_PER_MINUTE,
                window_seconds=60,
            ):
                raise ChatRateLimited()
            visitor = visitor_for_token((query.get("token") or [""])[0])
            host = headers.get(b"host", b"").decode("latin-1")
            check_origin(visitor.widget, origin, host=host)
        except UnknownVisitor:
            self.close(code=UNAUTHORISED)
            return
        except OriginNotAllowed:
            self.close(code=FORBIDDEN)
            return
        except ChatRateLimited:
            self.close(code=RATE_LIMITED)
            return
        self.visitor = visitor
        self.ip = ip
        try:
            self.last_sent = max(0, int((query.get("after") or ["0"])[0]))
        except ValueError:
            self.last_sent = 0
        self.last_status = None
        self.available: queries.Availability | None = None
        self.available_at = 0.0
        self.accept()
        self._join()
        self._push()

    def _join(self) -> None:
        wanted = [actions.visitor_group(self.visitor.pk)]
        if self.visitor.current_ticket_id:
            wanted.append(ticket_group(self.visitor.current_ticket_id))
        for group in set(self.joined) - set(wanted):
            async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)
        for group in set(wanted) - set(self.joined):
            async_to_sync(self.channel_layer.group_add)(group, self.channel_name)
        self.joined = wanted

    def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            async_to_sync(self.channel_layer.group_discard)(group, self.channel_name)

    def _push(self) -> None:
        """Send the messages after the last one sent, and the status when it changed."""
        for message in queries.visitor_messages(self.visitor, after=self.last_sent):
            self.send_json({"type": "message", "message": message})
            self.last_sent = max(self.last_sent, message["id"])
        now = time.monotonic()
        if self.available is None or now - self.available_at > AVAILABILITY_SECONDS:
            self.available = queries.availability(self.visitor.widget, self.visitor.lang)
            self.available_at = now
        status = queries.status_event(self.visitor, self.available)
        key = (status["status"], status["agent"], status["availability"]["online"])
        if key != self.last_status:
            self.last_status = key
            self.send_json(status)

    def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        try:
            if kind == "ping":
                self.send_json({"type": "pong"})
            elif kind == "message":
                text = content.get("text")
                choice = content.get("choice")
                actions.visitor_says(
                    self.visitor,
                    text=text if isinstance(text, str) else "",
                    client_id=content.get("client_id"),
                    choice=choice if isinstance(choice, str) else None,
                    ip=self.ip,
                )
                self._refresh()
            elif kind == "typing":
                actions.set_typing(self.visitor, typing=bool(content.get("typing")))
            elif kind == "read":
                actions.mark_read_by_visitor(self.visitor, up_to=content.get("up_to"))
            elif kind == "page":
                url, title = content.get("url"), content.get("title")
                actions.set_page(
                    self.visitor,
                    url=url if isinstance(url, str) else "",
                    title=title if isinstance(title, str) else "",
                )
        except SapaError as error:
            self.send_json({"type": "error", "code": error.code, "message": str(error.message)})

    def _refresh(self) -> None:
        self.visitor.refresh_from_db(fields=["current_ticket", "agent_read_up_to", "name"])
        self._join()
        self._push()

    # Group messages (type "ticket.changed" -> ticket_changed).
    def ticket_changed(self, event: dict[str, Any]) -> None:
        if event.get("ticket_id") == self.visitor.current_ticket_id:
            self._push()

    def ticket_presence(self, event: dict[str, Any]) -> None:
        if event.get("ticket_id") != self.visitor.current_ticket_id:
            return
        name = str(event.get("agent_name") or "").split(" ")[0]
        self.send_json({"type": "typing", "typing": event.get("state") == "typing", "name": name})

    def chat_conversation(self, event: dict[str, Any]) -> None:
        self._refresh()

    def chat_seen(self, event: dict[str, Any]) -> None:
        self.send_json({"type": "read", "up_to": event.get("up_to", 0)})

    # The visitor's own signals on the ticket group are for the console.
    def chat_typing(self, event: dict[str, Any]) -> None:
        pass

    def chat_read(self, event: dict[str, Any]) -> None:
        pass

    def chat_page(self, event: dict[str, Any]) -> None:
        pass
