"""The database a benchmark runs against, fresh for every run.

SQLite (the embedded default): a new file in the run's temporary var dir, gone with it.
PostgreSQL (`--db postgres`, or DATABASE_URL is a postgres URL): a dedicated database
(`sapa_bench` unless `--db-name` says otherwise) on the server DATABASE_URL names (else
127.0.0.1:5432 as postgres), dropped before and after the run. The database DATABASE_URL
itself names is never touched.
"""

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_BENCH_DATABASE = "sapa_bench"
_POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")


@dataclass(frozen=True)
class BenchDatabase:
    vendor: str  # SQLITE or POSTGRESQL, as the JSON result names it
    url: str  # a DATABASE_URL for Sapa


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default=None,
        help="database engine (default: postgres when DATABASE_URL is a postgres URL, else sqlite)",
    )
    parser.add_argument(
        "--db-name",
        default=DEFAULT_BENCH_DATABASE,
        help="PostgreSQL database to create and drop for the run (default: %(default)s)",
    )


def _is_postgres_url(url: str) -> bool:
    return urlsplit(url).scheme in _POSTGRES_SCHEMES


def chosen_vendor(choice: str | None) -> str:
    """SQLITE or POSTGRESQL from `--db`, else from DATABASE_URL."""
    if choice == "postgres":
        return POSTGRESQL
    if choice == "sqlite":
        return SQLITE
    return POSTGRESQL if _is_postgres_url(os.environ.get("DATABASE_URL", "")) else SQLITE


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextmanager
def fresh_database(vendor: str, *, var_dir: Path, name: str) -> Iterator[BenchDatabase]:
    """An empty database for one run; a PostgreSQL one is dropped afterwards, also on error."""
    if vendor == SQLITE:
        yield BenchDatabase(SQLITE, f"sqlite:///{var_dir / 'sapa.sqlite3'}")
        return
    server_url = os.environ.get("DATABASE_URL", "")
    if not _is_postgres_url(server_url):
        server_url = DEFAULT_POSTGRES_URL
    if urlsplit(server_url).path.lstrip("/") == name:
        raise SystemExit(f"--db-name {name!r} is the database DATABASE_URL names; pick another")
    maintenance_url = _with_database(server_url, "postgres")
    _drop_database(maintenance_url, name)
    _create_database(maintenance_url, name)
    try:
        yield BenchDatabase(POSTGRESQL, _with_database(server_url, name))
    finally:
        _drop_database(maintenance_url, name)


def _create_database(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"created PostgreSQL database {name}", file=sys.stderr)


def _drop_database(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
