"""Copy a whole database from one store to another (a DuckDB file to PostgreSQL, or
back): every table, history, users and settings, in one transaction on the target,
then checked by each table's row count and, where it has amounts, their sum.

Rows stream across in batches (Arrow), so a million deals and ten million activities
never sit in memory at once. The target's own schema version is kept and it gets a new
identity (``meta.instance``), so no result cached for what it held before is reused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from pipeline import db, engine
from pipeline.engine import Connection, DatabaseError

BATCH_ROWS = 500_000

# Every table, in the order they are written; meta is the target's own.
TABLES = (
    "settings",
    "teams",
    "users",
    "stages",
    "accounts",
    "deals",
    "deal_history",
    "won_deals",
    "open_deals",
    "history_clock",
    "quotas",
    "activities",
    "forecast_calls",
    "reviews",
    "review_items",
    "change_log",
    "imports",
    "missing_deals",
)
WITH_AMOUNTS = ("deals", "deal_history", "won_deals", "open_deals", "quotas")

# One constant statement per table (table names are never formatted into SQL).
_EMPTY = {
    "settings": "DELETE FROM settings",
    "teams": "DELETE FROM teams",
    "users": "DELETE FROM users",
    "stages": "DELETE FROM stages",
    "accounts": "DELETE FROM accounts",
    "deals": "DELETE FROM deals",
    "deal_history": "DELETE FROM deal_history",
    "won_deals": "DELETE FROM won_deals",
    "open_deals": "DELETE FROM open_deals",
    "history_clock": "DELETE FROM history_clock",
    "quotas": "DELETE FROM quotas",
    "activities": "DELETE FROM activities",
    "forecast_calls": "DELETE FROM forecast_calls",
    "reviews": "DELETE FROM reviews",
    "review_items": "DELETE FROM review_items",
    "change_log": "DELETE FROM change_log",
    "imports": "DELETE FROM imports",
    "missing_deals": "DELETE FROM missing_deals",
}
# Each table's rows from the registered table ``incoming``, by column name.
INSERT_ROWS = {
    "settings": "INSERT INTO settings BY NAME SELECT * FROM incoming",
    "teams": "INSERT INTO teams BY NAME SELECT * FROM incoming",
    "users": "INSERT INTO users BY NAME SELECT * FROM incoming",
    "stages": "INSERT INTO stages BY NAME SELECT * FROM incoming",
    "accounts": "INSERT INTO accounts BY NAME SELECT * FROM incoming",
    "deals": "INSERT INTO deals BY NAME SELECT * FROM incoming",
    "deal_history": "INSERT INTO deal_history BY NAME SELECT * FROM incoming",
    "won_deals": "INSERT INTO won_deals BY NAME SELECT * FROM incoming",
    "open_deals": "INSERT INTO open_deals BY NAME SELECT * FROM incoming",
    "history_clock": "INSERT INTO history_clock BY NAME SELECT * FROM incoming",
    "quotas": "INSERT INTO quotas BY NAME SELECT * FROM incoming",
    "activities": "INSERT INTO activities BY NAME SELECT * FROM incoming",
    "forecast_calls": "INSERT INTO forecast_calls BY NAME SELECT * FROM incoming",
    "reviews": "INSERT INTO reviews BY NAME SELECT * FROM incoming",
    "review_items": "INSERT INTO review_items BY NAME SELECT * FROM incoming",
    "change_log": "INSERT INTO change_log BY NAME SELECT * FROM incoming",
    "imports": "INSERT INTO imports BY NAME SELECT * FROM incoming",
    "missing_deals": "INSERT INTO missing_deals BY NAME SELECT * FROM incoming",
}
_FILLED = (
    "SELECT count(*) FROM deals UNION ALL SELECT count(*) FROM users "
    "UNION ALL SELECT count(*) FROM activities UNION ALL SELECT count(*) FROM teams"
)


@dataclass(frozen=True)
class Tally:
    """A table's row count and the sum of its amounts (None without an amount column)."""

    table: str
    rows: int
    amounts: object


def tallies(con: Connection) -> list[Tally]:
    """Each table's row count and amount total, the copy's check."""
    found = []
    for table in TABLES:
        count = con.execute("SELECT count(*) FROM query_table($table)", {"table": table})
        rows = count.fetchone()[0]
        amounts = None
        if table in WITH_AMOUNTS:
            amounts = con.execute(
                "SELECT coalesce(sum(amount), 0) FROM query_table($table)", {"table": table}
            ).fetchone()[0]
        found.append(Tally(table, rows, amounts))
    return found


def has_data(con: Connection) -> bool:
    """Whether the database holds deals, people, activities or teams."""
    return any(count for (count,) in con.execute(_FILLED).fetchall())


def copy_into(source: Connection, target: Connection, *, replace: bool = False) -> list[Tally]:
    """Copy everything ``source`` holds into ``target`` in one transaction, checked
    before it commits. A target holding data is refused unless ``replace``. Returns the
    tallies both agree on."""
    if not replace and has_data(target):
        raise DatabaseError(
            "The target database already holds deals or people; copy into an empty one."
        )
    expected = tallies(source)

    def work() -> list[Tally]:
        for table in TABLES:
            target.execute(_EMPTY[table])
        for table in TABLES:
            batches = source.execute(
                "SELECT * FROM query_table($table)", {"table": table}
            ).to_arrow_reader(BATCH_ROWS)
            for batch in batches:
                with engine.rows_as(target, "incoming", pa.Table.from_batches([batch])):
                    target.execute(INSERT_ROWS[table])
        db.advance_sequences(target)
        db.set_meta(target, "instance", str(uuid.uuid4()))
        found = tallies(target)
        if found != expected:
            differing = [
                f"{want.table} ({want.rows:,} rows, {got.rows:,} copied)"
                for want, got in zip(expected, found, strict=True)
                if want != got
            ]
            raise DatabaseError(
                "The copy did not match its source, so nothing was written: " + ", ".join(differing)
            )
        return found

    copied = engine.transaction(target, work)
    engine.update_statistics(target)
    return copied


def copy_database(source: Path | str, target: Path | str, *, replace: bool = False) -> list[Tally]:
    """Copy the database at ``source`` into the one at ``target`` (created and migrated
    when new); see copy_into."""
    if str(source) == str(target):
        raise DatabaseError("The source and the target are the same database.")
    source_con = db.connect(source, read_only=True)
    try:
        target_con = db.connect(target)
        try:
            return copy_into(source_con, target_con, replace=replace)
        finally:
            target_con.close()
    finally:
        source_con.close()
