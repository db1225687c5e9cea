"""Shared fixtures: real DuckDB files built by the project's own code."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pipeline import db, history

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
