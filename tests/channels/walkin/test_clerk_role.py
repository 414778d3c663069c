"""The store clerk role: logging visits and nothing else, in the actions and in the console
(the inbox sends them to the walk-in screen; other console pages are refused)."""

import pytest

from sapa.accounts.models import Role
from sapa.accounts.permissions import ROLE_PERMISSIONS, Permission, has_permission
from sapa.conversations.actions import add_note, reply
from sapa.conversations.models import Message, Ticket
from sapa.core.actors import Actor
from sapa.core.exceptions import PermissionDenied
from tests.builders import inbound
from tests.channels.walkin.conftest import signed_in
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_a_clerk_may_log_visits_only_and_every_other_role_may_log_them_too():
    assert ROLE_PERMISSIONS[Role.CLERK] == {Permission.LOG_VISITS}
    for role in (Role.AGENT, Role.SUPERVISOR, Role.ADMIN):
        assert Permission.LOG_VISITS in ROLE_PERMISSIONS[role]


def test_a_clerk_cannot_reply_or_write_notes(clerk):
    result = inbound("halo")
    ticket = Ticket.objects.get(pk=result.ticket_id)
    for write in (reply, add_note):
        with pytest.raises(PermissionDenied):
            write(ticket, text="x", actor=Actor.for_agent(clerk))
    assert Message.objects.count() == 1
    assert has_permission(clerk, Permission.LOG_VISITS)


def test_the_inbox_sends_a_clerk_to_the_walk_in_screen(clerk_client):
    for path in ("/", "/inbox/"):
        response = clerk_client.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/walkin/"


def test_a_clerk_cannot_open_tickets_customers_or_settings(clerk_client):
    # given: a ticket in the shared queue, which any agent could see
    result = inbound("nomor hp saya 081234567890", name="Budi")
    paths = [
        f"/tickets/{result.ticket_id}/",
        f"/tickets/{result.ticket_id}/timeline/",
        f"/customers/{result.customer_id}/",
        "/notifications/",
        "/promises/",
        "/kb/",
        "/manage/walkin/",
        "/manage/agents/",
    ]
    for path in paths:
        assert clerk_client.get(path).status_code == 403, path
    # and a write is refused before it reaches the view
    response = clerk_client.post(f"/tickets/{result.ticket_id}/note/", {"text": "x"})
    assert response.status_code == 403
    assert Message.objects.count() == 1


def test_a_clerk_keeps_their_account_pages_and_gets_the_clerk_bar(clerk_client):
    assert clerk_client.get("/password/").status_code == 200
    page = clerk_client.get("/walkin/").content.decode()
    assert 'class="clerk-bar"' in page
    # no console top bar: no inbox search, no live-update socket
    assert 'class="topbar"' not in page
    assert "/inbox/" not in page


def test_agents_keep_the_console_and_find_the_walk_in_screen_in_their_menu():
    client = signed_in(AgentFactory(username="ani"))
    page = client.get("/inbox/")
    assert page.status_code == 200
    assert 'href="/walkin/"' in page.content.decode()
    assert client.get("/walkin/").status_code == 200
