"""A shared location shows as a small card with its coordinates and address; no map is
loaded from anywhere."""

import pytest
from django.test import Client

from sapa.channels.kinds import Channel
from tests.builders import inbound
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_a_whatsapp_location_becomes_a_card_and_markup_stays_text() -> None:
    result = inbound(
        "[location]",
        channel=Channel.WHATSAPP,
        email=None,
        phone="+6281311112222",
        meta={
            "whatsapp": {
                "location": {
                    "latitude": -6.2607,
                    "longitude": 106.8137,
                    "name": "<b>Toko</b> Kemang",
                    "address": "Jl. Kemang Raya 8",
                }
            }
        },
    )
    client = Client()
    client.force_login(AgentFactory())
    page = client.get(f"/tickets/{result.ticket_id}/").content.decode()
    assert 'class="place-card"' in page
    assert "-6.2607, 106.8137" in page
    assert "Jl. Kemang Raya 8" in page
    assert "&lt;b&gt;Toko&lt;/b&gt; Kemang" in page


def test_a_plain_message_has_no_card() -> None:
    result = inbound("halo", channel=Channel.WHATSAPP, email=None, phone="+6281311113333")
    client = Client()
    client.force_login(AgentFactory())
    page = client.get(f"/tickets/{result.ticket_id}/").content.decode()
    assert 'class="place-card"' not in page
