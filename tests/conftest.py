"""Shared fixtures: real databases built by the project's own code.

The whole suite runs on either store: ``--store duckdb`` (the default: DuckDB files)
or ``--store postgres`` with ``TEST_POSTGRES_URL`` naming a PostgreSQL server whose user
may create databases (``.ci/run`` starts a throwaway one). On PostgreSQL, every
``<name>.duckdb`` a test asks of ``tmp_path`` is instead a fresh PostgreSQL database
(its postgresql:// URL), so the same tests, CLI runs and app servers use PostgreSQL;
tests about the DuckDB file itself are marked ``file_store`` and skipped there.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from pipeline import db, history

POSTGRES_SERVER = "TEST_POSTGRES_URL"


def pytest_addoption(parser):
    parser.addoption(
        "--store",
        choices=("duckdb", "postgres"),
        default=os.environ.get("TEST_STORE", "duckdb"),
        help="the store every test database is made in (postgres needs $TEST_POSTGRES_URL)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "file_store: about the DuckDB file itself")
    if config.getoption("--store") == "postgres" and not os.environ.get(POSTGRES_SERVER):
        raise pytest.UsageError(f"--store postgres needs ${POSTGRES_SERVER} (a server URL)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--store") != "postgres":
        return
    skip = pytest.mark.skip(reason="about the DuckDB file itself; not run on PostgreSQL")
    for item in items:
        if "file_store" in item.keywords:
            item.add_marker(skip)


class PostgresDatabases:
    """Fresh PostgreSQL databases on the test server, one per database path asked for."""

    def __init__(self, server: str):
        self.server = server
        self.made: dict[Path, str] = {}
        self.numbers = itertools.count(1)

    def url_for(self, path: Path) -> str:
        if path not in self.made:
            name = f"test_{os.getpid()}_{next(self.numbers)}"
            with psycopg.connect(self.server, autocommit=True) as admin:
                admin.execute(
                    psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name))
                )
            self.made[path] = urlunsplit(urlsplit(self.server)._replace(path="/" + name))
        return self.made[path]

    def drop_all(self) -> None:
        with psycopg.connect(self.server, autocommit=True) as admin:
            for url in self.made.values():
                name = urlsplit(url).path.lstrip("/")
                admin.execute(
                    psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        psycopg.sql.Identifier(name)
                    )
                )
        self.made.clear()


class PostgresTmpPath(type(Path())):
    """tmp_path on --store postgres: ``<name>.duckdb`` under it is a PostgreSQL URL."""

    databases: PostgresDatabases

    def __truediv__(self, name):
        child = super().__truediv__(name)
        if str(name).endswith(".duckdb"):
            return self.databases.url_for(child)
        return child


@pytest.fixture(scope="session")
def store(request) -> str:
    """The store this run's databases are made in: "duckdb" or "postgres"."""
    return request.config.getoption("--store")


@pytest.fixture
def tmp_path(tmp_path: Path, store: str):
    if store != "postgres":
        yield tmp_path
        return
    databases = PostgresDatabases(os.environ[POSTGRES_SERVER])
    PostgresTmpPath.databases = databases  # derived paths (tmp_path / "data") share it
    yield PostgresTmpPath(tmp_path)
    databases.drop_all()


FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 11, 18)  # a Wednesday; see tests/fixtures/tiny.sql


def build_tiny(path: Path) -> Path:
    """Create the tiny, hand-totalled database at ``path``."""
    con = db.connect(path)
    con.execute("BEGIN TRANSACTION")
    con.execute((FIXTURES / "tiny.sql").read_text(encoding="utf-8"))
    history.rebuild_current_deals(con)
    db.advance_sequences(con)
    con.execute("COMMIT")
    con.close()
    return path


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    return build_tiny(tmp_path / "tiny.duckdb")


@pytest.fixture
def tiny(tiny_path: Path):
    con = db.connect(tiny_path)
    yield con
    con.close()


@contextlib.contextmanager
def database_held_by_another_process(path: Path):
    """Another process keeps ``path`` open read-write until the block ends."""
    script = (
        "import sys, duckdb\n"
        f"con = duckdb.connect({str(path)!r})\n"
        "print('ready', flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield holder.pid
    finally:
        holder.communicate("")


FACTS_OUT_OF_LINE = """
SELECT
    (SELECT count(*) FROM (
        (SELECT id, owner_id, closed_at, amount FROM deals WHERE status = 'won'
         EXCEPT ALL FROM won_deals)
        UNION ALL
        (FROM won_deals
         EXCEPT ALL SELECT id, owner_id, closed_at, amount FROM deals WHERE status = 'won')
    ))
    + (SELECT count(*) FROM (
        (SELECT id, owner_id, stage_id, close_date, forecast_category, probability_override,
                amount FROM deals WHERE status = 'open'
         EXCEPT ALL FROM open_deals)
        UNION ALL
        (FROM open_deals
         EXCEPT ALL SELECT id, owner_id, stage_id, close_date, forecast_category,
                           probability_override, amount FROM deals WHERE status = 'open')
    ))
    + CAST((SELECT max(last_change) FROM history_clock)
           IS DISTINCT FROM (SELECT max(valid_from) FROM deal_history) AS INTEGER)
    + (SELECT count(*) - count(DISTINCT (deal_id, version)) FROM deal_history)
"""


def facts_out_of_line(con) -> int:
    """Rows of won_deals / open_deals that differ from the deals table, plus 1 when
    history_clock does not give the latest version's start, plus versions numbered twice
    (0 when in line)."""
    return con.execute(FACTS_OUT_OF_LINE).fetchone()[0]
