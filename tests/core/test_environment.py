"""Reading configuration from the environment."""

import pytest

from sapa.core.environment import ConfigurationError, env_bool, env_int, env_list, env_str
from sapa.core.secret_key import load_or_create_secret_key


def test_defaults_when_unset(monkeypatch):
    monkeypatch.delenv("SAPA_X", raising=False)
    assert env_str("SAPA_X", "d") == "d"
    assert env_int("SAPA_X", 5) == 5
    assert env_bool("SAPA_X", True) is True
    assert env_list("SAPA_X", ["a"]) == ["a"]


def test_values_are_parsed(monkeypatch):
    monkeypatch.setenv("SAPA_X", " 42 ")
    assert env_int("SAPA_X", 0) == 42
    monkeypatch.setenv("SAPA_X", "Yes")
    assert env_bool("SAPA_X", False) is True
    monkeypatch.setenv("SAPA_X", "a.example, b.example,")
    assert env_list("SAPA_X", []) == ["a.example", "b.example"]


@pytest.mark.parametrize(
    ("value", "reader"),
    [("lima", lambda: env_int("SAPA_X", 1)), ("-1", lambda: env_int("SAPA_X", 1, minimum=0)),
     ("mungkin", lambda: env_bool("SAPA_X", False))],
)  # fmt: skip
def test_bad_values_name_the_variable(monkeypatch, value, reader):
    monkeypatch.setenv("SAPA_X", value)
    with pytest.raises(ConfigurationError, match="SAPA_X"):
        reader()


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SAPA_SECRET_KEY", raising=False)
    first = load_or_create_secret_key(tmp_path)
    assert len(first) > 40
    assert load_or_create_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("SAPA_SECRET_KEY", "from-env")
    assert load_or_create_secret_key(tmp_path) == "from-env"


def test_production_hashes_passwords_with_argon2():
    """(Tests swap in a fast hasher; the settings module itself keeps Argon2 first.)"""
    import sapa.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
