"""The journey in the console: the funnel page and the stage form of the customer panel."""

import pytest
from django.test import Client
from django.urls import reverse

from sapa.accounts.models import Role
from sapa.customers.models import Customer
from sapa.journey.models import StageTransition
from sapa.journey.queries import panel_journey
from tests.builders import inbound
from tests.factories import AgentFactory
from tests.journey.conftest import jakarta

pytestmark = pytest.mark.django_db


def signed_in(role: str = Role.AGENT) -> Client:
    client = Client()
    client.force_login(AgentFactory(role=role, language="en"))
    return client


@pytest.fixture
def customer(at):
    with at(jakarta(3, 2)):
        result = inbound("stok buku X ada kak?", email="rina@example.com", name="Rina")
    return Customer.objects.get(pk=result.customer_id)


def test_report_page_for_supervisors(customer):
    client = signed_in(Role.SUPERVISOR)
    response = client.get(
        reverse("web:journey_report"), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Customers per stage now" in page
    assert 'data-stage="consideration">1</td>' in page
    assert "<meter" in page


def test_report_page_shows_a_bad_period_on_the_form(customer):
    client = signed_in(Role.ADMIN)
    response = client.get(
        reverse("web:journey_report"), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "The period starts after it ends." in response.content.decode()


def test_report_page_is_not_for_agents():
    assert signed_in().get(reverse("web:journey_report")).status_code == 403


def test_setting_the_stage_from_the_panel(customer):
    """Without htmx: back to `next` with the change recorded."""
    client = signed_in()
    response = client.post(
        reverse("web:customer_stage", args=[customer.pk]),
        {"stage": "purchase", "reason": "Paid at the till", "next": "/inbox/"},
    )
    assert (response.status_code, response["Location"]) == (302, "/inbox/")
    transition = StageTransition.objects.latest("at")
    assert (transition.to_stage, transition.reason) == ("purchase", "Paid at the till")


def test_setting_the_stage_with_htmx_returns_the_section(customer):
    client = signed_in()
    response = client.post(
        reverse("web:customer_stage", args=[customer.pk]),
        {"stage": "preference", "reason": ""},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="journey-stage"' in page
    assert "This field is required." in page
    assert Customer.objects.get(pk=customer.pk).lifecycle_stage == "consideration"


def test_setting_the_stage_never_goes_to_another_host(customer):
    response = signed_in().post(
        reverse("web:customer_stage", args=[customer.pk]),
        {"stage": "purchase", "reason": "x", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("web:customer", args=[customer.pk])


def test_the_panel_section_renders_stage_history_and_form(
    customer, rf, django_assert_max_num_queries
):
    from django.template.loader import render_to_string

    request = rf.get("/tickets/1/")
    request.user = AgentFactory()
    with django_assert_max_num_queries(3):
        page = render_to_string(
            "web/customers/partials/journey_stage.html", {"customer": customer}, request=request
        )
    assert 'data-stage="consideration"' in page
    assert "stok buku X ada kak?" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_panel_journey_lists_the_last_three_changes_newest_first(customer):
    from sapa.core.actors import Actor
    from sapa.journey.actions import set_stage_by_hand

    agent = AgentFactory(first_name="Dimas")
    for stage in ("preference", "purchase", "repurchase"):
        set_stage_by_hand(customer, stage=stage, reason=stage, actor=Actor.for_agent(agent))
    panel = panel_journey(customer)
    assert [t.to_stage for t in panel.recent] == ["repurchase", "purchase", "preference"]
    assert panel.recent[0].who == agent.display_name
    assert panel.stage == "repurchase"
