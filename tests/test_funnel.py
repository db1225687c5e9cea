"""Funnel & conversion, exact on deals worked out by hand.

As of Wednesday 18 November 2026; the period is Q4 to date (1 October to 18 November).
Every deal is Ann's. Steps: 1 Prospecting, 2 Qualification, 3 Discovery, 4 Demo,
5 Proposal, 6 Negotiation.

 deal  created  path (each move a new version)                 now             amount
    1  1 Oct    Prospecting, Qualification, Discovery, Won     won 10 Nov      10,000
    2  2 Oct    every step in order, Won                       won 12 Nov      20,000
    3  3 Oct    Qualification (created there), Discovery, Lost lost 14 Nov      5,000
    4  4 Oct    Prospecting, Discovery (skips Qualification),  open, Demo       8,000
                back to Qualification, Demo
    5  5 Oct    Prospecting, Qualification, back to            open, Discovery  3,000
                Prospecting, Qualification again, Discovery
    6  6 Oct    Prospecting, Lost (no reason)                  lost 20 Oct      1,000
    7  1 Sep    Prospecting, Qualification, Won                won 5 Oct        7,000

Any-stage (furthest step; a won deal every step): 6, 5, 5, 3, 2, 2, won 2.
Strict (steps passed in order): deal 3 starts at step 2 (none); deal 4 entered
Discovery before Qualification (2); deal 5's re-entry does not count twice (3):
5, 4, 3, 1, 1, 1, won 1 (only deal 2 passed every step).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from pipeline import db, periods
from pipeline.figures import funnel
from pipeline.imports import fields
from tests.given import Deal, Version, given
from tests.test_import import MAVEN, MAVEN_MAPPING, needs_maven, run

D = Decimal
ANN, MIA = 10, 2
AS_OF = date(2026, 11, 18)
NOW = datetime(2026, 11, 18, 10)
QTD = periods.period("QTD", AS_OF)
ALL = funnel.Cut()
PATHS = {
    1: ["Prospecting", "Qualification", "Discovery", "Closed Won"],
    2: ["Prospecting", "Qualification", "Discovery", "Demo", "Proposal", "Negotiation",
        "Closed Won"],
    3: ["Qualification", "Discovery", "Closed Lost"],
    4: ["Prospecting", "Discovery", "Qualification", "Demo"],
    5: ["Prospecting", "Qualification", "Prospecting", "Qualification", "Discovery"],
    6: ["Prospecting", "Closed Lost"],
    7: ["Prospecting", "Qualification", "Closed Won"],
}  # fmt: skip
CREATED = {1: (10, 1), 2: (10, 2), 3: (10, 3), 4: (10, 4), 5: (10, 5), 6: (10, 6), 7: (9, 1)}
CLOSED = {1: (11, 10), 2: (11, 12), 3: (11, 14), 6: (10, 20), 7: (10, 5)}
AMOUNTS = {1: "10000", 2: "20000", 3: "5000", 4: "8000", 5: "3000", 6: "1000", 7: "7000"}


def versions(deal_id: int) -> list[Version]:
    """The deal's path: created at 10:00, a move a day, closing at 10:00 on its day."""
    month, day = CREATED[deal_id]
    start = datetime(2026, month, day, 10)
    path = PATHS[deal_id]
    found = []
    for number, stage in enumerate(path):
        at = start + timedelta(days=number)
        if stage.startswith("Closed"):
            at = datetime(2026, *CLOSED[deal_id], 10)
        found.append(Version(at, stage, AMOUNTS[deal_id] if number == 0 else None,
                             date(2026, 12, 15) if number == 0 else None,
                             lost_reason="Price" if deal_id == 3 and stage == "Closed Lost"
                             else None))  # fmt: skip
    return found


def build(path, quotas=(), extras: dict[int, dict] | None = None) -> Path:
    """The seven deals above in a database at ``path``, with these quota rows (and
    these further Deal fields by deal id)."""
    extras = extras or {}
    return given(
        path,
        teams=[{"id": 2, "name": "Alpha", "manager_id": MIA}],
        users=[
            {"id": MIA, "name": "Mia Manager", "role": "manager", "team_id": 2},
            {"id": ANN, "name": "Ann Rep", "role": "rep", "team_id": 2, "manager_id": MIA},
        ],
        deals=[
            Deal(
                i,
                ANN,
                f"Deal {i}",
                versions(i),
                deal_type="expansion" if i == 2 else "new",
                **extras.get(i, {}),
            )
            for i in PATHS
        ],  # fmt: skip
        quotas=list(quotas),
        settings={"segment_threshold": 9000},
    )


@pytest.fixture
def con(tmp_path):
    connection = db.connect(build(tmp_path / "funnel.duckdb"))
    yield connection
    connection.close()


def cohort(con, span=QTD, cut=ALL) -> pd.DataFrame:
    """Both modes side by side: any_stage and strict counts, with their conversions."""
    found = funnel.cohort_any_stage(con, span, "default", cut).set_index("stage")
    strict = funnel.cohort_strict(con, span, "default", cut).set_index("stage")
    assert list(strict.index) == list(found.index)
    return (
        found.add_prefix("any_stage_")
        .join(strict.add_prefix("strict_"))
        .rename(columns={"any_stage_deals": "any_stage", "strict_deals": "strict"})
    )


def test_the_cohort_funnel_both_ways(con):
    found = cohort(con)
    assert found["any_stage"].tolist() == [6, 5, 5, 3, 2, 2, 2]
    assert found["strict"].tolist() == [5, 4, 3, 1, 1, 1, 1]
    assert found.loc["Qualification", "any_stage_step_conversion"] == pytest.approx(5 / 6)
    assert found.loc["Won", "strict_cumulative"] == pytest.approx(1 / 5)
    assert pd.isna(found.loc["Prospecting", "any_stage_step_conversion"])
    strict_at_discovery = funnel.cohort_deals(con, QTD, "default", ALL, step=3, mode="strict")
    assert sorted(strict_at_discovery["id"]) == [1, 2, 5]
    won_any = funnel.cohort_deals(con, QTD, "default", ALL, step=7, mode="any")
    assert list(won_any["id"]) == [2, 1]  # largest first
    expansion = cohort(con, cut=funnel.Cut(deal_type="expansion"))
    assert expansion["strict"].tolist() == [1] * 7


def test_an_empty_cohort(con):
    later = periods.period("QTD", date(2027, 2, 1))
    found = cohort(con, span=later)
    assert found["any_stage"].sum() == 0 and found["any_stage_cumulative"].isna().all()
    assert found["strict"].sum() == 0


def test_the_snapshot_funnel(con):
    found = funnel.snapshot(con, AS_OF, "default", ALL).set_index("stage")
    assert found["deals"].tolist() == [0, 0, 1, 1, 0, 0]
    assert found.loc["Demo", "amount"] == D("8000.00")
    before = funnel.snapshot(con, date(2026, 10, 4), "default", ALL).set_index("stage")
    # End of 4 October: deals 1, 2 and 3 in Discovery, deal 4 just created, deal 7 in
    # Qualification (won the next day).
    assert before["deals"].tolist() == [1, 1, 3, 0, 0, 0]


def test_win_rate_both_ways_deal_size_cycle_and_velocity(con):
    found = funnel.rates(con, QTD, ALL)
    assert (found.won, found.lost, found.created, found.created_won) == (3, 2, 6, 2)
    assert found.win_rate("closed") == pytest.approx(0.6)  # 3 / (3 + 2)
    assert found.win_rate("created") == pytest.approx(1 / 3)  # 2 of the 6 created
    assert found.loss_rate("created") == pytest.approx(1 / 3)
    assert found.average_deal_size == D("12333.33")  # 37,000 / 3
    assert found.cycle_mean_days == pytest.approx(115 / 3)  # 40, 41 and 34 days
    assert found.cycle_median_days == pytest.approx(40)
    # 2 open x 0.6 x 12,333.33 / 38.333... days = 386.09 a day
    assert found.velocity("closed") == D("386.09")
    large = funnel.rates(con, QTD, funnel.Cut(size="large"))  # 9,000 and above
    assert (large.won, large.lost, large.win_rate("closed")) == (2, 0, 1.0)


def test_loss_reasons_and_open_deal_ages(con):
    reasons = funnel.loss_reasons(con, QTD, ALL)
    assert reasons[["reason", "deals", "amount"]].values.tolist() == [
        ["Price", 1, D("5000.00")], ["(no reason)", 1, D("1000.00")],
    ]  # fmt: skip
    assert reasons["cumulative_share"].tolist() == [0.5, 1.0]
    by_value = funnel.losses_by_value(reasons)  # 5,000 and 1,000: the same order
    assert by_value["cumulative_share"].tolist() == pytest.approx([5 / 6, 1.0])
    blank = funnel.lost_deals(con, QTD, ALL, reason="(no reason)")
    assert list(blank["id"]) == [6]
    ages = funnel.open_deal_ages(con, NOW, ALL).set_index("label")
    assert ages.loc["31–60 days", "deals"] == 2 and ages["deals"].sum() == 2


def test_time_in_stage(con):
    stays = funnel.stage_stays(con, "default").set_index("stage")
    # Each move is a day after the last, so every completed stay is a day long, except
    # Discovery (deals 1 and 3 sat there until their close) and deal 6's Prospecting.
    assert stays.loc["Qualification", "median_days"] == pytest.approx(1.0)
    assert stays.loc["Negotiation", "stays"] == 1


@needs_maven
def test_maven_win_rate_deal_size_and_cycle_match_the_raw_file(tmp_path):
    """Funnel & conversion on the Maven CRM import against pandas over the raw
    sales_pipeline.csv: deals closed in 2017 (close_date), won / (won + lost), the mean
    close_value of the wins and their mean days from engage_date to close_date."""
    raw = pd.read_csv(MAVEN / "sales_pipeline.csv", parse_dates=["engage_date", "close_date"])
    in_2017 = raw[raw["close_date"].dt.year == 2017]
    won = in_2017[in_2017["deal_stage"] == "Won"]
    lost = in_2017[in_2017["deal_stage"] == "Lost"]
    con = db.connect(tmp_path / "maven.duckdb")
    try:
        mapping = fields.Mapping.from_json(json.loads(MAVEN_MAPPING.read_text()))
        names = ("sales_pipeline.csv", "sales_teams.csv", "accounts.csv", "products.csv")
        assert run(con, "other", [MAVEN / n for n in names], mapping=mapping).ok
        found = funnel.rates(con, periods.period("YTD", date(2017, 12, 31)), ALL)
    finally:
        con.close()
    assert (found.won, found.lost) == (len(won), len(lost))
    assert found.win_rate("closed") == pytest.approx(len(won) / (len(won) + len(lost)))
    exact_size = Decimal(int(won["close_value"].sum())) / len(won)
    assert found.average_deal_size == exact_size.quantize(Decimal("0.01"))
    days = (won["close_date"] - won["engage_date"]).dt.days
    assert found.cycle_mean_days == pytest.approx(days.mean())
    assert found.cycle_median_days == pytest.approx(days.median())


def test_a_stage_added_after_deals_passed_through(con):
    """A "Security review" step added between Demo and Proposal after the fact: no deal
    was ever in it. Any-stage counts a deal that got past it (the rule is "at it or past
    it"); strict counts nobody there or after, since nobody passed it in order."""
    con.execute("UPDATE stages SET position = position + 1 WHERE position >= 5")
    con.execute(
        "INSERT INTO stages (id, pipeline, position, name, probability, forecast_category) "
        "VALUES (20, 'default', 5, 'Security review', 0.35, 'Pipeline')"
    )
    found = cohort(con)
    assert list(found.index) == ["Prospecting", "Qualification", "Discovery", "Demo",
                                 "Security review", "Proposal", "Negotiation", "Won"]  # fmt: skip
    assert found["any_stage"].tolist() == [6, 5, 5, 3, 2, 2, 2, 2]
    assert found["strict"].tolist() == [5, 4, 3, 1, 0, 0, 0, 0]
    snapshot = funnel.snapshot(con, AS_OF, "default", ALL).set_index("stage")
    assert snapshot.loc["Security review", "deals"] == 0


def test_the_pareto_by_value_reorders_the_reasons():
    reasons = pd.DataFrame({"reason": ["Timing", "Price", "Budget"], "deals": [3, 1, 1],
                            "amount": [D("100.00"), D("900.00"), D("900.00")]})  # fmt: skip
    found = funnel.losses_by_value(reasons)
    assert found["reason"].tolist() == ["Budget", "Price", "Timing"]  # ties by name
    assert found["cumulative_share"].tolist() == pytest.approx([0.9 / 1.9, 1.8 / 1.9, 1.0])
