"""Chat widgets as admins set them up: validated field by field, recorded, and switched off
without losing their conversations."""

import pytest

from sapa.accounts.models import Role
from sapa.channels.chat.config import (
    MAX_UPLOAD_BYTES,
    WidgetSettings,
    deactivate_widget,
    normalise_origin,
    save_widget,
)
from sapa.channels.chat.models import ChatWidget
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, PermissionDenied
from sapa.core.models import Event
from tests.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return Actor.for_agent(AgentFactory(username="ayu", role=Role.ADMIN))


def test_a_new_widget_gets_a_key_and_its_fields_are_normalised(admin):
    # given
    team = TeamFactory(slug="cs", name="CS")
    # when
    widget = save_widget(
        WidgetSettings(
            name="  Toko   Buku ",
            allowed_origins="https://TokoBuku.example/\nhttp://localhost:8000, https://tokobuku.example",
            team_id=team.pk,
            colour="#0F766E",
            prechat_fields=("whatsapp", "name"),
            prechat_required=True,
            business_hours="mon-fri 08:00-17:00",
        ),
        actor=admin,
    )
    # then
    widget.refresh_from_db()
    assert widget.key.startswith("wk_")
    assert widget.name == "Toko Buku"
    assert widget.allowed_origins == "https://tokobuku.example\nhttp://localhost:8000"
    assert widget.colour == "#0f766e"
    assert widget.prechat_fields == ["name", "whatsapp"]
    assert widget.team_id == team.pk
    event = Event.objects.get(verb="chat_widget.created")
    assert event.after["origins"] == ["https://tokobuku.example", "http://localhost:8000"]


def test_updating_keeps_the_key(admin):
    widget = save_widget(WidgetSettings(name="Toko"), actor=admin)
    key = widget.key
    save_widget(WidgetSettings(name="Toko Buku", bot_enabled=False), actor=admin, widget=widget)
    widget.refresh_from_db()
    assert (widget.key, widget.name, widget.bot_enabled) == (key, "Toko Buku", False)
    event = Event.objects.get(verb="chat_widget.updated")
    assert (event.before["name"], event.after["name"]) == ("Toko", "Toko Buku")


@pytest.mark.parametrize(
    "origin",
    [
        "https://tokobuku.example/shop",
        "ftp://tokobuku.example",
        "tokobuku.example",
        "https://user@tokobuku.example",
        "https://tokobuku.example?x=1",
        "https://tokobuku.example:99999",
        "https://toko buku.example",
        "javascript:alert(1)",
    ],
)
def test_origins_with_a_path_or_another_scheme_are_refused(origin):
    with pytest.raises(InvalidInput) as raised:
        normalise_origin(origin)
    assert raised.value.loc == ["allowed_origins"]


def test_an_origin_keeps_its_port():
    assert normalise_origin("HTTPS://Shop.Example:8443/") == "https://shop.example:8443"


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"name": "  "}, ["name"]),
        ({"colour": "red"}, ["colour"]),
        ({"colour": "#12345"}, ["colour"]),
        ({"prechat_fields": ("name", "address")}, ["prechat_fields"]),
        ({"business_hours": "setiap hari"}, ["business_hours"]),
        ({"max_upload_bytes": MAX_UPLOAD_BYTES + 1}, ["max_upload_bytes"]),
        ({"max_upload_bytes": 0}, ["max_upload_bytes"]),
        ({"team_id": 999}, ["team"]),
        ({"allowed_origins": "https://a.example/path"}, ["allowed_origins"]),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(admin, fields, loc):
    with pytest.raises(InvalidInput) as raised:
        save_widget(WidgetSettings(**{"name": "Toko", **fields}), actor=admin)
    assert raised.value.loc == loc
    assert not ChatWidget.objects.exists()
    assert not Event.objects.exists()


def test_only_admins_set_widgets_up():
    supervisor = Actor.for_agent(AgentFactory(username="sari", role=Role.SUPERVISOR))
    with pytest.raises(PermissionDenied):
        save_widget(WidgetSettings(name="Toko"), actor=supervisor)
    assert not ChatWidget.objects.exists()


def test_deactivating_switches_the_widget_off_once(admin):
    widget = save_widget(WidgetSettings(name="Toko"), actor=admin)
    deactivate_widget(widget, actor=admin)
    deactivate_widget(widget, actor=admin)
    widget.refresh_from_db()
    assert widget.is_active is False
    assert Event.objects.filter(verb="chat_widget.deactivated").count() == 1
