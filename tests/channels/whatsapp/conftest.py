"""Fixtures for the WhatsApp channel: a fake Graph API on a loopback port, an account that
talks to it, and webhook posts whose on-commit work (processing, the bot, delivery) runs."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from sapa.channels.whatsapp.models import WhatsAppAccount
from tests.channels.whatsapp import fake_graph
from tests.channels.whatsapp.payloads import (
    APP_SECRET,
    DISPLAY_NUMBER,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    WABA_ID,
    post,
)


@pytest.fixture
def graph() -> Iterator[fake_graph.FakeGraph]:
    server, thread = fake_graph.start()
    yield server.fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def account(db: None, graph: fake_graph.FakeGraph) -> WhatsAppAccount:
    return WhatsAppAccount.objects.create(
        name="Toko Buku Sapa",
        phone_number_id=PHONE_NUMBER_ID,
        business_account_id=WABA_ID,
        display_phone_number=DISPLAY_NUMBER,
        access_token=fake_graph.TOKEN,
        app_secret=APP_SECRET,
        verify_token=VERIFY_TOKEN,
        graph_base_url=graph.base_url,
        api_version=fake_graph.VERSION,
    )


@pytest.fixture
def deliver(
    account: WhatsAppAccount, django_capture_on_commit_callbacks: Any, settings: Any
) -> Callable[..., Any]:
    """Post a signed delivery and run what it leaves for after commit (in tests, the worker's
    tasks run in-process, here in English so texts the worker writes read the same before
    and after translation). The shop's language is English too: the request's locale
    middleware activates it, and the worker's tasks run after the request in this thread."""
    settings.LANGUAGE_CODE = "en"
    client = Client()

    def send(payload: Any, **kwargs: Any) -> Any:
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            return post(client, payload, **kwargs)

    return send
