"""POST /api/v1/walkin/visits: a kiosk logs visits of its own location with its token; an
integration may with an agent's token; bad input is a 422 naming the field."""

import pytest
from django.test import Client

from sapa.accounts.models import Role
from sapa.channels.walkin.locations import create_kiosk
from sapa.channels.walkin.models import Visit
from sapa.conversations.models import Message
from sapa.core.actors import Actor
from tests.builders import inbound
from tests.channels.walkin.conftest import make_location
from tests.conftest import api_client_for
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/walkin/visits"


@pytest.fixture
def kiosk_client(store):
    _kiosk, token = create_kiosk(store, name="Tablet pintu", actor=Actor.system("test"))
    return Client(headers={"authorization": f"Bearer {token}"})


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def body(**fields):
    return {
        "location_code": "JKT-01",
        "customer": {"name": "Budi", "phone": "0812-3456-7890"},
        "text": "Mau tukar buku yang salah kirim",
        **fields,
    }


def test_a_kiosk_logs_a_visit_on_the_customer_found_by_phone(kiosk_client):
    earlier = inbound("halo", channel="whatsapp", email=None, phone="+6281234567890")
    response = post(kiosk_client, body())
    assert response.status_code == 201
    data = response.json()
    visit = Visit.objects.get()
    assert data["id"] == visit.pk
    assert data["outcome"] == "follow_up"
    assert data["location_code"] == "JKT-01"
    assert visit.customer_id == earlier.customer_id
    assert visit.kiosk.name == "Tablet pintu"
    assert visit.logged_by is None
    assert Message.objects.get(pk=visit.message_id).meta["logged_by"] == "kiosk:Tablet pintu"


def test_the_same_client_id_logs_once(kiosk_client):
    first = post(kiosk_client, body(client_id="tab-0001"))
    again = post(kiosk_client, body(client_id="tab-0001"))
    assert first.json()["id"] == again.json()["id"]
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("token", "status"),
    [(None, 401), ("sapa_kiosk_forged", 401), ("nonsense", 401)],
)
def test_without_a_valid_token_nothing_is_logged(store, token, status):
    client = Client(headers={"authorization": f"Bearer {token}"} if token else {})
    assert post(client, body()).status_code == status
    assert Message.objects.count() == 0


def test_a_revoked_kiosk_is_refused(store):
    from sapa.channels.walkin.locations import revoke_kiosk

    kiosk, token = create_kiosk(store, name="Lama", actor=Actor.system("test"))
    revoke_kiosk(kiosk, actor=Actor.system("test"))
    client = Client(headers={"authorization": f"Bearer {token}"})
    assert post(client, body()).status_code == 401


def test_a_kiosk_logs_only_at_its_own_location(kiosk_client):
    make_location(code="BDG-01", name="Toko Bandung")
    response = post(kiosk_client, body(location_code="BDG-01"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "location_code"]
    assert Visit.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"text": ""}, ["body", "text"]),
        ({"outcome": "happy"}, ["body", "outcome"]),
        ({"customer": {"name": "Budi", "phone": "12"}}, ["body", "customer", "phone"]),
        ({"customer": {"email": "not-an-email"}}, ["body", "customer", "email"]),
        ({"customer": {"name": "Budi"}}, ["body", "customer", "phone"]),
        ({"client_id": "has spaces"}, ["body", "client_id"]),
    ],
)
def test_bad_input_is_a_422_naming_the_field(kiosk_client, changes, loc):
    response = post(kiosk_client, body(**changes))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc
    assert Message.objects.count() == 0


def test_a_missing_field_is_named(kiosk_client):
    response = post(kiosk_client, {"location_code": "JKT-01", "text": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "customer"]


def test_an_agent_token_may_log_visits_at_any_location(store):
    client = api_client_for(AgentFactory(username="pos", role=Role.CLERK))
    response = client.post_json(URL, body(outcome="resolved"))
    assert response.status_code == 201
    visit = Visit.objects.get()
    assert visit.logged_by.username == "pos"
    unknown = client.post_json(URL, body(location_code="NOPE"))
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "location_code"]
