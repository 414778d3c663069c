"""After-sale in the console: the settings page (admins), the list of issued codes, issuing
and voiding by hand (supervisors), and the customer panel's promo codes."""

from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from sapa.accounts.models import Role
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.loyalty.actions import Discount, SettingsDraft, issue_manual_code
from sapa.loyalty.models import AfterSaleSettings, PromoCode, PromoCodeStatus
from sapa.loyalty.queries import get_after_sale_settings
from tests.factories import AgentFactory, CustomerFactory
from tests.loyalty.conftest import NOW, at

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/manage/after-sale/"
CODES_URL = "/manage/after-sale/codes/"


@pytest.fixture
def admin():
    return AgentFactory(username="admin", role=Role.ADMIN)


@pytest.fixture
def supervisor():
    return AgentFactory(username="sari", role=Role.SUPERVISOR)


@pytest.fixture
def agent():
    return AgentFactory(username="andi", role=Role.AGENT)


@pytest.fixture
def customer():
    return CustomerFactory(name="Rina Wulandari")


def _form(**changes: Any) -> dict[str, Any]:
    draft = SettingsDraft.of(get_after_sale_settings())
    data: dict[str, Any] = {}
    for name, value in {**draft.__dict__, **changes}.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


def _issue(customer, **discount):
    values = {"percent": 10, "amount_minor": None, **discount}
    return issue_manual_code(
        customer, discount=Discount(**values), note="", prefix="SAPA", actor=Actor.system("t")
    )


def test_admin_sees_the_settings_with_defaults(client, admin):
    client.force_login(admin)
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    assert 'name="discount_percent"' in response.text
    assert 'value="10"' in response.text
    assert "Halo {name}, pesanan {order_number} sudah sampai." in response.text  # placeholder
    assert AfterSaleSettings.objects.count() == 1


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AGENT])
def test_only_admins_change_the_settings(client, role):
    client.force_login(AgentFactory(username="someone", role=role))
    assert client.get(SETTINGS_URL).status_code == 403
    assert client.post(SETTINGS_URL, _form(discount_percent=50)).status_code == 403
    assert get_after_sale_settings().discount_percent == 10


def test_admin_saves_settings(client, admin):
    client.force_login(admin)
    response = client.post(
        SETTINGS_URL,
        _form(
            discount_kind="amount",
            discount_minor=25000,
            code_prefix=" toko ",
            win_back_enabled=True,
            review_text_en="Tell us: {review_link}",
        ),
    )
    assert response.status_code == 302
    config = get_after_sale_settings()
    assert (config.discount_kind, config.discount_minor, config.code_prefix) == (
        "amount",
        25000,
        "TOKO",
    )
    assert config.win_back_enabled
    assert config.review_text_en == "Tell us: {review_link}"
    assert config.updated_by == admin
    event = Event.objects.get(verb="after_sale.settings_updated")
    assert event.before["discount_kind"] == "percent"
    assert event.after["code_prefix"] == "TOKO"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"discount_percent": 0}, "discount_percent"),
        ({"discount_percent": 101}, "discount_percent"),
        ({"discount_kind": "amount", "discount_minor": 0}, "discount_minor"),
        ({"code_valid_days": 0}, "code_valid_days"),
        ({"win_back_after_days": 3}, "win_back_after_days"),
        ({"code_prefix": "SA-PA"}, "code_prefix"),
        ({"thank_you_text_id": "Halo {nama}!"}, "thank_you_text_id"),
        ({"review_text_id": "Tulis ulasan ya"}, "review_text_id"),
        ({"promo_text_en": "Thanks!"}, "promo_text_en"),
        ({"review_after_days": "besok"}, "review_after_days"),
        ({"min_order_minor": 10**13}, "min_order_minor"),
        ({"discount_kind": "amount", "discount_minor": 10**19}, "discount_minor"),
    ],
)
def test_bad_settings_are_shown_on_their_field(client, admin, changes, field):
    client.force_login(admin)
    response = client.post(SETTINGS_URL, _form(**changes))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert get_after_sale_settings().updated_by is None
    assert not Event.objects.filter(verb="after_sale.settings_updated").exists()


def test_codes_list_filters_and_pages(client, supervisor, customer, settings):
    # given three codes, one redeemed... one expired by time
    settings.SAPA_PAGE_SIZE = 2
    old = _issue(customer)
    with at(NOW + timedelta(minutes=1)):
        second = _issue(customer)
    with at(NOW + timedelta(minutes=2)):
        third = _issue(customer)
    PromoCode.objects.filter(pk=second.pk).update(status=PromoCodeStatus.VOID)
    client.force_login(supervisor)
    # when
    first_page = client.get(CODES_URL)
    # then newest first, two per page
    assert first_page.status_code == 200
    assert [c.pk for c in first_page.context["codes"]] == [third.pk, second.pk]
    next_url = first_page.context["next_url"]
    assert next_url
    assert [c.pk for c in client.get(CODES_URL + next_url).context["codes"]] == [old.pk]
    active = client.get(CODES_URL + "?status=active")
    assert [c.pk for c in active.context["codes"]] == [third.pk, old.pk]
    void = client.get(CODES_URL + "?status=void")
    assert [c.pk for c in void.context["codes"]] == [second.pk]
    with at(NOW + timedelta(days=31)):
        expired = client.get(CODES_URL + "?status=expired")
    assert {c.pk for c in expired.context["codes"]} == {third.pk, old.pk}
    assert client.get(CODES_URL + "?cursor=nonsense").status_code == 200


def test_agents_may_not_see_the_codes(client, agent):
    client.force_login(agent)
    assert client.get(CODES_URL).status_code == 403


def test_supervisor_issues_and_voids_a_code_from_the_console(client, supervisor, customer):
    client.force_login(supervisor)
    response = client.post(
        f"/customers/{customer.pk}/promo-codes/",
        {
            "discount_kind": "amount",
            "discount_minor": "50000",
            "valid_days": "14",
            "min_order_minor": "0",
            "note": "paket rusak",
        },
    )
    assert response.status_code == 302
    assert response.url == f"/customers/{customer.pk}/"
    code = PromoCode.objects.get()
    assert (code.kind, code.discount_minor, code.note, code.created_by) == (
        "manual",
        50000,
        "paket rusak",
        supervisor,
    )
    assert code.expires_at == NOW + timedelta(days=14)
    assert code.code.startswith("SAPA-")
    response = client.post(f"/promo-codes/{code.pk}/void/", {"reason": "salah orang"})
    assert response.status_code == 302
    code.refresh_from_db()
    assert (code.status, code.void_reason) == (PromoCodeStatus.VOID, "salah orang")


def test_manual_code_form_errors_issue_nothing(client, supervisor, customer):
    client.force_login(supervisor)
    response = client.post(
        f"/customers/{customer.pk}/promo-codes/",
        {"discount_kind": "percent", "valid_days": "14", "min_order_minor": "0"},
    )
    assert response.status_code == 302
    assert PromoCode.objects.count() == 0


def test_agent_may_not_issue_or_void(client, agent, customer):
    code = _issue(customer)
    client.force_login(agent)
    body = {"discount_kind": "percent", "discount_percent": "10", "valid_days": "14",
            "min_order_minor": "0"}  # fmt: skip
    assert client.post(f"/customers/{customer.pk}/promo-codes/", body).status_code == 403
    assert client.post(f"/promo-codes/{code.pk}/void/").status_code == 403
    assert list(PromoCode.objects.values_list("status", flat=True)) == ["active"]


def test_panel_lists_open_codes(customer, supervisor, agent, django_assert_num_queries):
    # given an open code, a used one and an expired one
    open_code = _issue(customer)
    used = _issue(customer, percent=None, amount_minor=25000)
    PromoCode.objects.filter(pk=used.pk).update(status=PromoCodeStatus.REDEEMED)
    with at(NOW - timedelta(days=40)):
        _issue(customer)
    request = RequestFactory().get("/tickets/1/")
    request.user = supervisor
    # when
    with django_assert_num_queries(1):
        html = render_to_string(
            "web/customers/partials/loyalty_promos.html",
            {"customer": customer, "request": request},
        )
    # then
    assert open_code.code in html
    assert used.code not in html
    assert html.count("<code>") == 1
    assert "10%" in html
    assert f'action="/customers/{customer.pk}/promo-codes/"' in html
    request.user = agent
    html = render_to_string(
        "web/customers/partials/loyalty_promos.html", {"customer": customer, "request": request}
    )
    assert "promo-codes/" not in html
