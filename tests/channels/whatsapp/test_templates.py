"""The template catalogue: fetched page by page from the business account, kept current by
Meta's review webhooks, and sent from a ticket once the 24-hour window has closed."""

from datetime import timedelta

import pytest
from django.utils import translation

from sapa.channels.whatsapp.exceptions import TemplateNotSendable, TemplateSyncFailed
from sapa.channels.whatsapp.message_templates import send_template, sync_templates
from sapa.channels.whatsapp.models import TemplateStatus, WhatsAppAccount, WhatsAppTemplate
from sapa.conversations.actions import reply
from sapa.conversations.exceptions import OutsideReplyWindow
from sapa.conversations.models import DeliveryStatus, Ticket
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, PermissionDenied
from tests.channels.whatsapp.payloads import WABA_ID, envelope, text
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


def body(text: str) -> dict:
    return {"type": "BODY", "text": text}


def listed(name: str, *components: dict, status: str = "APPROVED", language: str = "id") -> dict:
    return {
        "id": f"{abs(hash((name, language))) % 10**15}",
        "name": name,
        "language": language,
        "status": status,
        "category": "UTILITY",
        "components": list(components),
    }


CATALOGUE = [
    listed(
        "status_pesanan",
        body("Halo {{1}}, pesanan {{2}} sudah dikirim."),
        {"type": "FOOTER", "text": "Toko Buku Sapa"},
    ),
    listed("sapaan", body("Halo, ada yang bisa kami bantu?"), language="en"),
    listed("promo_baru", body("Promo {{1}}!"), status="PENDING"),
    listed("tolak", body("x"), status="REJECTED"),
    listed("faktur", {"type": "HEADER", "format": "DOCUMENT"}, body("Faktur {{1}}")),
    listed("sapa_nama", body("Hai {{nama}}, terima kasih!")),
]


@pytest.fixture
def catalogue(account, graph) -> WhatsAppAccount:
    graph.templates = [dict(t) for t in CATALOGUE]
    sync_templates(account, actor=SYSTEM)
    return account


def test_sync_reads_every_page_and_keeps_status_and_parameters(catalogue, graph):
    calls = [r for r in graph.requests if r.path.endswith("/message_templates")]
    assert [r.path for r in calls] == [f"/v21.0/{WABA_ID}/message_templates"] * 3
    assert [r.query.get("after") for r in calls] == [None, ["2"], ["4"]]
    assert calls[0].query["limit"] == ["100"]
    rows = {t.name: t for t in WhatsAppTemplate.objects.all()}
    assert set(rows) == {t["name"] for t in CATALOGUE}
    assert rows["status_pesanan"].parameter_names == ["1", "2"]
    assert rows["status_pesanan"].status == TemplateStatus.APPROVED
    assert rows["promo_baru"].status == TemplateStatus.PENDING
    assert rows["faktur"].unsupported_reason == "media_header"
    assert rows["sapa_nama"].parameter_names == ["nama"]
    catalogue.refresh_from_db()
    assert catalogue.templates_synced_at is not None


def test_a_second_sync_updates_and_removes(catalogue, graph):
    graph.templates = [listed("status_pesanan", body("Halo {{1}}!"), status="PAUSED")]
    result = sync_templates(catalogue, actor=SYSTEM)
    assert (result.created, result.updated, result.removed) == (0, 1, 5)
    only = WhatsAppTemplate.objects.get()
    assert (only.status, only.parameter_names) == (TemplateStatus.PAUSED, ["1"])


def test_a_failed_sync_keeps_the_catalogue_and_records_the_error(catalogue):
    WhatsAppAccount.objects.filter(pk=catalogue.pk).update(access_token="EAAexpired")
    catalogue.refresh_from_db()
    with pytest.raises(TemplateSyncFailed):
        sync_templates(catalogue, actor=SYSTEM)
    assert WhatsAppTemplate.objects.count() == len(CATALOGUE)
    catalogue.refresh_from_db()
    assert "access token" in catalogue.last_sync_error


def test_only_admins_sync(catalogue):
    agent = AgentFactory(username="ani")
    with pytest.raises(PermissionDenied):
        sync_templates(catalogue, actor=Actor.for_agent(agent))


def test_metas_review_webhook_updates_a_templates_status(catalogue, deliver):
    template = WhatsAppTemplate.objects.get(name="promo_baru")
    review = {
        "event": "APPROVED",
        "message_template_id": int(template.external_id),
        "message_template_name": "promo_baru",
        "message_template_language": "id",
        "reason": "NONE",
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [{"field": "message_template_status_update", "value": review}],
            }
        ],
    }
    assert deliver(payload).status_code == 200
    template.refresh_from_db()
    assert template.status == TemplateStatus.APPROVED


@pytest.fixture
def old_ticket(catalogue, deliver) -> Ticket:
    """A customer who wrote two days ago: the window is closed now."""
    with clock.frozen_at(clock.now() - timedelta(days=2)):
        deliver(envelope(messages=[text("halo, pesanan 10045?")]))
    return Ticket.objects.get()


def test_outside_the_window_a_reply_is_refused_but_a_template_goes(
    old_ticket, graph, django_capture_on_commit_callbacks
):
    agent = Actor.for_agent(AgentFactory(username="ani"))
    with pytest.raises(OutsideReplyWindow):
        reply(old_ticket, text="Halo kak", actor=agent)
    template = WhatsAppTemplate.objects.get(name="status_pesanan")
    with django_capture_on_commit_callbacks(execute=True):
        message = send_template(
            old_ticket, template=template, parameters=["Rina", "10045"], actor=agent
        )
    message.refresh_from_db()
    assert message.text == "Halo Rina, pesanan 10045 sudah dikirim."
    assert message.delivery_status == DeliveryStatus.SENT
    (sent,) = graph.sent()
    assert sent["type"] == "template"
    assert sent["template"] == {
        "name": "status_pesanan",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Rina"}, {"type": "text", "text": "10045"}],
            }
        ],
    }


def test_named_parameters_are_sent_with_their_names(
    old_ticket, graph, django_capture_on_commit_callbacks
):
    template = WhatsAppTemplate.objects.get(name="sapa_nama")
    with django_capture_on_commit_callbacks(execute=True):
        send_template(old_ticket, template=template, parameters=["Rina"], actor=SYSTEM)
    parameters = graph.sent()[0]["template"]["components"][0]["parameters"]
    assert parameters == [{"type": "text", "text": "Rina", "parameter_name": "nama"}]


def test_a_template_without_variables_sends_no_components(
    old_ticket, graph, django_capture_on_commit_callbacks
):
    template = WhatsAppTemplate.objects.get(name="sapaan")
    with django_capture_on_commit_callbacks(execute=True):
        send_template(old_ticket, template=template, parameters=[], actor=SYSTEM)
    assert graph.sent()[0]["template"] == {"name": "sapaan", "language": {"code": "en"}}


@pytest.mark.parametrize("name", ["promo_baru", "tolak", "faktur"])
def test_templates_that_are_not_approved_or_need_media_are_refused(old_ticket, name):
    template = WhatsAppTemplate.objects.get(name=name)
    with pytest.raises(TemplateNotSendable):
        send_template(old_ticket, template=template, parameters=["x"], actor=SYSTEM)


@pytest.mark.parametrize(
    ("values", "loc"),
    [(["Rina"], ["body", "parameters"]), (["Rina", "  "], ["body", "parameters", 1])],
)
def test_every_value_must_be_given(old_ticket, values, loc):
    template = WhatsAppTemplate.objects.get(name="status_pesanan")
    with translation.override("en"), pytest.raises(InvalidInput) as raised:
        send_template(old_ticket, template=template, parameters=values, actor=SYSTEM)
    assert raised.value.loc == loc
    assert old_ticket.messages.filter(direction="outbound").count() == 0


def test_values_are_put_on_one_line(old_ticket, graph, django_capture_on_commit_callbacks):
    """WhatsApp refuses parameters with new lines or runs of spaces (132018)."""
    template = WhatsAppTemplate.objects.get(name="status_pesanan")
    with django_capture_on_commit_callbacks(execute=True):
        send_template(
            old_ticket, template=template, parameters=["Rina\nKusuma", "10045    A"], actor=SYSTEM
        )
    texts = [p["text"] for p in graph.sent()[0]["template"]["components"][0]["parameters"]]
    assert texts == ["Rina Kusuma", "10045 A"]


def test_reply_skips_the_window_only_for_an_approved_template(old_ticket):
    """`approved_template=True` is the one way past the window check; the default checks."""
    with pytest.raises(OutsideReplyWindow):
        reply(old_ticket, text="Halo", actor=SYSTEM, channel="whatsapp")
    sent = reply(
        old_ticket,
        text="Halo",
        actor=SYSTEM,
        channel="whatsapp",
        approved_template=True,
        meta={"whatsapp_template": {"name": "sapaan", "language": "en"}},
    )
    assert sent.delivery_status == DeliveryStatus.QUEUED
