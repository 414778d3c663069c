"""Shared fixtures: agents with API clients, inbound posting, media in a temp dir, the task
queue run inline, and real servers (Redis) started per session."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from huey.contrib.djhuey import HUEY

from sapa.accounts.actions import create_api_token
from sapa.accounts.models import Agent, Role
from sapa.core.actors import Actor
from tests.factories import AgentFactory


def pytest_configure(config: pytest.Config) -> None:
    # Argon2 with production parameters costs ~0.5 s per hash on two cores; tests create
    # many agents. Production keeps Argon2 (settings.PASSWORD_HASHERS).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _inline_tasks() -> Iterator[None]:
    """Tasks run in-process when enqueued (huey's immediate mode, in-memory storage):
    delivery is exercised for real without a separate consumer."""
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (the API caches token lookups)."""
    cache.clear()


class ApiClient(Client):
    """A test client that sends JSON and an agent's bearer token."""

    agent: Agent
    token: str

    def post_json(self, path: str, data: Any, **extra: Any) -> Any:
        return self.post(path, data, content_type="application/json", **extra)

    def patch_json(self, path: str, data: Any) -> Any:
        return self.patch(path, data, content_type="application/json")

    def put_json(self, path: str, data: Any) -> Any:
        return self.put(path, data, content_type="application/json")


def api_client_for(agent: Agent) -> ApiClient:
    _token, raw = create_api_token(agent, name="test", actor=Actor.system("test"))
    client = ApiClient(headers={"authorization": f"Bearer {raw}"})
    client.agent = agent
    client.token = raw
    return client


@pytest.fixture
def admin_api(db: None) -> ApiClient:
    return api_client_for(AgentFactory(role=Role.ADMIN, username="admin"))


@pytest.fixture
def supervisor_api(db: None) -> ApiClient:
    return api_client_for(AgentFactory(role=Role.SUPERVISOR, username="supervisor"))


@pytest.fixture
def agent_api(db: None) -> ApiClient:
    return api_client_for(AgentFactory(role=Role.AGENT, username="agent"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free loopback port, for this test session only."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (CI installs the redis-server package)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)
