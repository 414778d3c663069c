"""Webhooks in the console: admins create one, see its secret, send a test event, read the
delivery log and a delivery, redeliver, rotate the secret, switch it off and on; anyone
else is refused and nothing changes."""

import json

import pytest

from sapa.accounts.models import Role
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.webhooks import actions
from sapa.webhooks.actions import SubscriptionDraft
from sapa.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")


@pytest.fixture
def admin():
    return AgentFactory(username="ayu", first_name="Ayu", role=Role.ADMIN, language="en")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def webhook(receiver):
    return actions.create_subscription(
        SubscriptionDraft(name="CRM", url=receiver.url, events=["ticket.created"]), actor=SYSTEM
    )


def test_admin_creates_a_webhook_and_sees_its_secret(client, admin, receiver):
    # given
    client.force_login(admin)
    # when
    response = client.post(
        "/manage/webhooks/new/",
        {"name": "CRM", "url": receiver.url, "events": ["ticket.created", "order.updated"]},
    )
    # then
    webhook = WebhookSubscription.objects.get()
    assert response.status_code == 302
    assert response.url == f"/manage/webhooks/{webhook.pk}/"
    assert (webhook.name, webhook.url, webhook.events, webhook.created_by_id) == (
        "CRM",
        receiver.url,
        ["order.updated", "ticket.created"],
        admin.pk,
    )
    assert webhook.secret.startswith("whsec_")
    assert len(webhook.secret) >= 43 + 6
    page = client.get(response.url).text
    assert f'value="{webhook.secret}"' in page
    assert "Nothing sent yet." in page
    assert Event.objects.filter(verb="webhook.created", actor_agent=admin).exists()
    listing = client.get("/manage/webhooks/").text
    assert "CRM" in listing
    assert receiver.url in listing


def test_a_refused_url_is_shown_on_its_field_and_nothing_is_saved(client, admin, settings):
    settings.SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    client.force_login(admin)
    response = client.post(
        "/manage/webhooks/new/",
        {"name": "Intranet", "url": "http://127.0.0.1:8080/", "events": ["ticket.created"]},
    )
    assert response.status_code == 422
    assert "points into a private network" in response.text
    assert not WebhookSubscription.objects.exists()


def test_test_event_appears_in_the_log_with_its_details(
    client, admin, webhook, receiver, committed
):
    # given
    client.force_login(admin)
    # when
    with committed():
        response = client.post(f"/manage/webhooks/{webhook.pk}/test/")
    # then
    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 302
    assert (delivery.event, delivery.status, delivery.last_status_code) == (
        "webhook.test",
        DeliveryStatus.DELIVERED,
        200,
    )
    (request,) = receiver.requests
    assert json.loads(request.body)["event"] == "webhook.test"
    log = client.get(f"/manage/webhooks/{webhook.pk}/").text
    assert f'href="/manage/webhooks/deliveries/{delivery.pk}/"' in log
    assert "HTTP 200" in log
    detail = client.get(f"/manage/webhooks/deliveries/{delivery.pk}/").text
    assert "This is a test event from Sapa." in detail
    assert "{&quot;ok&quot;: true}" in detail


def test_redeliver_sends_the_same_event_again_as_a_new_delivery(
    client, admin, webhook, receiver, committed
):
    # given
    client.force_login(admin)
    receiver.answers = [500]
    with committed():
        first = actions.send_test_event(webhook, actor=SYSTEM)
    # when
    with committed():
        response = client.post(f"/manage/webhooks/deliveries/{first.pk}/redeliver/")
    # then
    copy = WebhookDelivery.objects.exclude(pk=first.pk).get()
    assert response.url == f"/manage/webhooks/deliveries/{copy.pk}/"
    assert (copy.redelivery_of_id, copy.event, copy.status) == (
        first.pk,
        "webhook.test",
        DeliveryStatus.DELIVERED,
    )
    first.refresh_from_db()
    assert first.status == DeliveryStatus.FAILED
    assert len(receiver.requests) == 2
    assert (
        json.loads(receiver.requests[1].body)["data"]
        == json.loads(receiver.requests[0].body)["data"]
    )


def test_the_log_is_paginated_newest_first(client, admin, webhook, settings):
    # given 27 deliveries (nothing sent: the on-commit work does not run)
    client.force_login(admin)
    deliveries = [actions.send_test_event(webhook, actor=SYSTEM) for _ in range(27)]
    # when
    first_page = client.get(f"/manage/webhooks/{webhook.pk}/").text
    # then
    assert f'href="/manage/webhooks/deliveries/{deliveries[-1].pk}/"' in first_page
    assert f'href="/manage/webhooks/deliveries/{deliveries[1].pk}/"' not in first_page
    cursor = first_page.split('href="?cursor=')[1].split('"')[0]
    second_page = client.get(f"/manage/webhooks/{webhook.pk}/?cursor={cursor}").text
    assert f'href="/manage/webhooks/deliveries/{deliveries[1].pk}/"' in second_page
    assert f'href="/manage/webhooks/deliveries/{deliveries[-1].pk}/"' not in second_page
    assert 'href="?cursor=' not in second_page


def test_rotate_switch_off_and_on(client, admin, webhook):
    client.force_login(admin)
    old_secret = webhook.secret
    assert client.post(f"/manage/webhooks/{webhook.pk}/secret/").status_code == 302
    webhook.refresh_from_db()
    assert webhook.secret != old_secret
    assert client.post(f"/manage/webhooks/{webhook.pk}/switch/").status_code == 302
    webhook.refresh_from_db()
    assert (webhook.is_active, webhook.disabled_reason) == (False, "Switched off by Ayu.")
    page = client.get(f"/manage/webhooks/{webhook.pk}/").text
    assert 'id="webhook-disabled"' in page
    assert client.post(f"/manage/webhooks/{webhook.pk}/switch/", {"on": "1"}).status_code == 302
    webhook.refresh_from_db()
    assert webhook.is_active is True
    assert client.post(f"/manage/webhooks/{webhook.pk}/delete/").status_code == 302
    assert not WebhookSubscription.objects.exists()


def test_a_supervisor_or_agent_is_refused_and_nothing_changes(client, webhook, receiver):
    delivery = actions.send_test_event(webhook, actor=SYSTEM)
    secret = webhook.secret
    for role in (Role.SUPERVISOR, Role.AGENT):
        client.force_login(AgentFactory(role=role))
        for path in (
            "/manage/webhooks/",
            "/manage/webhooks/new/",
            f"/manage/webhooks/{webhook.pk}/",
            f"/manage/webhooks/deliveries/{delivery.pk}/",
        ):
            assert client.get(path).status_code == 403, path
        for path in (
            "/manage/webhooks/new/",
            f"/manage/webhooks/{webhook.pk}/",
            f"/manage/webhooks/{webhook.pk}/test/",
            f"/manage/webhooks/{webhook.pk}/secret/",
            f"/manage/webhooks/{webhook.pk}/switch/",
            f"/manage/webhooks/{webhook.pk}/delete/",
            f"/manage/webhooks/deliveries/{delivery.pk}/redeliver/",
        ):
            response = client.post(path, {"name": "x", "url": "http://x/", "events": ["*"]})
            assert response.status_code == 403, path
        assert 'href="/manage/webhooks/"' not in client.get("/manage/agents/").text
    webhook.refresh_from_db()
    assert (webhook.name, webhook.secret, webhook.is_active) == ("CRM", secret, True)
    assert WebhookSubscription.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1
    assert receiver.requests == []


def test_the_settings_navigation_links_webhooks_for_admins(client, admin):
    client.force_login(admin)
    assert 'href="/manage/webhooks/"' in client.get("/manage/agents/").text
