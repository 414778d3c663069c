"""Widgets and visitors for chat tests: the widget's HTTP calls made the way widget.js makes
them (JSON, the visitor token header, the embedding page's Origin)."""

import itertools
from typing import Any

from django.test import Client

from sapa.channels.chat.models import ChatWidget

SHOP = "https://tokobuku.example"
_ids = itertools.count(1)


def make_widget(**fields: Any) -> ChatWidget:
    defaults: dict[str, Any] = {
        "name": "Toko Buku",
        "title": "Toko Buku Sapa",
        "allowed_origins": SHOP,
        "business_hours": "mon-sun 00:00-23:59",
    }
    return ChatWidget.objects.create(**{**defaults, **fields})


class Visitor:
    """One browser with the widget open on SHOP."""

    def __init__(self, widget: ChatWidget, *, origin: str = SHOP, token: str | None = None):
        self.client = Client(headers={"origin": origin})
        self.widget = widget
        self.token = token
        self.session: dict[str, Any] = {}

    def open(self, **extra: Any) -> Any:
        response = self.client.post(
            "/chat/v1/session",
            {"key": self.widget.key, "token": self.token, "lang": "id", **extra},
            content_type="application/json",
        )
        if response.status_code == 200:
            self.session = response.json()
            self.token = self.session["token"]
        return response

    def post(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(
            path,
            data,
            content_type="application/json",
            headers={"x-sapa-visitor": self.token or ""},
        )

    def say(self, text: str, **extra: Any) -> Any:
        return self.post(
            "/chat/v1/messages", {"text": text, "client_id": f"c{next(_ids)}", **extra}
        )

    def events(self, after: int = 0) -> Any:
        return self.client.get(
            f"/chat/v1/events?after={after}&wait=0", headers={"x-sapa-visitor": self.token or ""}
        )
