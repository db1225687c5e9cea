"""Qualification (BANT / MEDDIC) and cost to deliver: parsed one way everywhere, saved
and versioned through the deal write path, imported, and compared on Funnel &
conversion on the deals of tests/test_funnel.py.

Of the five deals closed in Q4 so far, deals 1, 2 and 3 meet all of BANT; deal 6 only
Budget; deal 7 none. Qualified: deals 1 and 2 won (40 and 41 days), deal 3 lost after
Discovery: at steps 1-3 2 won of 3, at steps 4-6 2 of 2; median cycle 40.5 days. Not
qualified: deal 6 lost in Prospecting, deal 7 won (34 days): 1 of 2 at step 1, 1 of 1
after. Costs: deal 1 4,000.00 of 10,000; deal 2 12,000.50 of 20,000; deal 7 none: margin
13,999.50 on 30,000.00 of the 37,000.00 won.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline import db, qualification, settings, users, validation
from pipeline import deals as deal_writes
from pipeline.figures import funnel
from tests import test_funnel
from tests.test_funnel import ALL, QTD
from tests.test_import import run, write

D = Decimal
BANT = "budget,authority,need,timeline"
EXTRAS = {
    1: {"qualification": BANT, "cost": "4000"},
    2: {"qualification": BANT, "cost": "12000.50"},
    3: {"qualification": BANT},
    6: {"qualification": "budget"},
}


@pytest.fixture
def con(tmp_path):
    connection = db.connect(test_funnel.build(tmp_path / "q.duckdb", extras=EXTRAS))
    yield connection
    connection.close()


def test_criteria_are_read_by_key_or_label_and_stored_in_the_frameworks_order():
    assert qualification.parse("Timeline; budget , Need") == "budget,need,timeline"
    assert qualification.parse(["champion", "Economic buyer"]) == "economic_buyer,champion"
    assert qualification.parse("  ") is None and qualification.parse([]) is None
    with pytest.raises(ValueError, match="'Vibes' is not a qualification criterion"):
        qualification.parse("Budget, Vibes")
    assert qualification.is_qualified(BANT, "BANT")
    assert not qualification.is_qualified("budget,need", "BANT")
    assert not qualification.is_qualified(BANT, "MEDDIC")
    assert qualification.describe("budget,champion") == "Budget, Champion"


def test_the_framework_setting_takes_only_a_known_framework(con):
    values = {**settings.current(con), qualification.SETTING: "spiced"}
    with pytest.raises(validation.ValidationError, match="'spiced' is not one of BANT, MEDDIC"):
        settings.parse(values)
    assert settings.parse({**values, qualification.SETTING: "meddic"})[qualification.SETTING] == (
        "MEDDIC"
    )


def test_a_save_versions_qualification_and_cost(con):
    ann = users.get(con, test_funnel.ANN)
    current = deal_writes.load(con, 4)
    saved = deal_writes.save(con, ann, 4, current["version"],
                             {"qualification": ["Need", "budget"], "cost": "2,500.25"})  # fmt: skip
    assert saved.changed == ["Qualification", "Cost"]
    row = con.execute(
        "SELECT qualification, cost FROM deal_history WHERE deal_id = 4 AND valid_to IS NULL"
    ).fetchone()
    assert row == ("budget,need", D("2500.25"))
    assert deal_writes.load(con, 4)["qualification"] == "budget,need"
    with pytest.raises(validation.ValidationError) as refused:
        deal_writes.save(con, ann, 4, saved.version, {"qualification": "Budget, Vibes",
                                                       "cost": "-5"})  # fmt: skip
    fields = [p.field for p in refused.value.problems]
    assert fields == ["Cost", "Qualification"]


def test_qualified_deals_against_the_rest_at_each_stage(con):
    found = funnel.qualified_against_not(con, QTD, "default", ALL, "BANT")
    assert found["qualified_deals"].tolist() == [3, 3, 3, 2, 2, 2]
    assert found["qualified_won"].tolist() == [2] * 6
    assert found["qualified_win_rate"].tolist() == pytest.approx([2 / 3] * 3 + [1.0] * 3)
    assert found["qualified_cycle_days"].tolist() == pytest.approx([40.5] * 6)
    assert found["other_deals"].tolist() == [2, 1, 1, 1, 1, 1]
    assert found["other_win_rate"].tolist() == pytest.approx([0.5] + [1.0] * 5)
    assert found["other_cycle_days"].tolist() == pytest.approx([34.0] * 6)
    meddic = funnel.qualified_against_not(con, QTD, "default", ALL, "MEDDIC")
    assert meddic["qualified_deals"].sum() == 0
    assert meddic["qualified_win_rate"].tolist() == [None] * 6


def test_margins_count_only_deals_with_a_cost(con):
    found = funnel.margins(con, QTD, ALL).set_index("dimension")
    for dimension, name in (("segment", "(no segment)"), ("rep", "Ann Rep")):
        row = found.loc[dimension]
        assert row["name"] == name
        assert (row["won_deals"], row["costed_deals"]) == (3, 2)
        assert (row["amount"], row["cost"], row["margin"]) == (D("30000.00"), D("16000.50"),
                                                               D("13999.50"))  # fmt: skip
        assert row["margin_share"] == D("13999.50") / D("30000.00")
    later = funnel.margins(con, test_funnel.periods.period("QTD", datetime(2027, 2, 1).date()),
                           ALL)  # fmt: skip
    assert later.empty


DEALS = """\
Deal ID,Title,Owner,Stage,Status,Value,Close date,Created,Cost,Qualification
Q-1,Qualified,Ann,Closed Won,won,1000,2026-11-02,2026-10-01,400.50,Budget; Authority; Need; Timeline
Q-2,Partly,Ann,Negotiation,open,2000,2026-12-20,2026-10-05,,budget
Q-3,Unknown,Ann,Demo,open,3000,2026-12-20,2026-10-06,,
"""


def test_an_import_reads_cost_and_qualification(tmp_path: Path):
    con = db.connect(tmp_path / "import.duckdb")
    try:
        report = run(con, "other", [write(tmp_path, "deals.csv", DEALS)])
        assert report.ok and report.written, report.problems
        rows = con.execute(
            "SELECT external_id, qualification, cost FROM deals ORDER BY external_id"
        ).fetchall()
        assert rows == [("Q-1", BANT, D("400.50")), ("Q-2", "budget", None), ("Q-3", None, None)]
        history = con.execute(
            "SELECT DISTINCT qualification FROM deal_history WHERE external_id = 'Q-1'"
        ).fetchall()
        assert history == [(BANT,)]  # every imported version carries it
        # A later export changes Q-2's qualification: a new version, the cost kept blank.
        changed = DEALS.replace("2026-10-05,,budget", "2026-10-05,99,budget;need")
        again = run(con, "other", [write(tmp_path, "deals2.csv", changed)])
        assert again.ok and again.written
        assert con.execute(
            "SELECT qualification, cost, version FROM deals WHERE external_id = 'Q-2'"
        ).fetchone() == ("budget,need", D("99.00"), 2)
    finally:
        con.close()


def test_an_unknown_criterion_or_a_bad_cost_stops_the_import(tmp_path: Path):
    con = db.connect(tmp_path / "import.duckdb")
    try:
        bad = DEALS.replace(",400.50,", ",-3,").replace("2026-10-06,,", "2026-10-06,,Vibes")
        report = run(con, "other", [write(tmp_path, "deals.csv", bad)])
        assert not report.ok and not report.written
        found = [(p["row"], p["column"], p["problem"]) for p in report.problems]
        assert (2, "Cost", "a negative cost") in found
        assert any(row == 4 and field == "Qualification" and "'Vibes' is not" in problem
                   for row, field, problem in found)  # fmt: skip
        assert con.execute("SELECT count(*) FROM deals").fetchone()[0] == 0
    finally:
        con.close()
