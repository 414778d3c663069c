"""A store with its team, a clerk and the console signed in as them."""

from typing import Any

import pytest
from django.test import Client

from sapa.accounts.models import Role
from sapa.channels.walkin.locations import LocationSettings, save_location
from sapa.channels.walkin.models import StoreLocation
from sapa.core.actors import Actor
from tests.factories import AgentFactory, TeamFactory


def make_location(**fields: Any) -> StoreLocation:
    wanted: dict[str, Any] = {"code": "JKT-01", "name": "Toko Grand Indonesia", **fields}
    return save_location(LocationSettings(**wanted), actor=Actor.system("test"))


@pytest.fixture
def store_team(db: None) -> Any:
    return TeamFactory(name="Toko", slug="toko")


@pytest.fixture
def store(store_team: Any) -> StoreLocation:
    return make_location(address="Jl. M.H. Thamrin No.1, Jakarta", team_id=store_team.pk)


@pytest.fixture
def clerk(db: None) -> Any:
    return AgentFactory(username="kasir", first_name="Dewi", role=Role.CLERK)


def signed_in(agent: Any) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def clerk_client(clerk: Any) -> Client:
    return signed_in(clerk)
