"""Routing in the console: the presence switch in the header, a team's assignment policy
(supervisors and admins only), and why a ticket went where it went."""

import pytest

from sapa.accounts.models import Presence, Role
from sapa.core.models import Event
from sapa.routing.models import AssignmentPolicy, TeamRouting
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(name="Pembayaran", slug="pembayaran")


@pytest.fixture
def supervisor(team):
    agent = AgentFactory(username="sari", first_name="Sari", role=Role.SUPERVISOR)
    agent.teams.add(team)
    return agent


@pytest.fixture
def agent(team):
    member = AgentFactory(username="dewi", first_name="Dewi", role=Role.AGENT)
    member.teams.add(team)
    return member


def test_an_agent_sets_their_own_presence_from_the_header(client, agent):
    client.force_login(agent)
    page = client.get("/inbox/").content.decode()
    assert 'id="presence-select"' in page
    assert '<option value="offline" selected>' in page
    # when
    response = client.post("/presence/", {"presence": "online", "next": "/inbox/?view=mine"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/inbox/?view=mine"
    agent.refresh_from_db()
    assert agent.presence == Presence.ONLINE
    event = Event.objects.get(verb="agent.presence_changed", subject_id=agent.pk)
    assert (event.before["presence"], event.after["presence"]) == ("offline", "online")


def test_presence_refuses_an_unknown_value_and_an_outside_redirect(client, agent):
    client.force_login(agent)
    response = client.post("/presence/", {"presence": "sleeping", "next": "https://evil.test/"})
    assert response["Location"] == "/inbox/"
    agent.refresh_from_db()
    assert agent.presence == Presence.OFFLINE


def test_a_supervisor_sets_a_teams_policy_and_overflow(client, supervisor, team):
    other = TeamFactory(name="Umum", slug="umum")
    client.force_login(supervisor)
    assert client.get(f"/manage/teams/{team.pk}/routing/").status_code == 200
    # when
    response = client.post(
        f"/manage/teams/{team.pk}/routing/",
        {
            "policy": "skills",
            "overflow_team": other.pk,
            "overflow_after_minutes": "15",
            "reassign_when_offline": "on",
        },
    )
    # then
    assert response.status_code == 302
    row = TeamRouting.objects.get(team=team)
    assert (row.policy, row.overflow_team, row.overflow_after_minutes) == (
        AssignmentPolicy.SKILLS,
        other,
        15,
    )
    assert Event.objects.filter(verb="team.routing_changed", subject_id=team.pk).count() == 1
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    teams_page = client.get("/manage/teams/").content.decode()
    assert "Best skill match" in teams_page


def test_a_team_cannot_overflow_to_itself(client, supervisor, team):
    client.force_login(supervisor)
    response = client.post(
        f"/manage/teams/{team.pk}/routing/",
        {"policy": "round_robin", "overflow_team": team.pk, "overflow_after_minutes": "5"},
    )
    assert response.status_code == 422
    assert not TeamRouting.objects.filter(team=team).exists()


def test_an_agent_may_not_change_routing(client, agent, team):
    client.force_login(agent)
    assert client.get(f"/manage/teams/{team.pk}/routing/").status_code == 403
    response = client.post(f"/manage/teams/{team.pk}/routing/", {"policy": "round_robin"})
    assert response.status_code == 403
    assert not TeamRouting.objects.filter(team=team).exists()


def test_the_team_routing_page_shows_each_members_load_against_capacity(
    client, supervisor, agent, team
):
    agent.capacity = {"whatsapp": 5}
    agent.save(update_fields=["capacity"])
    client.force_login(supervisor)
    page = client.get(f"/manage/teams/{team.pk}/routing/").content.decode()
    assert "Dewi" in page
    assert "0/5" in page
