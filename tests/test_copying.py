"""Moving a whole database to another store (``python -m pipeline copy``): the tiny
fixture (tests/fixtures/tiny.sql), made in this run's store, goes to a DuckDB file and
back into a fresh database of the store, and arrives whole.

Totals by hand from the fixture: 13 deals holding 162,500.50 (won 1-8: 54,501.50; lost
9: 9,999; open 10-13: 98,000); 24 versions holding 277,001 (each version's amount, so a
raised deal counts once per version); quotas 648,000 (Ann 12 x 10,000, Bob 12 x 8,000,
Cal 11 x 12,000, the company 12 x 25,000); 2 activities, 7 people, 3 teams, 8 stages.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from pipeline import activities, copying, db, users
from pipeline.engine import DatabaseError
from pipeline.figures import attainment
from tests.conftest import AS_OF

D = Decimal
HAND_TOTALS = {
    "deals": (13, D("162500.50")),
    "deal_history": (24, D("277001.00")),
    "won_deals": (8, D("54501.50")),
    "open_deals": (4, D("98000.00")),
    "quotas": (48, D("648000.00")),
    "activities": (2, None),
    "users": (7, None),
    "teams": (3, None),
    "stages": (8, None),
}


def totals(tallies: list[copying.Tally]) -> dict:
    return {tally.table: (tally.rows, tally.amounts) for tally in tallies}


def store_totals(path) -> dict:
    con = db.connect(path, read_only=True)
    try:
        return totals(copying.tallies(con))
    finally:
        con.close()


def test_a_round_trip_keeps_every_row_total_and_figure(tiny_path, tmp_path):
    as_file = tmp_path / "copied.db"  # a DuckDB file on either store
    there = copying.copy_database(tiny_path, as_file)
    back = copying.copy_database(as_file, tmp_path / "back.duckdb")

    by_hand = {table: total for table, total in totals(back).items() if table in HAND_TOTALS}
    assert by_hand == HAND_TOTALS
    assert totals(there) == totals(back) == store_totals(tiny_path)

    con = db.connect(tmp_path / "back.duckdb")
    try:
        ytd = attainment.by_period(con, AS_OF).set_index("period").loc["YTD"]
        assert (ytd["won"], ytd["quota"]) == (D("53501.50"), D("300000.00"))
        # The past is rebuilt from the copied history: on 17 Nov Cal's 20,000 was open.
        mtd = attainment.by_period(con, date(2026, 11, 17)).set_index("period").loc["MTD"]
        assert mtd["won"] == D("10500.75")
        # Ids go on after the copied ones: the fixture's activities are 1 and 2.
        bob = users.get(con, 5)
        new_id = activities.log(
            con, bob, 10, kind="call", outcome="connected", on=AS_OF, note="After the move"
        )
        assert new_id == 3
    finally:
        con.close()


def test_a_target_that_holds_data_is_refused_and_left_as_it_was(tiny_path, tmp_path):
    target = tmp_path / "target.db"
    copying.copy_database(tiny_path, target)
    con = db.connect(target)
    try:
        bob = users.get(con, 5)
        activities.log(con, bob, 10, kind="email", outcome=None, on=AS_OF, note="Only here")
    finally:
        con.close()
    before = store_totals(target)

    with pytest.raises(DatabaseError, match="already holds deals or people"):
        copying.copy_database(tiny_path, target)
    assert store_totals(target) == before
    assert before["activities"] == (3, None)

    # --replace: the target holds exactly the source again.
    copying.copy_database(tiny_path, target, replace=True)
    assert store_totals(target) == store_totals(tiny_path)


def test_a_database_is_never_copied_onto_itself(tiny_path):
    with pytest.raises(DatabaseError, match="the same database"):
        copying.copy_database(tiny_path, tiny_path)


def test_the_command_line_prints_what_both_hold(tiny_path, tmp_path):
    target = tmp_path / "cli.db"
    command = [sys.executable, "-m", "pipeline", "copy", "--from", str(tiny_path)]
    done = subprocess.run([*command, "--to", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Copied ") and lines[0].endswith("both hold:")
    assert lines[1:] and all(line.startswith("  ") for line in lines[1:])
    deals_line = next(line.split() for line in lines if line.split()[0] == "deals")
    assert deals_line == ["deals", "13", "amounts", "162,500.50"]

    again = subprocess.run([*command, "--to", str(target)], capture_output=True, text=True)
    assert again.returncode == 1
    assert again.stderr.startswith("error: The target database already holds deals or people")
