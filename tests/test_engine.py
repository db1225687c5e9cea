"""The engine (pipeline/engine.py): one transaction per write, retried on DuckDB's
write conflicts, writes of one process taking turns, errors explained in one line."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline import db, engine


def test_a_write_is_all_or_nothing(tmp_path):
    con = db.connect(tmp_path / "t.duckdb")

    def half_then_fail():
        con.execute("UPDATE settings SET value = '7' WHERE key = 'fiscal_year_start_month'")
        raise ValueError("refused half way")

    with pytest.raises(ValueError):
        engine.transaction(con, half_then_fail)
    assert db.get_setting(con, "fiscal_year_start_month") == "1"


def test_a_conflicting_write_runs_again(tmp_path):
    """Another connection's commit in the middle makes the first attempt conflict; the
    second attempt reads again and lands."""
    path = tmp_path / "t.duckdb"
    con = db.connect(path)
    other = engine.cursor(con)
    attempts = []

    def bump():
        attempts.append(1)
        value = int(db.get_setting(con, "stale_after_days"))
        if len(attempts) == 1:  # another writer commits meanwhile
            other.execute("UPDATE settings SET value = '20' WHERE key = 'stale_after_days'")
        con.execute(
            "UPDATE settings SET value = $v WHERE key = 'stale_after_days'", {"v": str(value + 1)}
        )
        return value + 1

    assert engine.transaction(con, bump) == 21
    assert len(attempts) == 2
    assert db.get_setting(con, "stale_after_days") == "21"


def test_writes_of_one_process_take_turns(tmp_path):
    """A long write holds the turn; a short one waits for it instead of failing."""
    con = db.connect(tmp_path / "t.duckdb")
    order = []
    started = threading.Event()

    def long_write():
        def work():
            started.set()
            time.sleep(0.3)  # a long import's write
            con.execute("UPDATE settings SET value = '2' WHERE key = 'coverage_target'")
            order.append("long")

        engine.transaction(con.cursor(), work)

    writer = threading.Thread(target=long_write)
    writer.start()
    started.wait(timeout=30)
    engine.transaction(
        con.cursor(),
        lambda: (con.execute("UPDATE settings SET value = '4' WHERE key = 'coverage_target'"),
                 order.append("short")),
    )  # fmt: skip
    writer.join()
    assert order == ["long", "short"]
    assert db.get_setting(con, "coverage_target") == "4"


def test_rows_as_a_table_for_one_statement(tmp_path):
    con = db.connect(tmp_path / "t.duckdb")
    with engine.rows_as(con, "given_rows", pd.DataFrame({"n": [1, 2, 3]})):
        assert con.execute("SELECT sum(n) FROM given_rows").fetchone()[0] == 6
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM given_rows")


@pytest.mark.file_store
def test_problems_opening_a_file_in_one_line(tmp_path):
    missing = tmp_path / "no-such-folder" / "sales.duckdb"
    with pytest.raises(db.DatabaseError, match="does not exist; create it first"):
        db.connect(missing)
    assert not missing.parent.exists()
    message = engine.explain_open_error(Path("x.duckdb"), duckdb.IOException("Permission denied"))
    assert message.startswith("Cannot write to x.duckdb: permission denied")


def test_a_file_that_cannot_be_written_is_one_line_and_nothing_is_half_written(tmp_path):
    """A read-only folder or a full disk makes DuckDB fail the write: the caller gets one
    line saying so, not the engine's exception (as root, a test cannot make a folder
    read-only, so the failure is the engine's own exception, raised by the work)."""
    con = db.connect(tmp_path / "t.duckdb")

    def write_fails():
        con.execute("UPDATE settings SET value = '9' WHERE key = 'stale_after_days'")
        raise duckdb.IOException('Could not write file "t.duckdb.wal": Permission denied')

    with pytest.raises(db.DatabaseError, match="could not be written .*nothing was saved"):
        engine.transaction(con, write_fails)
    assert db.get_setting(con, "stale_after_days") == "14"
