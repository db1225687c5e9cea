"""Open, create and migrate a database, and the small reads and writes every module
shares (meta, settings, the change log).

A database file records its schema version in the ``meta`` table. Opening an older
file applies the missing migrations (``migrations/NNNN_*.sql``, tables only) in one
transaction; a newer file is refused, since this code cannot know what it means. The
staging macros (``sql/staging``) are then created, or replaced when this code's
differ from the ones the file holds. What is specific to DuckDB is in ``engine``.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import engine
from pipeline.engine import Connection, DatabaseError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DatabaseError", "connect"]

DEFAULT_PATH = Path("data") / "sales.duckdb"
ENV_VAR = "SALES_DB"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_STAGING_NAME = re.compile(r"^\d{2}_[a-z0-9_]+\.sql$")


def database_path() -> Path | str:
    """The database to use: ``$SALES_DB`` (a file, or a postgresql:// URL), else
    ``data/sales.duckdb``."""
    chosen = os.environ.get(ENV_VAR) or str(DEFAULT_PATH)
    return chosen if engine.is_postgres(chosen) else Path(chosen)


def migrations(store: str = "duckdb") -> list[tuple[int, str]]:
    """All migrations of a store ("duckdb" or "postgres") as (version, sql), in order."""
    folder = resources.files("pipeline.migrations")
    if store == "postgres":
        folder = folder / "postgres"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


def staging_macros() -> list[tuple[str, str]]:
    """The staging macros' files as (name, sql), in the order they are created."""
    folder = resources.files("pipeline.sql") / "staging"
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if _STAGING_NAME.match(entry.name)
    )


def latest_version() -> int:
    return migrations()[-1][0]


def connect(location: Path | str, *, read_only: bool = False) -> Connection:
    """Open (creating if needed) and migrate the database at ``location``: a DuckDB
    file, or a postgresql:// URL.

    Every failure a user can cause (a locked file, a file that is not a database, a
    database from a newer version, a folder that does not exist or cannot be written, a
    PostgreSQL server that cannot be reached) raises DatabaseError with a one-line
    reason.
    """
    if engine.is_postgres(location):
        return connect_postgres(str(location), read_only=read_only)
    path = Path(location)
    if read_only and not path.exists():
        raise DatabaseError(f"No database at {path}.")
    if not path.parent.exists():  # a typo in --db or SALES_DB, not a place to create
        raise DatabaseError(
            f"The folder {path.parent} does not exist; create it first, or choose another "
            "place for the database."
        )
    con = engine.open_file(path, read_only=read_only)
    try:
        # On a cursor closed straight after: a result left unread on the connection
        # would hold its transaction open for as long as the connection lives, and
        # then no checkpoint could run and every later write would stay in the WAL.
        with con.cursor() as setup:
            if not read_only:
                migrate(setup)
                create_staging(setup)
            check_version(setup, path)
    except DatabaseError:
        con.close()
        raise
    except Exception as exc:  # a file the database cannot write (read-only folder, …)
        con.close()
        if engine.is_storage_failure(exc):
            raise DatabaseError(engine.explain_open_error(path, exc)) from None
        raise
    return con


def connect_postgres(url: str, *, read_only: bool = False) -> Connection:
    """Open and migrate the PostgreSQL database at ``url``; the staging macros are
    created in this connection's memory (PostgreSQL cannot hold them)."""

    def prepare(con: Connection, new: bool) -> None:
        if not read_only:
            migrate_postgres(con)
        if new:  # later connects of this process share the macros made here
            with engine.creating_macros(con):
                for _, sql in staging_macros():
                    con.execute(sql)
        check_version(con, engine.describe(url))

    return engine.open_postgres(url, prepare)


def migrate_postgres(con: Connection) -> int:
    """Apply every PostgreSQL migration newer than the database's version in one
    PostgreSQL transaction, in PostgreSQL's own dialect. Replicas starting together
    take turns (an advisory lock), so each migration runs once."""
    with engine.postgres_session(con) as session, session.transaction():
        session.execute("SELECT pg_advisory_xact_lock(hashtext('sales pipeline migrations'))")
        has_meta = session.execute("SELECT to_regclass('public.meta') IS NOT NULL").fetchone()[0]
        current = 0
        if has_meta:
            row = session.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            current = int(row[0]) if row else 0
        elif session.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]:
            raise DatabaseError(
                "This PostgreSQL database holds other tables and no dashboard schema; "
                "choose an empty or dashboard database."
            )
        pending = [(v, sql) for v, sql in migrations("postgres") if v > current]
        for version, sql in pending:
            session.execute(sql)
            session.execute(
                "INSERT INTO meta VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(version),),
            )
    engine.refresh_catalog(con)
    return pending[-1][0] if pending else current


def schema_version(con: Connection) -> int:
    """The schema version recorded in the file; 0 for a new, empty database."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def check_version(con: Connection, path: Path | str) -> None:
    found, known = schema_version(con), latest_version()
    if found > known:
        raise DatabaseError(
            f"{path} was written by a newer version of this dashboard (schema {found}, "
            f"this version knows up to {known}). Upgrade the dashboard to open it."
        )
    if found == 0:
        raise DatabaseError(f"{path} has no dashboard schema; open it read-write once.")


def migrate(con: Connection) -> int:
    """Apply every migration newer than the file's version, all in one transaction."""
    current = schema_version(con)
    pending = [(v, sql) for v, sql in migrations() if v > current]
    if not pending:
        return current
    if current == 0 and user_tables(con):
        raise DatabaseError(
            "This DuckDB file holds other tables and no dashboard schema; "
            "choose an empty or dashboard database."
        )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"
        )
        for version, sql in pending:
            con.execute(sql)
            set_meta(con, "schema_version", str(version))
        con.execute("DELETE FROM meta WHERE key = $key", {"key": STAGING_HASH})
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return pending[-1][0]


STAGING_HASH = "staging_hash"


def create_staging(con: Connection) -> None:
    """Create the staging macros, or replace them when the file holds another version
    of them (skipped when they are the same: a catalog write is not free, and another
    connection of this process may be mid-transaction)."""
    macros = staging_macros()
    digest = hashlib.sha256("\n".join(sql for _, sql in macros).encode()).hexdigest()
    if get_meta(con, STAGING_HASH) == digest:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        for _, sql in macros:
            con.execute(sql)
        set_meta(con, STAGING_HASH, digest)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def user_tables(con: Connection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = current_schema()"
    ).fetchall()
    return [name for (name,) in rows]


def set_meta(con: Connection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ($key, $value)", {"key": key, "value": value})


def get_meta(con: Connection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = $key", {"key": key}).fetchone()
    return row[0] if row else None


def dict_rows(con: Connection, sql: str, params: dict) -> list[dict]:
    """Every row of a query as a dict of plain Python values (column name -> value)."""
    relation = con.execute(sql, params)
    names = [column[0] for column in relation.description]
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def dict_row(con: Connection, sql: str, params: dict) -> dict | None:
    """The first row of a query as a dict, or None when there is none."""
    rows = dict_rows(con, sql, params)
    return rows[0] if rows else None


def execute_with_frame(con: Connection, frame: pd.DataFrame, sql: str) -> None:
    """Run the constant statement ``sql``, which reads ``frame`` as the view
    ``frame_rows``."""
    with engine.rows_as(con, "frame_rows", frame):
        con.execute(sql)


def data_version(con: Connection) -> int:
    """The id of the latest change; cached query results are keyed by it."""
    return engine.data_version(con)


def record_change(
    con: Connection,
    kind: str,
    *,
    user_id: int | None = None,
    deal_id: int | None = None,
    summary: str | None = None,
    at: datetime | None = None,
) -> None:
    """Append to the change log inside the caller's transaction, which also moves the
    data version on so every cached result refreshes once the transaction commits."""
    con.execute(
        "INSERT INTO change_log (changed_at, user_id, kind, deal_id, summary) "
        "VALUES ($at, $user_id, $kind, $deal_id, $summary)",
        {
            "at": at or datetime.now(),
            "user_id": user_id,
            "kind": kind,
            "deal_id": deal_id,
            "summary": summary,
        },
    )


def get_setting(con: Connection, key: str, default: str | None = None) -> str | None:
    row = con.execute("SELECT value FROM settings WHERE key = $key", {"key": key}).fetchone()
    return row[0] if row else default


# Settings that are secrets: they never leave the database (no export, no page reads
# them through all_settings); only the code that needs one reads it by name.
SECRET_SETTINGS = ("auth_cookie_key",)


def all_settings(con: Connection) -> dict[str, str]:
    """Every stored setting, key to value, secrets left out."""
    return dict(
        con.execute(
            "SELECT key, value FROM settings WHERE NOT list_contains($secrets, key)",
            {"secrets": list(SECRET_SETTINGS)},
        ).fetchall()
    )


def set_setting(con: Connection, key: str, value: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO settings VALUES ($key, $value)", {"key": key, "value": value}
    )


# Each id sequence and the highest id the bulk load gave out from it.
SEQUENCES = {
    "team_ids": "SELECT coalesce(max(id), 0) FROM teams",
    "user_ids": "SELECT coalesce(max(id), 0) FROM users",
    "account_ids": "SELECT coalesce(max(id), 0) FROM accounts",
    "deal_ids": "SELECT coalesce(max(id), 0) FROM deals",
    "activity_ids": "SELECT coalesce(max(id), 0) FROM activities",
    "forecast_call_ids": "SELECT coalesce(max(id), 0) FROM forecast_calls",
    "stage_ids": "SELECT coalesce(max(id), 0) FROM stages",
    "review_ids": "SELECT coalesce(max(id), 0) FROM reviews",
    "review_item_ids": "SELECT coalesce(max(id), 0) FROM review_items",
    "import_ids": "SELECT coalesce(max(id), 0) FROM imports",
    "change_ids": "SELECT coalesce(max(id), 0) FROM change_log",
}


def advance_sequences(con: Connection) -> None:
    """After a bulk load with explicit ids: move each id sequence past the ids used, so
    later inserts do not collide."""
    for sequence, highest_id_sql in SEQUENCES.items():
        highest = con.execute(highest_id_sql).fetchone()[0]
        if highest:
            engine.advance_sequence(con, sequence, highest)
