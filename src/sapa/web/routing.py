"""Websocket routes: the console's (agents, same origin, session auth) and the chat
widget's (visitors on the shop's pages: its own token and per-widget origin check)."""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from sapa.channels.chat.consumers import VisitorConsumer
from sapa.web.consumers import ConsoleConsumer

websocket_urlpatterns = [
    path(
        "ws/console/",
        AllowedHostsOriginValidator(AuthMiddlewareStack(ConsoleConsumer.as_asgi())),
    ),
    path("ws/chat/", VisitorConsumer.as_asgi()),
]
