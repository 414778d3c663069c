"""WhatsApp in the console: admins set numbers up (secrets never shown back), fetch
templates and look after kept deliveries; others get 403. Through the test client."""

import pytest
from django.test import Client

from sapa.accounts.models import Role
from sapa.channels.whatsapp.models import (
    DeliveryStatus,
    WhatsAppAccount,
    WhatsAppTemplate,
    WhatsAppWebhookDelivery,
)
from sapa.conversations.models import Message
from sapa.core.models import Event
from tests.channels.whatsapp import fake_graph
from tests.channels.whatsapp.payloads import APP_SECRET, envelope, text
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(AgentFactory(username="ayu", role=Role.ADMIN, language="en"))
    return client


@pytest.fixture
def agent_client() -> Client:
    client = Client()
    client.force_login(AgentFactory(username="dewi", role=Role.AGENT, language="en"))
    return client


def form(**changes: str) -> dict[str, str]:
    return {
        "name": "Toko Buku Sapa",
        "display_phone_number": "+62 811 0000 0001",
        "phone_number_id": "109876543210999",
        "business_account_id": "209876543210999",
        "access_token": "EAAsecret-token-abcdef",
        "app_secret": "app-secret-9876",
        "verify_token": "verify-me-4321",
        "graph_base_url": "https://graph.facebook.com",
        "api_version": "v21.0",
        "is_active": "on",
        **changes,
    }


def test_an_admin_adds_a_number_and_its_secrets_are_never_shown_back(admin_client):
    team = TeamFactory(name="WhatsApp")
    response = admin_client.post("/manage/whatsapp/new/", form(team=str(team.pk)))
    assert response.status_code == 302
    account = WhatsAppAccount.objects.get()
    assert (account.access_token, account.app_secret) == (
        "EAAsecret-token-abcdef",
        "app-secret-9876",
    )
    assert account.team == team
    page = admin_client.get(f"/manage/whatsapp/{account.pk}/")
    assert page.status_code == 200
    for secret in ("EAAsecret-token-abcdef", "app-secret-9876", "verify-me-4321"):
        assert secret not in page.text
    assert "••••cdef" in page.text
    assert "/hooks/whatsapp/" in page.text
    event = Event.objects.get(verb="whatsapp.account_created")
    assert "EAAsecret-token-abcdef" not in str(event.after)


def test_empty_secrets_keep_the_stored_ones(admin_client):
    admin_client.post("/manage/whatsapp/new/", form())
    account = WhatsAppAccount.objects.get()
    changed = form(name="Toko Baru", access_token="", app_secret="", verify_token="")
    assert admin_client.post(f"/manage/whatsapp/{account.pk}/", changed).status_code == 302
    account.refresh_from_db()
    assert account.name == "Toko Baru"
    assert account.access_token == "EAAsecret-token-abcdef"
    assert account.verify_token == "verify-me-4321"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone_number_id": "12ab"}, "phone_number_id"),
        ({"access_token": ""}, "access_token"),
        ({"api_version": "21"}, "api_version"),
        ({"graph_base_url": "ftp://graph"}, "graph_base_url"),
    ],
)
def test_bad_values_come_back_on_their_field(admin_client, changes, field):
    response = admin_client.post("/manage/whatsapp/new/", form(**changes))
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert WhatsAppAccount.objects.count() == 0


def test_a_phone_number_id_in_use_is_refused(admin_client):
    admin_client.post("/manage/whatsapp/new/", form())
    response = admin_client.post("/manage/whatsapp/new/", form(name="Kedua"))
    assert response.status_code == 422
    assert response.context["form"].errors["phone_number_id"]
    assert WhatsAppAccount.objects.count() == 1


def test_agents_may_not_open_or_change_whatsapp_settings(agent_client, account):
    assert agent_client.get("/manage/whatsapp/").status_code == 403
    assert agent_client.post("/manage/whatsapp/new/", form()).status_code == 403
    assert agent_client.post(f"/manage/whatsapp/{account.pk}/sync/").status_code == 403
    assert agent_client.get("/manage/whatsapp/deliveries/").status_code == 403
    assert WhatsAppAccount.objects.count() == 1


def test_fetching_templates_lists_them_with_their_status(admin_client, account, graph):
    graph.templates = [
        {"id": "1", "name": "kabar_pesanan", "language": "id", "status": "APPROVED",
         "category": "UTILITY", "components": [{"type": "BODY", "text": "Halo {{1}}"}]},
        {"id": "2", "name": "promo", "language": "id", "status": "REJECTED",
         "category": "MARKETING", "components": [{"type": "BODY", "text": "Promo!"}],
         "rejected_reason": "PROMOTIONAL"},
    ]  # fmt: skip
    response = admin_client.post(f"/manage/whatsapp/{account.pk}/sync/", follow=True)
    assert response.status_code == 200
    assert "Templates fetched: 2 new" in response.text
    assert "kabar_pesanan" in response.text
    assert "Rejected" in response.text
    assert WhatsAppTemplate.objects.count() == 2
    listing = admin_client.get("/manage/whatsapp/")
    assert listing.context["accounts"][0].approved == 1


def test_a_quarantined_delivery_is_processed_again_once_its_number_is_added(
    admin_client, deliver, account
):
    # given: a message for a number Sapa did not know yet
    deliver(envelope(messages=[text("halo")], phone_number_id="555000111222"))
    kept = WhatsAppWebhookDelivery.objects.get()
    assert kept.status == DeliveryStatus.QUARANTINED
    page = admin_client.get("/manage/whatsapp/deliveries/")
    assert "555000111222" in page.text
    body = admin_client.get(f"/manage/whatsapp/deliveries/{kept.pk}/")
    assert body["Content-Type"].startswith("text/plain")
    assert b'"phone_number_id":"555000111222"' in body.content
    # when: the number is added (same Meta app) and the delivery re-processed
    WhatsAppAccount.objects.create(
        name="Cabang",
        phone_number_id="555000111222",
        business_account_id="1",
        access_token=fake_graph.TOKEN,
        app_secret=APP_SECRET,
        verify_token="x" * 10,
    )
    response = admin_client.post(
        f"/manage/whatsapp/deliveries/{kept.pk}/reprocess/", {"show": "quarantined"}
    )
    # then
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.status == DeliveryStatus.PROCESSED
    assert Message.objects.get().text == "halo"
    assert Event.objects.filter(verb="whatsapp.delivery_reprocessed").count() == 1


def test_a_quarantined_delivery_can_be_discarded_and_keeps_its_body(admin_client, deliver):
    deliver(None, raw=b"not json at all")
    kept = WhatsAppWebhookDelivery.objects.get()
    admin_client.post(f"/manage/whatsapp/deliveries/{kept.pk}/discard/", {"show": "quarantined"})
    kept.refresh_from_db()
    assert kept.status == DeliveryStatus.DISCARDED
    assert bytes(kept.body) == b"not json at all"
    listing = admin_client.get("/manage/whatsapp/deliveries/?show=all")
    assert listing.context["rows"][0].pk == kept.pk


@pytest.fixture
def templates(account, graph):
    from sapa.channels.whatsapp.message_templates import sync_templates
    from sapa.core.actors import Actor

    graph.templates = [
        {"id": "1", "name": "kabar_pesanan", "language": "id", "status": "APPROVED",
         "category": "UTILITY", "components": [{"type": "BODY", "text": "Halo {{1}}"}]},
    ]  # fmt: skip
    sync_templates(account, actor=Actor.system("test"))
    return WhatsAppTemplate.objects.get()


def test_the_composer_folds_the_templates_while_the_window_is_open(deliver, templates):
    from sapa.conversations.models import Ticket

    deliver(envelope(messages=[text("halo")]))
    ticket = Ticket.objects.get()
    client = Client()
    client.force_login(AgentFactory(username="sari", role=Role.SUPERVISOR, language="en"))
    page = client.get(f"/tickets/{ticket.pk}/")
    assert page.context["whatsapp"].window_open is True
    assert '<details class="whatsapp-templates" id="whatsapp-templates">' in page.text
    assert "kabar_pesanan" in page.text
    assert "more than 24 hours ago" not in page.text


def test_sending_a_template_needs_the_ticket_and_every_value(
    deliver, templates, graph, django_capture_on_commit_callbacks
):
    from sapa.conversations.models import Ticket

    deliver(envelope(messages=[text("halo")]))
    ticket = Ticket.objects.get()
    team = TeamFactory(name="Lain")
    outsider = AgentFactory(username="joko", role=Role.AGENT, language="en")
    outsider.teams.add(team)
    Ticket.objects.filter(pk=ticket.pk).update(team=TeamFactory(name="Pesanan"))
    client = Client()
    client.force_login(outsider)
    url = f"/tickets/{ticket.pk}/whatsapp-template/"
    assert client.post(url, {"template": templates.pk, "parameter_0": "Rina"}).status_code == 404
    client.force_login(AgentFactory(username="ayu", role=Role.ADMIN, language="en"))
    assert client.post(url, {"template": "999999", "parameter_0": "Rina"}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        missing = client.post(url, {"template": templates.pk, "parameter_0": " "}, follow=True)
    assert "Fill in every value." in missing.text
    assert graph.sent() == []
