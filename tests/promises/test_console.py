"""Promises in the agent console: the form beside the composer, the customer panel on every
ticket of the customer, Kept / Broken, and the list with its report."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.promises.actions import mark_broken
from sapa.promises.models import Promise, PromiseStatus
from sapa.promises.when import zone
from tests.promises.conftest import moment, promise_due_in, ticket_in

pytestmark = pytest.mark.django_db

QUERIES = 4  # the /promises/ page: session, agent, their teams, the page


def _tomorrow_at_five(now: datetime) -> datetime:
    local = timezone.localtime(now, zone())
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), zone()).replace(
        hour=17
    )


def test_one_post_from_the_form_makes_the_promise(client, ticket, rina, andi):
    """Text, "besok 17:00", an owner and a follow-up: one submit, back to the ticket."""
    # given
    client.force_login(rina)
    now = moment()
    # when
    with clock.frozen_at(now):
        response = client.post(
            f"/tickets/{ticket.pk}/promises/",
            {
                "text": "Buku dikirim ulang",
                "due": "besok 17:00",
                "owner": andi.pk,
                "follow_up": "on",
                "follow_up_text": "Apakah pesanan Anda sudah diterima?",
            },
        )
    # then
    assert response.status_code == 302
    assert response.url == f"/tickets/{ticket.pk}/"
    promise = Promise.objects.get()
    assert (promise.text, promise.owner_id, promise.created_by_id) == (
        "Buku dikirim ulang",
        andi.pk,
        rina.pk,
    )
    assert promise.due_at == _tomorrow_at_five(now)
    assert promise.follow_up_text == "Apakah pesanan Anda sudah diterima?"
    page = client.get(response.url)
    assert "Buku dikirim ulang" in page.text  # the panel and the timeline


def test_a_quick_button_gives_the_due_time_and_an_unticked_follow_up_is_not_kept(
    client, ticket, rina
):
    client.force_login(rina)
    now = moment()
    with clock.frozen_at(now):
        response = client.post(
            f"/tickets/{ticket.pk}/promises/",
            {
                "text": "Refund diproses",
                "due": "",
                "due_quick": "besok 17:00",
                "owner": rina.pk,
                "follow_up_text": "Apakah pesanan Anda sudah diterima?",
            },
        )
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert promise.due_at == _tomorrow_at_five(now)
    assert promise.follow_up_text == ""


def test_the_date_picker_value_is_read_in_jakarta_time(client, ticket, rina):
    client.force_login(rina)
    due = timezone.localtime(moment() + timedelta(days=3), zone()).replace(hour=10, minute=0)
    response = client.post(
        f"/tickets/{ticket.pk}/promises/",
        {"text": "Telepon balik", "due_local": due.strftime("%Y-%m-%dT%H:%M"), "owner": rina.pk},
    )
    assert response.status_code == 302
    assert Promise.objects.get().due_at == due


def test_a_bad_due_time_shows_a_form_error_and_writes_nothing(client, ticket, rina):
    client.force_login(rina)
    response = client.post(
        f"/tickets/{ticket.pk}/promises/",
        {"text": "Buku dikirim ulang", "due": "kapan-kapan", "owner": rina.pk},
    )
    assert response.status_code == 422
    assert 'id="promise-due-error"' in response.text
    assert 'value="Buku dikirim ulang"' in response.text  # what was typed is kept
    assert Promise.objects.count() == 0
    assert not Event.objects.filter(verb="promise.made").exists()


def test_with_htmx_the_form_comes_back_in_place_and_success_redirects(client, ticket, rina):
    client.force_login(rina)
    url = f"/tickets/{ticket.pk}/promises/"
    bad = client.post(
        url, {"text": "", "due": "besok", "owner": rina.pk}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 200
    assert 'id="promise-form-box"' in bad.text
    assert "<html" not in bad.text
    good = client.post(
        url,
        {"text": "Kirim ulang", "due": "besok", "owner": rina.pk},
        headers={"HX-Request": "true"},
    )
    assert good.status_code == 204
    assert good.headers["HX-Redirect"] == f"/tickets/{ticket.pk}/"
    assert Promise.objects.count() == 1


def test_a_promise_on_another_ticket_of_the_customer_shows_in_the_panel(client, team, rina, andi):
    """Andi opens the customer's WhatsApp ticket and sees Rina's promise from the email
    ticket, marked overdue; Kept / Broken are only for those who may settle it."""
    # given Rina's promise on the first ticket, now overdue
    first = ticket_in(team)
    promise = promise_due_in(
        first, rina, at=moment() - timedelta(days=1), text="Buku dikirim ulang"
    )
    second = ticket_in(team, text="halo, masih nunggu", channel="whatsapp", phone="0812 1111 2222")
    assert second.pk != first.pk
    assert second.customer_id == first.customer_id
    client.force_login(andi)
    # when
    page = client.get(f"/tickets/{second.pk}/")
    # then
    panel = page.text[page.text.index('id="promises-title"') :]
    panel = panel[: panel.index("</section>")]
    assert "Buku dikirim ulang" in panel
    assert "overdue-pill" in panel
    assert f'href="/tickets/{first.pk}/"' in panel
    assert f"/promises/{promise.pk}/kept/" not in panel
    # the owner does get the buttons
    client.force_login(rina)
    panel = client.get(f"/tickets/{second.pk}/").text
    assert f"/promises/{promise.pk}/kept/" in panel


def test_kept_from_the_panel_settles_it_and_goes_back(client, ticket, rina):
    client.force_login(rina)
    promise = promise_due_in(ticket, rina)
    response = client.post(f"/promises/{promise.pk}/kept/", {"next": f"/tickets/{ticket.pk}/"})
    assert response.status_code == 302
    assert response.url == f"/tickets/{ticket.pk}/"
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT
    page = client.get(response.url).text
    assert f"/promises/{promise.pk}/kept/" not in page
    assert 'class="muted promise-counts"' in page


def test_an_agent_who_may_not_see_the_ticket_cannot_settle(client, ticket, rina, budi):
    client.force_login(budi)
    promise = promise_due_in(ticket, rina)
    response = client.post(f"/promises/{promise.pk}/broken/", {"next": "https://evil.example/"})
    assert response.status_code == 404
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.OPEN


def test_the_list_shows_open_promises_overdue_first_and_the_report_to_supervisors(
    client, ticket, rina, andi, sari
):
    # given
    now = moment()
    late = promise_due_in(ticket, rina, at=now - timedelta(days=1), text="Telat")
    soon = promise_due_in(ticket, rina, at=now, text="Nanti")
    promise_due_in(ticket, andi, at=now, text="Punya Andi")
    broken = promise_due_in(ticket, rina, at=now, text="Gagal")
    mark_broken(broken, actor=Actor.for_agent(rina))
    # when Rina looks at hers
    client.force_login(rina)
    mine = client.get("/promises/")
    # then
    assert [p.pk for p in mine.context["promises"]] == [late.pk, soon.pk]
    assert mine.context["report"] is None
    # and a supervisor sees the team's, with the report
    client.force_login(sari)
    team_page = client.get("/promises/?scope=team")
    assert len(team_page.context["promises"]) == 3
    rows = {
        row.agent.username: (row.kept, row.broken, row.open_overdue)
        for row in team_page.context["report"]
    }
    assert rows == {"rina": (0, 1, 1)}


def test_the_list_page_costs_the_same_queries_for_one_or_many(
    client, ticket, rina, andi, django_assert_num_queries
):
    client.force_login(rina)
    promise_due_in(ticket, rina)
    client.get("/promises/?scope=all")
    with django_assert_num_queries(QUERIES):
        assert len(client.get("/promises/?scope=all").context["promises"]) == 1
    for i in range(6):
        promise_due_in(ticket, andi if i % 2 else rina, by=rina, text=f"Janji {i}")
    with django_assert_num_queries(QUERIES):
        assert len(client.get("/promises/?scope=all").context["promises"]) == 7
