"""The `sapa` command."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sapa.accounts.models import ApiToken
from sapa.accounts.queries import find_token
from tests.factories import AgentFactory


@pytest.mark.django_db
def test_token_create_prints_the_token_alone_on_the_last_line():
    agent = AgentFactory(username="rina")
    out = StringIO()
    call_command(
        "token", "create", "--user", "rina", "--name", "toko", stdout=out, stderr=StringIO()
    )
    raw = out.getvalue().strip().splitlines()[-1]
    token = find_token(raw)
    assert token is not None
    assert token.agent == agent
    assert token.name == "toko"
    assert raw not in ApiToken.objects.values_list("token_hash", flat=True)  # stored hashed


@pytest.mark.django_db
def test_token_create_for_unknown_user_fails():
    with pytest.raises(CommandError, match="No active agent"):
        call_command("token", "create", "--user", "nobody", stdout=StringIO())


@pytest.mark.django_db
def test_createadmin_refuses_to_overwrite_without_reset(monkeypatch):
    monkeypatch.setenv("SAPA_ADMIN_PASSWORD", "rahasia-admin-123")
    out = StringIO()
    call_command("createadmin", stdout=out)
    assert "password: rahasia-admin-123" in out.getvalue()
    with pytest.raises(CommandError, match="--reset"):
        call_command("createadmin", stdout=StringIO())
    call_command("createadmin", "--reset", stdout=StringIO())


def _sapa(*args: str, var_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update(SAPA_VAR_DIR=str(var_dir), **env)
    return subprocess.run(
        [sys.executable, "-m", "sapa", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_reports_database_and_queue(tmp_path):
    result = _sapa("check", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database: ok" in result.stdout
    assert "queue: ok" in result.stdout
    assert "huey.SqliteHuey" in result.stdout


def test_check_fails_when_the_database_is_unreachable(tmp_path):
    result = _sapa(
        "check",
        var_dir=tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
        SAPA_DB_POOL_TIMEOUT="1",
    )
    assert result.returncode != 0
    assert "database: ok" not in result.stdout
    assert "database: " in result.stdout
    assert "not healthy" in result.stderr


def test_other_words_are_django_commands(tmp_path):
    result = _sapa("showmigrations", "conversations", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[ ] 0001_initial" in result.stdout


def test_bad_configuration_fails_with_a_message_naming_the_variable(tmp_path):
    result = _sapa("check", var_dir=tmp_path, SAPA_THREAD_WINDOW_HOURS="a day")
    assert result.returncode != 0
    assert "SAPA_THREAD_WINDOW_HOURS must be a whole number" in result.stderr


@pytest.mark.django_db
def test_token_list_and_revoke(client):
    AgentFactory(username="toko")
    out = StringIO()
    call_command("token", "create", "--user", "toko", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip().splitlines()[-1]
    prefix = ApiToken.objects.get().prefix
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert prefix in listing.getvalue()
    assert raw not in listing.getvalue()
    call_command("token", "revoke", prefix, stdout=StringIO())
    assert find_token(raw) is None
    response = client.get("/api/v1/tickets", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 401


@pytest.mark.django_db
def test_revoking_a_token_takes_effect_at_once_despite_the_cache(client):
    agent = AgentFactory(username="kasir")
    from sapa.accounts.actions import create_api_token, revoke_api_token
    from sapa.core.actors import Actor

    token, raw = create_api_token(agent, name="pos", actor=Actor.system("test"))
    headers = {"authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200  # now cached
    revoke_api_token(token, actor=Actor.system("test"))
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401


@pytest.mark.django_db
def test_an_expired_token_is_refused(client):
    from datetime import timedelta

    from django.utils import timezone

    AgentFactory(username="sementara")
    out = StringIO()
    call_command(
        "token",
        "create",
        "--user",
        "sementara",
        "--expires-days",
        "1",
        stdout=out,
        stderr=StringIO(),
    )
    raw = out.getvalue().strip().splitlines()[-1]
    headers = {"authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    from django.core.cache import cache

    cache.clear()  # what 30 seconds of the token cache's lifetime do
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
