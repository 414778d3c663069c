"""The console's CSV import: preview writes no order, confirm imports the valid rows through
record_order (each on its own), a second import of the same file changes nothing; only
agents who may write orders."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from sapa.accounts.models import Role
from sapa.commerce.actions.imports import expire_order_imports
from sapa.commerce.models import ImportStatus, Order, OrderImport, Shipment
from sapa.core import clock
from sapa.core.models import Event
from sapa.customers.models import Customer
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

CSV = (
    "\ufeffnumber;customer_name;email;phone;status;total;placed_at;status_at;carrier;tracking_number\n"
    "INV-1;Rina;rina@example.com;;paid;Rp150.000;23/11/2026 14:30;23/11/2026 15:00;JNE;JNE1\n"
    "INV-2;Budi;;0812-1111-2222;shipped;89.000;2026-11-22 10:00;;J&T;JT2\n"
    "INV-3;Sari;bukan-email;;paid;gratis;kemarin;;;\n"
    "INV-4;Andi;andi@example.com;;dikirim;Rp 75.000,-;20/11/2026;;;\n"
)


@pytest.fixture
def admin(client):
    agent = AgentFactory(role=Role.ADMIN, username="admin", language="en")
    client.force_login(agent)
    return agent


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    """Confirm an import; the worker's task runs at commit (inline in tests)."""

    def run(public_id: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/orders/import/{public_id}/confirm/", **extra)

    return run


def upload(client, content: str = CSV, name: str = "pesanan.csv"):
    file = SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")
    return client.post("/orders/import/", {"file": file}, headers={"accept-language": "en"})


def test_preview_shows_outcomes_and_row_errors_and_writes_no_order(client, admin):
    # when
    response = upload(client)
    # then
    assert response.status_code == 302
    upload_row = OrderImport.objects.get()
    assert response.url == f"/orders/import/{upload_row.public_id}/"
    assert not Order.objects.exists()
    assert not Customer.objects.exists()
    assert upload_row.preview["counts"] == {"new": 3, "error": 1}
    assert [(e["row"], e["column"]) for e in upload_row.preview["errors"]] == [
        (4, "total"),
        (4, "placed_at"),
        (4, "email"),
    ]
    assert [(r["number"], r["outcome"]) for r in upload_row.preview["rows"]] == [
        ("INV-1", "new"),
        ("INV-2", "new"),
        ("INV-3", "error"),
        ("INV-4", "new"),
    ]
    assert list(Event.objects.values_list("verb", flat=True)) == ["order_import.uploaded"]
    page = client.get(response.url)
    assert page.status_code == 200
    assert "“gratis” is not an amount" in page.text
    assert "Import the valid rows" in page.text


def test_confirm_imports_the_valid_rows_and_reports_the_others(client, admin, confirm):
    # given
    upload(client)
    upload_row = OrderImport.objects.get()
    # when
    response = confirm(upload_row.public_id)
    # then
    assert response.status_code == 302
    upload_row.refresh_from_db()
    assert upload_row.status == ImportStatus.DONE
    assert upload_row.result["counts"] == {"created": 3, "failed": 1}
    assert sorted(Order.objects.values_list("number", "status", "total_minor")) == [
        ("INV-1", "paid", 150000),
        ("INV-2", "shipped", 89000),
        ("INV-4", "shipped", 75000),
    ]
    assert Shipment.objects.get(tracking_number="JT2").carrier_code == "jnt"
    created = Event.objects.filter(verb="order.created").first()
    assert created.actor_label == "admin"
    page = client.get(f"/orders/import/{upload_row.public_id}/")
    assert "result-counts" in page.text
    # the file kept between the steps is gone
    assert not upload_row.stored_name or not _stored(upload_row.stored_name)


def _stored(name: str) -> bool:
    return default_storage.exists(name)


def test_importing_the_same_file_again_changes_nothing(client, admin, confirm):
    # given
    upload(client)
    confirm(OrderImport.objects.get().public_id)
    events = Event.objects.exclude(verb__startswith="order_import.").count()
    # when
    upload(client)
    second = OrderImport.objects.latest("pk")
    assert second.preview["counts"] == {"unchanged": 3, "error": 1}
    confirm(second.public_id)
    # then
    second.refresh_from_db()
    assert second.result["counts"] == {"unchanged": 3, "failed": 1}
    assert Event.objects.exclude(verb__startswith="order_import.").count() == events


def test_a_changed_file_previews_updates_and_stale_rows(client, admin, confirm):
    upload(client)
    confirm(OrderImport.objects.get().public_id)
    changed = CSV.replace(
        "paid;Rp150.000;23/11/2026 14:30;23/11/2026 15:00",
        "placed;Rp150.000;23/11/2026 14:30;23/11/2026 14:35",
    )
    changed = changed.replace("shipped;89.000", "delivered;89.000")
    upload(client, changed)
    assert OrderImport.objects.latest("pk").preview["counts"] == {
        "stale": 1,
        "update": 1,
        "unchanged": 1,
        "error": 1,
    }


def test_an_illegal_status_in_a_row_is_that_row_s_error(client, admin, confirm):
    upload(client)
    confirm(OrderImport.objects.get().public_id)
    upload(client, CSV.replace("shipped;89.000", "placed;89.000"))
    second = OrderImport.objects.latest("pk")
    assert {(e["row"], e["column"]) for e in second.preview["errors"]} >= {(3, "status")}
    confirm(second.public_id)
    second.refresh_from_db()
    assert second.result["counts"] == {"unchanged": 2, "failed": 2}
    assert Order.objects.get(number="INV-2").status == "shipped"


def test_a_file_confirmed_once_cannot_be_confirmed_again(client, admin, confirm):
    upload(client)
    public_id = OrderImport.objects.get().public_id
    confirm(public_id)
    response = confirm(public_id, follow=True)
    assert "This file has already been imported." in response.text
    assert Event.objects.filter(verb="order_import.confirmed").count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("number,status\nA,paid\n", "Required columns are missing"),
        ("x" * 200, "Required columns are missing"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_form_error(client, admin, content, message):
    response = upload(client, content)
    assert response.status_code == 422
    assert message in response.text
    assert not OrderImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, admin, settings):
    settings.SAPA_ORDER_IMPORT_MAX_BYTES = 100
    response = upload(client)
    assert response.status_code == 422
    assert "The file is larger than" in response.text
    assert not OrderImport.objects.exists()


def test_agents_without_order_permission_may_not_import(client, admin, confirm):
    upload(client)
    public_id = OrderImport.objects.get().public_id
    client.force_login(AgentFactory(role=Role.SUPERVISOR, username="sari"))
    assert client.get("/orders/import/").status_code == 403
    assert upload(client).status_code == 403
    assert confirm(public_id).status_code == 403
    assert OrderImport.objects.get().status == ImportStatus.PREVIEWED
    assert not Order.objects.exists()


def test_an_unknown_import_is_404(client, admin):
    assert client.get("/orders/import/nope/").status_code == 404


def test_the_menu_links_the_import_for_admins_only(client, admin):
    assert 'href="/orders/import/"' in client.get("/orders/import/").text
    client.force_login(AgentFactory(role=Role.AGENT, username="andi"))
    assert 'href="/orders/import/"' not in client.get("/orders/delayed/").text


def test_an_upload_never_confirmed_expires_with_its_file(client, admin):
    upload(client)
    stored = OrderImport.objects.get()
    assert _stored(stored.stored_name)
    with clock.frozen_at(stored.created_at + timedelta(hours=47)):
        assert expire_order_imports() == 0
    with clock.frozen_at(stored.created_at + timedelta(hours=49)):
        assert expire_order_imports() == 1
        assert expire_order_imports() == 0
    stored.refresh_from_db()
    assert stored.status == ImportStatus.EXPIRED
    assert not _stored(stored.stored_name)
