"""Open, create and migrate the database: the one module that knows the engine.

A database file records its schema version in the ``meta`` table. Opening an older
file applies the missing migrations (``migrations/NNNN_*.sql``) in one transaction;
a newer file is refused, since this code cannot know what it means.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_PATH = Path("data") / "sales.duckdb"
ENV_VAR = "SALES_DB"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """A database problem explained in one line, fit to show a user as it is."""


def database_path() -> Path:
    """The database file to use: ``$SALES_DB``, else ``data/sales.duckdb``."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


def migrations() -> list[tuple[int, str]]:
    """All migrations as (version, sql), in order."""
    found = []
    for entry in resources.files("pipeline.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    return migrations()[-1][0]


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) and migrate the database at ``path``.

    Every failure a user can cause (a locked file, a file that is not a database, a
    database from a newer version) raises DatabaseError with a one-line reason.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise DatabaseError(f"No database at {path}.")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise DatabaseError(explain_open_error(path, exc)) from None
    try:
        # On a cursor closed straight after: a result left unread on the connection
        # would hold its transaction open for as long as the connection lives, and
        # then no checkpoint could run and every later write would stay in the WAL.
        with con.cursor() as setup:
            if not read_only:
                migrate(setup)
            check_version(setup, path)
    except DatabaseError:
        con.close()
        raise
    return con


def explain_open_error(path: Path, exc: duckdb.Error) -> str:
    message = str(exc)
    if "lock" in message.lower():
        holder = re.search(r"PID (\d+)", message)
        who = f" (process {holder.group(1)})" if holder else ""
        return (
            f"The database {path} is in use by another program{who}. "
            "Stop it (for example the running dashboard) and try again."
        )
    if "not a valid DuckDB database" in message or "database file" in message.lower():
        return f"{path} is not a database this dashboard can read: {first_line(message)}"
    return f"Cannot open {path}: {first_line(message)}"


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the file; 0 for a new, empty database."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def check_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    found, known = schema_version(con), latest_version()
    if found > known:
        raise DatabaseError(
            f"{path} was written by a newer version of this dashboard (schema {found}, "
            f"this version knows up to {known}). Upgrade the dashboard to open it."
        )
    if found == 0:
        raise DatabaseError(f"{path} has no dashboard schema; open it read-write once.")


def migrate(con: duckdb.DuckDBPyConnection) -> int:
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
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return pending[-1][0]


def user_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return [name for (name,) in rows]


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ($key, $value)", {"key": key, "value": value})


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = $key", {"key": key}).fetchone()
    return row[0] if row else None


def dict_rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> list[dict]:
    """Every row of a query as a dict of plain Python values (column name -> value)."""
    relation = con.execute(sql, params)
    names = [column[0] for column in relation.description]
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def dict_row(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> dict | None:
    """The first row of a query as a dict, or None when there is none."""
    rows = dict_rows(con, sql, params)
    return rows[0] if rows else None


def execute_with_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, sql: str) -> None:
    """Run the constant statement ``sql``, which reads ``frame`` as the view
    ``frame_rows``."""
    con.register("frame_rows", frame)
    try:
        con.execute(sql)
    finally:
        con.unregister("frame_rows")


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """The id of the latest change; cached query results are keyed by it."""
    return con.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0]


def record_change(
    con: duckdb.DuckDBPyConnection,
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


def get_setting(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    row = con.execute("SELECT value FROM settings WHERE key = $key", {"key": key}).fetchone()
    return row[0] if row else default


def all_settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every stored setting, key to value."""
    return dict(con.execute("SELECT key, value FROM settings").fetchall())


def set_setting(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
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
}


def advance_sequences(con: duckdb.DuckDBPyConnection) -> None:
    """After a bulk load with explicit ids: move each id sequence past the ids used, so
    later inserts do not collide."""
    for sequence, highest_id_sql in SEQUENCES.items():
        highest = con.execute(highest_id_sql).fetchone()[0]
        if highest:
            con.execute(
                "SELECT max(nextval($sequence)) FROM range($n)",
                {"sequence": sequence, "n": highest},
            )
