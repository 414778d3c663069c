"""The team-settings pages: agents, teams, macros and tags, for supervisors and admins
only, every change through an action that leaves an Event."""

import re

import pytest
from django.contrib.auth import SESSION_KEY

from sapa.accounts.actions import set_agent_skills
from sapa.accounts.models import Agent, AgentSkill, Role, Skill, Team
from sapa.conversations.actions import MacroDraft, create_macro, tag_ticket
from sapa.conversations.models import Macro, Ticket
from sapa.core.actors import Actor
from sapa.core.models import Event, Tag
from sapa.customers.actions import set_customer_tags
from sapa.customers.models import Customer
from tests.builders import inbound
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

PAGES = ("/manage/agents/", "/manage/teams/", "/manage/macros/", "/manage/tags/")


@pytest.fixture
def team():
    return TeamFactory(name="Pengiriman", slug="pengiriman")


@pytest.fixture
def admin():
    return AgentFactory(username="admin", first_name="Ayu", role=Role.ADMIN, is_superuser=True)


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


def _macro(name, body="Halo", **fields):
    return create_macro(
        MacroDraft(name=name, body=body, language=fields.pop("language", "id"), **fields),
        actor=Actor.system("test"),
    )


def _events(verb):
    return list(Event.objects.filter(verb=verb).order_by("pk"))


def _tagged_ticket(*names):
    result = inbound("paket belum sampai", email="rina@example.com", name="Rina")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    tag_ticket(ticket, add=list(names), actor=Actor.system("test"))
    return ticket


# --- access ---------------------------------------------------------------------------


def test_every_manage_page_renders_for_a_supervisor_and_an_admin(client, supervisor, admin, agent):
    """Both roles see the four pages, the agent's edit page and the new-macro page."""
    macro = _macro("Salam", "Halo {{ customer.first_name }}")
    _tagged_ticket("vip")
    for manager in (supervisor, admin):
        client.force_login(manager)
        for url in (*PAGES, f"/manage/agents/{agent.pk}/", "/manage/macros/new/",
                    f"/manage/macros/{macro.pk}/"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 200, url
            assert 'aria-current="page"' in response.text


def test_an_agent_gets_403_everywhere_and_changes_nothing(client, agent, supervisor, team):
    """Agents may not see team settings, and posting to them changes nothing."""
    macro = _macro("Salam")
    ticket = _tagged_ticket("vip")
    tag = Tag.objects.get(name="vip")
    events_before = Event.objects.count()
    client.force_login(agent)
    for url in (*PAGES, f"/manage/agents/{supervisor.pk}/", "/manage/macros/new/",
                f"/manage/macros/{macro.pk}/"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    posts = {
        "/manage/agents/": {"username": "baru", "first_name": "Baru", "email": "b@x.test",
                            "role": "agent"},
        f"/manage/agents/{agent.pk}/": {"role": "admin", "language": "id", "is_active": "on"},
        f"/manage/agents/{supervisor.pk}/link/": {},
        "/manage/teams/": {"name": "Retur"},
        f"/manage/teams/{team.pk}/rename/": {"name": "Logistik"},
        "/manage/macros/new/": {"name": "X", "body": "Y", "language": "id"},
        f"/manage/macros/{macro.pk}/": {"name": "X", "body": "Y", "language": "id"},
        f"/manage/macros/{macro.pk}/deactivate/": {},
        f"/manage/tags/{tag.pk}/rename/": {"name": "penting"},
        f"/manage/tags/{tag.pk}/delete/": {},
    }  # fmt: skip
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert Event.objects.count() == events_before
    assert not Agent.objects.filter(username="baru").exists()
    assert Agent.objects.get(pk=agent.pk).role == Role.AGENT
    assert Team.objects.get(pk=team.pk).name == "Pengiriman"
    assert list(Team.objects.values_list("name", flat=True)) == ["Pengiriman"]
    assert Macro.objects.get(pk=macro.pk).name == "Salam"
    assert Macro.objects.get(pk=macro.pk).is_active
    assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in PAGES:
        assert client.get(url).url.startswith("/login/")


# --- agents ---------------------------------------------------------------------------


def test_agents_page_lists_role_teams_skills_capacity_and_status(client, supervisor, team):
    # given
    agent = AgentFactory(username="dewi", role=Role.AGENT, capacity={"chat": 5, "email": 20})
    agent.teams.add(team)
    set_agent_skills(agent, levels={"pembayaran": 4}, actor=Actor.system("test"))
    client.force_login(supervisor)
    # when
    page = client.get("/manage/agents/", headers={"accept-language": "en"}).text
    # then
    row = page.split(f'/manage/agents/{agent.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert "Agen" in row  # the role, in the agent's (supervisor's) language
    assert "Pengiriman" in row
    assert "pembayaran" in row
    assert "4" in row
    assert "Chat web: 5" in row
    assert "Email: 20" in row


def test_inviting_creates_an_agent_whose_link_sets_a_password_and_signs_in(
    client, supervisor, team
):
    """The invited agent has no usable password; the link, shown once, lets them choose
    one and signs them in; it does not work a second time."""
    # given
    client.force_login(supervisor)
    # when
    response = client.post(
        "/manage/agents/",
        {
            "username": "bayu",
            "first_name": "Bayu",
            "last_name": "Saputra",
            "email": "Bayu@TokoBuku.test",
            "role": "agent",
            "teams": [team.pk],
        },
    )
    # then
    assert response.status_code == 302
    invited = Agent.objects.get(username="bayu")
    assert not invited.has_usable_password()
    assert invited.email == "bayu@tokobuku.test"
    assert invited.role == Role.AGENT
    assert list(invited.teams.all()) == [team]
    assert [e.subject_id for e in _events("agent.invited")] == [invited.pk]
    page = client.get("/manage/agents/").text
    link = re.search(r'value="(http://testserver/password/set/[^"]+)"', page).group(1)
    assert "/password/set/" not in client.get("/manage/agents/").text  # shown once
    # when the invited agent opens the link
    client.logout()
    path = link.removeprefix("http://testserver")
    form = client.get(path)
    assert form.status_code == 200
    assert "bayu" in form.text
    done = client.post(
        path, {"new_password1": "buku-baru-2026!", "new_password2": "buku-baru-2026!"}
    )
    # then
    assert done.url == "/inbox/"
    assert client.session[SESSION_KEY] == str(invited.pk)
    invited.refresh_from_db()
    assert invited.check_password("buku-baru-2026!")
    assert [e.actor_agent_id for e in _events("agent.password_changed")] == [invited.pk]
    client.logout()
    assert client.get(path).status_code == 404  # used once
    signed_in = client.post("/login/", {"username": "bayu", "password": "buku-baru-2026!"})
    assert signed_in.url == "/inbox/"


def test_a_bad_invitation_link_changes_nothing(client, agent):
    response = client.post(
        "/password/set/MTIz/nonsense-token/",
        {"new_password1": "buku-baru-2026!", "new_password2": "buku-baru-2026!"},
    )
    assert response.status_code == 404
    assert SESSION_KEY not in client.session
    assert _events("agent.password_changed") == []


def test_invite_form_errors_are_shown_and_nothing_is_created(client, supervisor, agent):
    client.force_login(supervisor)
    response = client.post(
        "/manage/agents/",
        {"username": "Dewi", "first_name": "Dewi", "email": "bukan-email", "role": "agent"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert Agent.objects.filter(username__iexact="dewi").count() == 1
    assert _events("agent.invited") == []


def test_only_admins_invite_supervisors(client, supervisor, admin):
    """A supervisor's invite form offers only the agent role, and a forged role is refused."""
    client.force_login(supervisor)
    data = {"username": "tono", "first_name": "Tono", "email": "tono@x.test", "role": "admin"}
    assert client.post("/manage/agents/", data).status_code == 422
    assert not Agent.objects.filter(username="tono").exists()
    client.force_login(admin)
    assert client.post("/manage/agents/", data).status_code == 302
    tono = Agent.objects.get(username="tono")
    assert tono.role == Role.ADMIN
    assert tono.is_superuser


def test_supervisor_edits_teams_skills_capacity_and_language(client, supervisor, agent, team):
    # given
    other = TeamFactory(name="Retur", slug="retur")
    set_agent_skills(agent, levels={"pembayaran": 2}, actor=Actor.system("test"))
    known = Skill.objects.get(name="pembayaran")
    client.force_login(supervisor)
    # when
    response = client.post(
        f"/manage/agents/{agent.pk}/",
        {
            "teams": [other.pk],
            "language": "en",
            "is_active": "on",
            f"skill_{known.pk}": "5",
            "new_skill": "Bahasa Inggris",
            "new_skill_level": "3",
            "capacity_chat": "5",
            "capacity_email": "20",
            "capacity_whatsapp": "",
        },
    )
    # then
    assert response.status_code == 302
    agent.refresh_from_db()
    assert list(agent.teams.all()) == [other]
    assert agent.language == "en"
    assert agent.capacity == {"chat": 5, "email": 20}
    assert agent.role == Role.AGENT
    levels = {row.skill.name: row.level for row in agent.skills.select_related("skill")}
    assert levels == {"pembayaran": 5, "bahasa-inggris": 3}
    (updated,) = _events("agent.updated")
    assert updated.before == {"language": "id", "capacity": {}, "teams": [team.pk]}
    assert updated.after == {
        "language": "en",
        "capacity": {"chat": 5, "email": 20},
        "teams": [other.pk],
    }
    assert updated.actor_agent_id == supervisor.pk
    skills = _events("agent.skills_changed")[-1]
    assert skills.before == {"pembayaran": 2}
    assert skills.after == {"pembayaran": 5, "bahasa-inggris": 3}


def test_taking_a_skill_away(client, supervisor, agent):
    set_agent_skills(agent, levels={"retur": 3}, actor=Actor.system("test"))
    known = Skill.objects.get(name="retur")
    client.force_login(supervisor)
    client.post(
        f"/manage/agents/{agent.pk}/",
        {"teams": [], "language": "id", "is_active": "on", f"skill_{known.pk}": ""},
    )
    assert not AgentSkill.objects.filter(agent=agent).exists()
    assert Skill.objects.filter(name="retur").exists()  # the catalogue keeps it


def test_changing_a_role_is_for_admins_only(client, supervisor, admin, agent, team):
    """A supervisor's form has no role field and a forged role changes nothing; an admin
    promotes the agent."""
    client.force_login(supervisor)
    page = client.get(f"/manage/agents/{agent.pk}/").text
    assert 'name="role"' not in page
    data = {"role": "admin", "teams": [team.pk], "language": "id", "is_active": "on"}
    client.post(f"/manage/agents/{agent.pk}/", data)
    agent.refresh_from_db()
    assert agent.role == Role.AGENT
    assert not agent.is_superuser
    assert _events("agent.updated") == []
    client.force_login(admin)
    assert 'name="role"' in client.get(f"/manage/agents/{agent.pk}/").text
    data["role"] = "supervisor"
    assert client.post(f"/manage/agents/{agent.pk}/", data).status_code == 302
    agent.refresh_from_db()
    assert agent.role == Role.SUPERVISOR
    (event,) = _events("agent.updated")
    assert event.before == {"role": "agent"}
    assert event.after == {"role": "supervisor"}


def test_supervisor_deactivates_an_agent_but_not_an_admin(client, supervisor, admin, agent):
    client.force_login(supervisor)
    client.post(f"/manage/agents/{agent.pk}/", {"language": "id"})
    agent.refresh_from_db()
    assert not agent.is_active
    assert 'name="is_active"' not in client.get(f"/manage/agents/{admin.pk}/").text
    client.post(f"/manage/agents/{admin.pk}/", {"language": "id"})
    admin.refresh_from_db()
    assert admin.is_active


def test_the_last_admin_cannot_be_demoted_or_deactivate_themselves(client, admin):
    client.force_login(admin)
    response = client.post(
        f"/manage/agents/{admin.pk}/",
        {"role": "agent", "language": "id", "is_active": "on"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert "Sapa memerlukan minimal satu admin yang aktif." in response.text  # Indonesian UI
    response = client.post(
        f"/manage/agents/{admin.pk}/",
        {"role": "admin", "language": "id"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert admin.is_active
    assert _events("agent.updated") == []


def test_a_new_sign_in_link_is_recorded_and_shown_once(client, supervisor, admin, agent):
    """Supervisors issue links for agents; a link for an admin takes an admin."""
    client.force_login(supervisor)
    assert client.post(f"/manage/agents/{agent.pk}/link/").status_code == 302
    page = client.get(f"/manage/agents/{agent.pk}/").text
    assert "/password/set/" in page
    assert "/password/set/" not in client.get(f"/manage/agents/{agent.pk}/").text
    assert client.post(f"/manage/agents/{admin.pk}/link/").status_code == 403
    assert [e.subject_id for e in _events("agent.password_link_issued")] == [agent.pk]


# --- teams ----------------------------------------------------------------------------


def test_teams_page_counts_members_and_creates_and_renames_teams(client, supervisor, agent, team):
    client.force_login(supervisor)
    page = client.get("/manage/teams/", headers={"accept-language": "en"})
    assert "2 anggota" in page.text
    # when a team is created
    assert client.post("/manage/teams/", {"name": "Retur & Refund"}).status_code == 302
    created = Team.objects.get(name="Retur & Refund")
    assert created.slug == "retur-refund"
    # when a team is renamed
    assert client.post(f"/manage/teams/{team.pk}/rename/", {"name": "Logistik"}).status_code == 302
    team.refresh_from_db()
    assert (team.name, team.slug) == ("Logistik", "pengiriman")
    assert [e.subject_id for e in _events("team.created")] == [created.pk]
    (renamed,) = _events("team.renamed")
    assert (renamed.before, renamed.after) == ({"name": "Pengiriman"}, {"name": "Logistik"})


def test_a_team_name_is_not_taken_twice(client, supervisor, team):
    client.force_login(supervisor)
    response = client.post("/manage/teams/", {"name": "pengiriman"})
    assert response.status_code == 422
    assert Team.objects.count() == 1
    other = TeamFactory(name="Retur", slug="retur")
    client.post(f"/manage/teams/{other.pk}/rename/", {"name": "Pengiriman"})
    assert Team.objects.get(pk=other.pk).name == "Retur"


# --- macros ---------------------------------------------------------------------------


def test_macros_are_created_edited_and_deactivated(client, supervisor, team):
    client.force_login(supervisor)
    # when created
    response = client.post(
        "/manage/macros/new/",
        {
            "name": "Paket terlambat",
            "body": "Halo Kak {{ customer.first_name }}, pesanan {{ order.number }} sedang dicek.",
            "language": "id",
            "team": team.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    macro = Macro.objects.get(name="Paket terlambat")
    assert (macro.team, macro.language, macro.is_active) == (team, "id", True)
    # when edited
    response = client.post(
        f"/manage/macros/{macro.pk}/",
        {"name": "Paket terlambat", "body": "Hi {{ customer.first_name }}!", "language": "en",
         "team": "", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    macro.refresh_from_db()
    assert (macro.body, macro.language, macro.team) == ("Hi {{ customer.first_name }}!", "en", None)
    # when deactivated
    assert client.post(f"/manage/macros/{macro.pk}/deactivate/").status_code == 302
    macro.refresh_from_db()
    assert not macro.is_active
    # then
    assert [e.subject_id for e in _events("macro.created")] == [macro.pk]
    (updated,) = _events("macro.updated")
    assert set(updated.after) == {"body", "language", "team"}
    assert updated.before["team"] == team.pk
    assert _events("macro.deactivated")[0].after == {"is_active": False}


def test_a_macro_with_an_unknown_placeholder_or_a_taken_name_is_refused(client, supervisor):
    _macro("Salam")
    client.force_login(supervisor)
    typo = client.post(
        "/manage/macros/new/",
        {"name": "Terima kasih", "body": "Makasih {{ customer.firstname }}", "language": "id"},
        headers={"accept-language": "en"},
    )
    assert typo.status_code == 422
    assert "{{ customer.firstname }} bukan placeholder yang dikenal Sapa." in typo.text
    taken = client.post(
        "/manage/macros/new/", {"name": "Salam", "body": "Halo lagi", "language": "id"}
    )
    assert taken.status_code == 422
    assert Macro.objects.count() == 1
    assert len(_events("macro.created")) == 1  # the one made before


def test_macro_page_lists_placeholders_and_previews_the_text(client, supervisor):
    client.force_login(supervisor)
    page = client.get("/manage/macros/new/").text
    assert "{{ customer.first_name }}" in page
    assert "{{ order.number }}" in page
    preview = client.post(
        "/manage/macros/preview/",
        {"body": "Halo Kak {{ customer.first_name }}, pesanan {{ order.number }}. <b>x</b>"},
    )
    assert preview.status_code == 200
    assert "Halo Kak Rina, pesanan TB-2026-0042. &lt;b&gt;x&lt;/b&gt;" in preview.text


def test_macro_list_pages_by_name(client, supervisor, settings):
    from sapa.web.views import manage

    for index in range(manage.PAGE_SIZE + 3):
        _macro(f"Makro {index:03d}")
    client.force_login(supervisor)
    first = client.get("/manage/macros/").text
    assert "Makro 049" in first
    assert "Makro 050" not in first
    cursor = re.search(r"cursor=([^\"&]+)", first).group(1)
    second = client.get(f"/manage/macros/?cursor={cursor}").text
    assert "Makro 050" in second
    assert "Makro 052" in second
    assert "Makro 049" not in second


# --- tags -----------------------------------------------------------------------------


def test_tags_page_counts_tickets_and_customers(client, supervisor):
    ticket = _tagged_ticket("vip", "retur")
    set_customer_tags(
        Customer.objects.get(pk=ticket.customer_id), names=["vip"], actor=Actor.system("t")
    )
    client.force_login(supervisor)
    page = client.get("/manage/tags/").text
    vip_row = page.split('<span class="tag">vip</span>', 1)[1].split("</tr>", 1)[0]
    counts = re.findall(r'<td class="number">(\d+)</td>', vip_row)
    assert counts == ["1", "1"]


def test_renaming_a_tag_keeps_it_on_its_tickets(client, supervisor):
    ticket = _tagged_ticket("vip")
    tag = Tag.objects.get(name="vip")
    client.force_login(supervisor)
    assert client.post(f"/manage/tags/{tag.pk}/rename/", {"name": "Pelanggan VIP"}).url
    assert list(ticket.tags.values_list("name", flat=True)) == ["pelanggan-vip"]
    (event,) = _events("tag.renamed")
    assert (event.before, event.after) == ({"name": "vip"}, {"name": "pelanggan-vip"})


def test_renaming_a_tag_onto_another_merges_them(client, supervisor):
    both = _tagged_ticket("vip", "penting")
    only_vip = inbound("halo lagi", email="budi@example.com", name="Budi")
    tag_ticket(Ticket.objects.get(pk=only_vip.ticket_id), add=["vip"], actor=Actor.system("t"))
    vip = Tag.objects.get(name="vip")
    client.force_login(supervisor)
    client.post(f"/manage/tags/{vip.pk}/rename/", {"name": "penting"})
    assert not Tag.objects.filter(name="vip").exists()
    assert list(both.tags.values_list("name", flat=True)) == ["penting"]
    other = Ticket.objects.get(pk=only_vip.ticket_id)
    assert list(other.tags.values_list("name", flat=True)) == ["penting"]
    (event,) = _events("tag.merged")
    assert event.after["name"] == "penting"
    assert event.after["links_moved"] == 1


def test_deleting_a_tag_takes_it_off_everything(client, supervisor):
    ticket = _tagged_ticket("vip", "retur")
    customer = Customer.objects.get(pk=ticket.customer_id)
    set_customer_tags(customer, names=["vip"], actor=Actor.system("t"))
    vip = Tag.objects.get(name="vip")
    client.force_login(supervisor)
    assert client.post(f"/manage/tags/{vip.pk}/delete/").status_code == 302
    assert list(ticket.tags.values_list("name", flat=True)) == ["retur"]
    assert list(customer.tags.all()) == []
    (event,) = _events("tag.deleted")
    assert event.before == {"name": "vip", "ticket_tags_count": 1, "customer_tags_count": 1}


def test_an_invalid_tag_name_is_refused(client, supervisor):
    _tagged_ticket("vip")
    vip = Tag.objects.get(name="vip")
    client.force_login(supervisor)
    client.post(f"/manage/tags/{vip.pk}/rename/", {"name": "!!!"})
    assert Tag.objects.get(pk=vip.pk).name == "vip"
    assert _events("tag.renamed") == []


def test_manage_lists_use_a_fixed_number_of_queries(
    client, supervisor, team, django_assert_num_queries
):
    """More agents, macros and tags do not mean more queries (session and user included:
    agents 2 + agents, teams, skills, invite-form teams; teams 2 + teams, members; macros
    and tags 2 + one list)."""
    for index in range(10):
        member = AgentFactory(username=f"agen-{index}")
        member.teams.add(team)
        _macro(f"Makro {index}", team=team)
    _tagged_ticket(*(f"tag-{index}" for index in range(10)))
    client.force_login(supervisor)
    budgets = dict(zip(PAGES, (6, 4, 3, 3), strict=True))
    for url, budget in budgets.items():
        with django_assert_num_queries(budget):
            assert client.get(url).status_code == 200
