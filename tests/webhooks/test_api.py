"""`/api/v1/webhooks`: admins' tokens create, read, change and delete subscriptions and page
through their delivery log; other roles get 403 and change nothing."""

import pytest

from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.webhooks import actions
from sapa.webhooks.actions import SubscriptionDraft
from sapa.webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test")
URL = "https://crm.example.com/sapa"


def _webhook(name="CRM", events=("ticket.created",)):
    return actions.create_subscription(
        SubscriptionDraft(name=name, url=URL, events=list(events)), actor=SYSTEM
    )


def test_create_then_read_a_webhook(admin_api):
    # when
    response = admin_api.post_json(
        "/api/v1/webhooks", {"name": "CRM", "url": URL, "events": ["ticket.*", "order.created"]}
    )
    # then
    assert response.status_code == 201
    webhook = WebhookSubscription.objects.get()
    body = response.json()
    assert body == {
        "id": webhook.pk,
        "name": "CRM",
        "url": URL,
        "secret": webhook.secret,
        "events": ["order.created", "ticket.*"],
        "is_active": True,
        "consecutive_failures": 0,
        "disabled_at": None,
        "disabled_reason": "",
        "created_at": body["created_at"],
    }
    assert admin_api.get(f"/api/v1/webhooks/{webhook.pk}").json() == body
    assert admin_api.get("/api/v1/webhooks").json() == [body]
    assert Event.objects.filter(verb="webhook.created", actor_agent=admin_api.agent).exists()


def test_the_list_takes_a_fixed_number_of_queries(admin_api, django_assert_num_queries):
    for name in ("CRM", "Gudang", "Warehouse"):
        actions.send_test_event(_webhook(name=name), actor=SYSTEM)
    with django_assert_num_queries(3):  # authentication, then one for the list
        response = admin_api.get("/api/v1/webhooks")
    assert [item["name"] for item in response.json()] == ["CRM", "Gudang", "Warehouse"]


def test_bad_input_names_the_field(admin_api, settings):
    settings.SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    refused = admin_api.post_json(
        "/api/v1/webhooks", {"name": "x", "url": "http://127.0.0.1/", "events": ["*"]}
    )
    unknown = admin_api.post_json(
        "/api/v1/webhooks", {"name": "x", "url": URL, "events": ["ticket.exploded"]}
    )
    assert refused.status_code == unknown.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "url"]
    assert refused.json()["detail"][0]["type"] == "url_refused"
    assert unknown.json()["detail"] == [
        {
            "loc": ["body", "events"],
            "msg": "Event tidak dikenal: ticket.exploded.",
            "type": "unknown_events",
        }
    ]
    assert not WebhookSubscription.objects.exists()


def test_patch_changes_only_what_is_given_and_switches_off_and_on(admin_api):
    webhook = _webhook()
    response = admin_api.patch_json(f"/api/v1/webhooks/{webhook.pk}", {"events": ["*"]})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["events"]) == ("CRM", ["*"])
    off = admin_api.patch_json(f"/api/v1/webhooks/{webhook.pk}", {"is_active": False}).json()
    assert (off["is_active"], off["disabled_reason"]) == (
        False,
        f"Dinonaktifkan oleh {admin_api.agent.display_name}.",
    )
    on = admin_api.patch_json(f"/api/v1/webhooks/{webhook.pk}", {"is_active": True}).json()
    assert (on["is_active"], on["disabled_reason"], on["disabled_at"]) == (True, "", None)


def test_rotate_the_secret(admin_api):
    webhook = _webhook()
    response = admin_api.post(f"/api/v1/webhooks/{webhook.pk}/secret")
    assert response.status_code == 200
    webhook.refresh_from_db()
    assert response.json()["secret"] == webhook.secret != ""


def test_delete_a_webhook(admin_api):
    webhook = _webhook()
    assert admin_api.delete(f"/api/v1/webhooks/{webhook.pk}").status_code == 204
    assert not WebhookSubscription.objects.exists()
    missing = admin_api.get(f"/api/v1/webhooks/{webhook.pk}")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Webhook tidak ditemukan.", "code": "webhook_not_found"}


def test_the_delivery_log_is_paged_with_a_cursor(admin_api, django_assert_num_queries):
    # given
    webhook = _webhook()
    ids = [actions.send_test_event(webhook, actor=SYSTEM).pk for _ in range(5)]
    # when
    with django_assert_num_queries(4):  # authentication, the webhook, the page
        first = admin_api.get(f"/api/v1/webhooks/{webhook.pk}/deliveries?limit=3").json()
    second = admin_api.get(
        f"/api/v1/webhooks/{webhook.pk}/deliveries?limit=3&cursor={first['next_cursor']}"
    ).json()
    # then
    assert [item["id"] for item in first["items"]] == ids[::-1][:3]
    assert [item["id"] for item in second["items"]] == ids[::-1][3:]
    assert second["next_cursor"] is None
    item = first["items"][0]
    assert (item["event"], item["status"], item["attempts"], item["payload"]) == (
        "webhook.test",
        "pending",
        0,
        {"message": "This is a test event from Sapa."},
    )
    bad = admin_api.get(f"/api/v1/webhooks/{webhook.pk}/deliveries?cursor=nonsense")
    assert bad.status_code == 422


def test_test_event_and_redeliver(admin_api):
    webhook = _webhook()
    sent = admin_api.post(f"/api/v1/webhooks/{webhook.pk}/test")
    assert sent.status_code == 202
    again = admin_api.post(f"/api/v1/webhooks/deliveries/{sent.json()['id']}/redeliver")
    assert again.status_code == 202
    assert again.json()["redelivery_of"] == sent.json()["id"]
    assert WebhookDelivery.objects.count() == 2


@pytest.mark.parametrize("client_name", ["supervisor_api", "agent_api"])
def test_other_roles_are_refused_and_nothing_changes(request, client_name):
    api = request.getfixturevalue(client_name)
    webhook = _webhook()
    secret = webhook.secret
    calls = [
        api.get("/api/v1/webhooks"),
        api.post_json("/api/v1/webhooks", {"name": "x", "url": URL, "events": ["*"]}),
        api.get(f"/api/v1/webhooks/{webhook.pk}"),
        api.patch_json(f"/api/v1/webhooks/{webhook.pk}", {"name": "Diretas"}),
        api.delete(f"/api/v1/webhooks/{webhook.pk}"),
        api.post(f"/api/v1/webhooks/{webhook.pk}/secret"),
        api.post(f"/api/v1/webhooks/{webhook.pk}/test"),
        api.get(f"/api/v1/webhooks/{webhook.pk}/deliveries"),
    ]
    assert [call.status_code for call in calls] == [403] * len(calls)
    assert calls[0].json()["code"] == "permission_denied"
    webhook.refresh_from_db()
    assert (webhook.name, webhook.secret) == ("CRM", secret)
    assert WebhookSubscription.objects.count() == 1
    assert not WebhookDelivery.objects.exists()
