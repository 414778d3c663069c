"""Agents find tickets by what was written in them (the database's full-text engine)."""

from typing import Any

import pytest

from sapa.conversations.actions import add_note
from sapa.conversations.models import Message, Ticket
from sapa.core.actors import Actor
from tests.builders import inbound

pytestmark = pytest.mark.django_db


def numbers(api: Any, q: str) -> list[int]:
    response = api.get("/api/v1/tickets", {"q": q})
    assert response.status_code == 200, response.content
    return sorted(item["number"] for item in response.json()["items"])


def test_a_word_inside_a_message_finds_its_ticket(admin_api: Any) -> None:
    first = inbound("Paket ke Kupang belum sampai, resi JNE 0123456789", email="a@example.com")
    second = inbound("Mau tanya stok buku Laut Bercerita", email="b@example.com")
    assert numbers(admin_api, "kupang") == [first.ticket_number]
    assert numbers(admin_api, "laut bercer") == [second.ticket_number]  # words by prefix
    assert numbers(admin_api, "kupang laut") == []  # every word, in one message
    assert numbers(admin_api, '"kupang"* ( :') == [first.ticket_number]  # syntax is inert
    assert numbers(admin_api, '"kupang" OR * NEAR(') == []  # or, near: words like any other


def test_notes_and_edits_are_found_and_deleted_messages_are_not(admin_api: Any) -> None:
    result = inbound("Halo kak", email="c@example.com")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    add_note(ticket, text="Pelanggan minta faktur pajak", actor=Actor.for_agent(admin_api.agent))
    assert numbers(admin_api, "faktur") == [result.ticket_number]
    message = Message.objects.get(pk=result.message_id)
    message.text = "Halo kak, tolong kirim ulang"
    message.save(update_fields=["text"])
    assert numbers(admin_api, "ulang") == [result.ticket_number]
    message.delete()
    assert numbers(admin_api, "ulang") == []
