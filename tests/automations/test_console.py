"""Settings → Automations in the console: the lists, the builder, order, on/off, delete;
for supervisors and admins only."""

import pytest

from sapa.accounts.models import Role
from sapa.automations.models import Rule, RuleKind
from sapa.core.models import Event
from tests.automations.rules import act, cond, make_rule, trigger
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    # In English, so that the assertions read as the msgids.
    return AgentFactory(username="sari", role=Role.SUPERVISOR, language="en")


@pytest.fixture
def agent():
    return AgentFactory(username="dewi", role=Role.AGENT)


def _builder_post(**extra):
    data = {
        "name": "Refund WhatsApp",
        "is_active": "on",
        "events": ["message.received"],
        "match": "all",
        "c-0-field": "channel",
        "c-0-op": "is",
        "c-0-value": "whatsapp",
        "c-1-field": "text",
        "c-1-op": "contains_any",
        "c-1-value": "refund, pengembalian dana",
        "c-2-field": "",
        "c-2-op": "is",
        "c-2-value": "",
        "a-0-type": "set_team",
        "a-0-value": "Pembayaran",
        "a-1-type": "add_tags",
        "a-1-value": "refund",
        "a-2-type": "",
        "a-2-value": "",
        "a-2-text": "",
    }
    data.update(extra)
    return data


def test_the_lists_show_every_kind_with_its_rules(client, supervisor):
    """Three sections; each rule with its conditions and actions in words."""
    # given
    TeamFactory(name="Pembayaran", slug="pembayaran")
    trigger(
        "Refund WhatsApp",
        events=["message.received"],
        conditions=[cond("channel", "is", "whatsapp")],
        actions=[act("set_team", "Pembayaran")],
    )
    client.force_login(supervisor)

    # when
    response = client.get("/manage/automations/")

    # then
    assert response.status_code == 200
    text = response.text
    for title in ("Routing rules", "Triggers", "Timed rules"):
        assert f">{title}</h2>" in text
    assert "Refund WhatsApp" in text
    assert "Channel is WhatsApp" in text
    assert "Set team: Pembayaran" in text
    assert "Pengingat: menunggu jawaban pelanggan 3 hari" in text
    assert 'aria-current="page">Automations</a>' in text


def test_a_supervisor_builds_a_trigger(client, supervisor):
    """The builder's rows become the rule (empty rows ignored); an Event records it."""
    # given
    team = TeamFactory(name="Pembayaran", slug="pembayaran")
    client.force_login(supervisor)
    assert client.get("/manage/automations/new/trigger/").status_code == 200

    # when
    response = client.post("/manage/automations/new/trigger/", _builder_post())

    # then
    rule = Rule.objects.get(kind=RuleKind.TRIGGER)
    assert response.status_code == 302
    assert response["Location"] == f"/manage/automations/{rule.pk}/"
    assert (rule.name, rule.is_active, rule.events) == (
        "Refund WhatsApp",
        True,
        ["message.received"],
    )
    assert rule.conditions == {
        "match": "all",
        "items": [
            {"field": "channel", "op": "is", "value": "whatsapp"},
            {"field": "text", "op": "contains_any", "value": ["refund", "pengembalian dana"]},
        ],
    }
    assert rule.actions == [
        {"type": "set_team", "value": team.pk},
        {"type": "add_tags", "value": ["refund"]},
    ]
    assert rule.created_by == supervisor
    created = Event.objects.get(verb="rule.created", subject_id=rule.pk)
    assert created.actor_agent == supervisor

    # and: the edit page shows it back, by name, with the latest tickets it matches
    inbound("mau refund", channel="whatsapp", email=None, phone="+6281234567890")
    page = client.get(f"/manage/automations/{rule.pk}/").text
    assert 'name="c-0-value" value="whatsapp"' in page
    assert 'name="a-0-value" value="Pembayaran"' in page
    assert "Matches among the latest tickets" in page
    assert "mau refund" in page


def test_mistakes_are_shown_beside_their_rows_and_nothing_is_saved(client, supervisor):
    """An unknown team and a missing value are reported on their rows (422)."""
    # given
    client.force_login(supervisor)

    # when
    response = client.post(
        "/manage/automations/new/trigger/",
        _builder_post(**{"a-0-value": "Tim Hantu", "c-0-value": ""}),
    )

    # then
    assert response.status_code == 422
    assert 'id="c-0-errors"' in response.text
    assert "Condition 1: a value is missing." in response.text
    assert "Action 1: nothing called “Tim Hantu”." in response.text
    assert 'name="c-1-value" value="refund, pengembalian dana"' in response.text
    assert not Rule.objects.filter(kind=RuleKind.TRIGGER).exists()


def test_order_switch_and_delete(client, supervisor):
    """Move down swaps two rules; switch off and delete work and leave Events."""
    # given
    first = make_rule(RuleKind.ROUTING, name="Satu", actions=[act("set_priority", "high")])
    second = make_rule(RuleKind.ROUTING, name="Dua", actions=[act("set_priority", "low")])
    client.force_login(supervisor)

    # when: the first moves down
    client.post(f"/manage/automations/{first.pk}/move/", {"direction": "down"})

    # then
    assert list(
        Rule.objects.filter(kind=RuleKind.ROUTING)
        .order_by("position")
        .values_list("name", flat=True)
    ) == ["Dua", "Satu"]

    # when: switched off, then deleted
    client.post(f"/manage/automations/{second.pk}/active/", {"is_active": "0"})
    second.refresh_from_db()
    assert second.is_active is False
    response = client.post(f"/manage/automations/{second.pk}/delete/")

    # then
    assert response.status_code == 302
    assert not Rule.objects.filter(pk=second.pk).exists()
    assert Event.objects.filter(verb="rule.deleted", subject_id=second.pk).count() == 1


def test_agents_may_not_see_or_change_automations(client, agent):
    """Every page answers 403 to an agent, and nothing changes."""
    # given
    rule = make_rule(RuleKind.ROUTING, name="Satu", actions=[act("set_priority", "high")])
    before = list(Rule.objects.order_by("pk").values_list("pk", "name", "is_active", "position"))
    client.force_login(agent)

    # when / then
    for url in (
        "/manage/automations/",
        "/manage/automations/new/trigger/",
        f"/manage/automations/{rule.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/manage/automations/new/trigger/", _builder_post()).status_code == 403
    for action, data in (
        ("move", {"direction": "up"}),
        ("active", {"is_active": "0"}),
        ("delete", {}),
    ):
        assert client.post(f"/manage/automations/{rule.pk}/{action}/", data).status_code == 403
    assert (
        list(Rule.objects.order_by("pk").values_list("pk", "name", "is_active", "position"))
        == before
    )
    assert not Event.objects.filter(verb__startswith="rule.", actor_agent=agent).exists()


def test_unknown_kinds_and_rules_are_not_found(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/manage/automations/new/magic/").status_code == 404
    assert client.get("/manage/automations/999999/").status_code == 404
