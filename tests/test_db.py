"""Opening, migrating and refusing database files."""

from __future__ import annotations

import duckdb
import pytest

from pipeline import db
from tests.conftest import database_held_by_another_process


def test_new_file_gets_the_latest_schema(tmp_path):
    con = db.connect(tmp_path / "new.duckdb")
    assert db.schema_version(con) == db.latest_version()
    assert db.data_version(con) == 1  # the migration's own change-log entry
    assert {"deals", "deal_history", "activities", "quotas", "forecast_calls", "reviews",
            "review_items", "settings", "stages", "accounts", "users", "teams"} <= set(
        db.user_tables(con)
    )  # fmt: skip
    assert db.get_setting(con, "fiscal_year_start_month") == "1"


def test_reopening_changes_nothing(tmp_path):
    path = tmp_path / "again.duckdb"
    db.connect(path).close()
    con = db.connect(path)
    assert db.schema_version(con) == db.latest_version()


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.duckdb"
    con = db.connect(path)
    db.set_meta(con, "schema_version", str(db.latest_version() + 1))
    con.close()
    with pytest.raises(db.DatabaseError, match="newer version of this dashboard"):
        db.connect(path)


@pytest.mark.file_store
def test_an_older_schema_is_upgraded(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    db.connect(path).close()
    extra = (99, "CREATE TABLE upgrade_probe (id INTEGER);")
    monkeypatch.setattr(db, "migrations", lambda: [(1, ""), extra])
    con = db.connect(path)
    assert db.schema_version(con) == 99
    assert "upgrade_probe" in db.user_tables(con)


@pytest.mark.file_store
def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("opportunity,amount\n1,100\n" * 500)
    with pytest.raises(db.DatabaseError, match="not a database this dashboard can read"):
        db.connect(path)


@pytest.mark.file_store
def test_a_foreign_duckdb_file_is_not_taken_over(tmp_path):
    path = tmp_path / "other.duckdb"
    other = duckdb.connect(str(path))
    other.execute("CREATE TABLE invoices (id INTEGER)")
    other.close()
    with pytest.raises(db.DatabaseError, match="holds other tables"):
        db.connect(path)


@pytest.mark.file_store
def test_a_file_locked_by_another_process(tmp_path):
    path = tmp_path / "locked.duckdb"
    db.connect(path).close()
    with database_held_by_another_process(path) as pid:
        with pytest.raises(db.DatabaseError, match=rf"in use by another program \(process {pid}\)"):
            db.connect(path)


def test_data_version_counts_recorded_changes(tmp_path):
    con = db.connect(tmp_path / "v.duckdb")
    db.record_change(con, "settings", summary="one")
    db.record_change(con, "settings", user_id=4, summary="two")
    assert db.data_version(con) == 3
    assert con.execute("SELECT kind, user_id, summary FROM change_log ORDER BY id").fetchall() == [
        ("schema", None, "Change log started"),
        ("settings", None, "one"),
        ("settings", 4, "two"),
    ]


@pytest.mark.file_store
def test_an_idle_connection_does_not_block_checkpoints(tmp_path):
    """The app keeps one connection open for the server's life and only reads through
    cursors of it: opening it must leave no transaction behind, or no checkpoint could
    run and every write would pile up in the write-ahead log."""
    path = tmp_path / "idle.duckdb"
    writer = db.connect(path)
    idle = db.connect(path)  # noqa: F841 (kept open, unused, like the app's)
    writer.execute("UPDATE settings SET value = '2' WHERE key = 'fiscal_year_start_month'")
    writer.execute("SELECT count(*) FROM settings").fetchall()  # lets the commit settle
    writer.execute("CHECKPOINT")
    assert db.get_setting(writer, "fiscal_year_start_month") == "2"
