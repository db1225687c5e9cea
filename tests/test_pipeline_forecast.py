"""Pipeline & forecast figures, exact on hand-totalled rows.

The tiny fixture (tests/fixtures/tiny.sql) as of Wednesday 18 November 2026, Q4 (Oct-Dec):
open deals closing in Q4 then: 7 Cal 1,000 Negotiation (won the next day), 10 Bob 50,000
Negotiation, 11 Cal 30,000 Proposal with a 50% override, 13 Ann 8,000 Qualification
(Omitted); 12 Dee 10,000 Discovery closes 1 Feb 2027 (Q1). Won in Q4 to date 42,501.00.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from pipeline import db, forecast_calls, users
from pipeline.figures import accuracy, calls, forecast, pipeline_view, statistical
from tests.conftest import AS_OF
from tests.given import Deal, Version, given

D = Decimal
Q4, Q1 = date(2026, 10, 1), date(2027, 1, 1)


def test_pipeline_by_stage_month_and_rep(tiny):
    stages = pipeline_view.by_stage(tiny, AS_OF, Q4).set_index("stage")
    assert stages.loc["Negotiation", ["deals", "amount", "weighted"]].tolist() == [
        2, D("51000.00"), D("40800.00"),  # 1,000 x 80% + 50,000 x 80%
    ]  # fmt: skip
    assert stages.loc["Proposal", ["deals", "amount", "weighted"]].tolist() == [
        1, D("30000.00"), D("15000.00"),  # the 50% override
    ]  # fmt: skip
    assert stages.loc["Qualification", "weighted"] == D("1600.00")
    assert stages.loc["Discovery", "deals"] == 0  # Dee's closes next quarter
    months = pipeline_view.by_close_month(tiny, AS_OF, Q4).set_index("month")
    assert list(months.index) == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert months.loc[date(2026, 11, 1), "amount"] == D("1000.00")  # Cal's, on the 19th
    assert months.loc[date(2026, 12, 1), "amount"] == D("88000.00")
    reps = pipeline_view.by_rep(tiny, AS_OF, Q4, team_id=2).set_index("rep")
    assert reps.loc["Cal Rep", ["deals", "amount", "weighted"]].tolist() == [
        2, D("31000.00"), D("15800.00"),
    ]  # fmt: skip
    nxt = pipeline_view.by_stage(tiny, AS_OF, Q1).set_index("stage")
    assert nxt.loc["Discovery", ["amount", "weighted"]].tolist() == [D("10000.00"), D("3000.00")]
    deals = pipeline_view.deals_behind(tiny, AS_OF, Q4, stage_id=6, now=datetime(2026, 11, 18))
    assert list(deals["name"]) == ["Juno rollout", "Gale add-on"]


def test_rollups_of_any_quarter_with_their_gaps(tiny):
    now = forecast.for_quarter(tiny, AS_OF)
    assert now["rollups"] == {
        "Closed": D("42501.00"),
        "Commit forecast": D("93501.00"),
        "Best-case forecast": D("123501.00"),
        "Weighted forecast": D("98301.00"),  # 42,501 + 55,800
        "Closed + open pipeline": D("123501.00"),  # Ann's Omitted 8,000 is not pipeline
    }
    assert now["gaps"]["Commit forecast"] == D("-18501.00")  # 75,000 - 93,501
    nxt = forecast.for_quarter(tiny, AS_OF, quarter_start=Q1)
    assert nxt["rollups"]["Closed"] == D("0")
    assert nxt["rollups"]["Closed + open pipeline"] == D("10000.00")
    assert nxt["quota"] is None and nxt["gaps"]["Closed"] is None  # 2027 has no plan
    past = forecast.for_quarter(tiny, date(2026, 11, 18), quarter_start=date(2026, 7, 1))
    assert past["rollups"]["Closed"] == D("4000.00")  # Dee's 30 Sep win, nothing later


def test_coverage_by_team_and_rep_against_the_target(tiny):
    reps = pipeline_view.coverage_by_rep(tiny, AS_OF, Q4).to_pandas().set_index("rep")
    bob = reps.loc["Bob Rep"]
    # Bob: open 50,000; won 7,500.75; quota 24,000 -> 16,499.25 left: 3.03x.
    assert (bob["open_pipeline"], bob["won"], bob["remaining"]) == (
        D("50000.00"), D("7500.75"), D("16499.25"),
    )  # fmt: skip
    assert bob["coverage"] == pytest.approx(50000 / 16499.25)
    ann = reps.loc["Ann Rep"]  # 30,000 quota, 15,000.25 won, 8,000 open (Omitted counts)
    assert ann["coverage"] == pytest.approx(8000 / 14999.75)
    teams = pipeline_view.coverage_by_team(tiny, AS_OF, Q4).to_pandas().set_index("team")
    assert teams.loc["East", "open_pipeline"] == D("58000.00")
    assert teams.loc["West", "remaining"] == D("4000.00")  # 24,000 - 20,000
    assert teams.loc["Empty", "coverage"] is None or pd.isna(teams.loc["Empty", "coverage"])


def called(con, user_id: int, commit: str, best: str, at: datetime) -> None:
    forecast_calls.submit(con, users.get(con, user_id), commit=commit, best_case=best, now=at)


def test_calls_roll_up_a_managers_own_call_else_the_sum_below(tiny):
    week = datetime(2026, 11, 16, 9)  # calls for Q4, made on Monday of the as-of week
    called(tiny, 4, "10000", "12000", week)  # Ann (East)
    called(tiny, 5, "20000", "25000", week)  # Bob (East)
    called(tiny, 6, "5000", "6000", week)  # Cal (West)
    called(tiny, 3, "4000", "5000", week)  # Walt, West's manager: his own call for West
    teams = calls.by_team(tiny, AS_OF, Q4).set_index("team")
    assert teams.loc["East", ["commit", "best_case", "source"]].tolist() == [
        D("30000.00"), D("37000.00"), "sum below",
    ]  # fmt: skip
    assert teams.loc["West", ["commit", "best_case", "source"]].tolist() == [
        D("4000.00"), D("5000.00"), "own call",
    ]  # fmt: skip
    assert teams.loc["West", "sum_commit"] == D("5000.00")  # Cal's, shown beside Walt's
    reps = calls.by_rep(tiny, AS_OF, Q4).set_index("rep")
    assert reps.loc["Bob Rep", ["call_commit", "commit_forecast"]].tolist() == [
        D("20000.00"), D("57500.75"),  # the system: 7,500.75 won + 50,000 Commit open
    ]  # fmt: skip
    company = calls.roll_up(calls.team_tree(tiny), calls.latest_calls(
        tiny, Q4, [datetime(2026, 11, 19)]), calls.reps_by_team(tiny))[None]  # fmt: skip
    assert (company.commit, company.best_case) == (D("34000.00"), D("42000.00"))


def weekly_fixture(path):
    """Rep 5 (team 1, manager 2). Deal 1: created 1 Oct in Demo (Best Case) at 10,000
    closing 15 Dec; on 14 Oct moved to Negotiation (Commit) at 12,000; won 28 Oct.
    Deal 2: created 20 Oct in Negotiation at 5,000 closing 20 Nov; pushed to 20 Jan on
    3 Nov (out of the quarter)."""
    return given(
        path,
        teams=[{"id": 1, "name": "T", "manager_id": 2}],
        users=[
            {"id": 2, "name": "Mo Manager", "role": "manager", "team_id": 1},
            {"id": 5, "name": "Ray Rep", "role": "rep", "team_id": 1, "manager_id": 2},
        ],
        deals=[
            Deal(
                1,
                5,
                "Story",
                [
                    Version(datetime(2026, 10, 1, 9), "Demo", "10000", date(2026, 12, 15)),
                    Version(datetime(2026, 10, 14, 9), "Negotiation", "12000"),
                    Version(datetime(2026, 10, 28, 9), "Closed Won"),
                ],
            ),
            Deal(
                2,
                5,
                "Pushed",
                [
                    Version(datetime(2026, 10, 20, 9), "Negotiation", "5000", date(2026, 11, 20)),
                    Version(datetime(2026, 11, 3, 9), "Negotiation", close_date=date(2027, 1, 20)),
                ],
            ),
        ],  # fmt: skip
    )


def test_the_weekly_trend_is_rebuilt_from_history(tmp_path):
    con = db.connect(weekly_fixture(tmp_path / "weekly.duckdb"))
    called(con, 5, "9000", "11000", datetime(2026, 10, 12, 10))
    called(con, 2, "8000", "10000", datetime(2026, 10, 12, 15))  # the manager trims it
    called(con, 5, "15000", "16000", datetime(2026, 10, 26, 10))
    trend = calls.weekly_trend(con, date(2026, 11, 8), Q4).set_index("week_end")
    assert list(trend.index) == [
        date(2026, 10, 4),
        date(2026, 10, 11),
        date(2026, 10, 18),
        date(2026, 10, 25),
        date(2026, 11, 1),
        date(2026, 11, 8),
    ]
    rows = {day: trend.loc[day] for day in trend.index}
    first = rows[date(2026, 10, 4)]  # deal 1 in Demo: best case 10,000, weighted 4,000
    assert (
        first["closed"],
        first["commit_forecast"],
        first["best_case_forecast"],
        first["weighted_forecast"],
    ) == (D("0"), D("0"), D("10000"), D("4000.00"))
    assert first["reps_commit"] is None and first["scope_commit"] is None  # no call yet
    mid = rows[date(2026, 10, 18)]  # deal 1 in Commit at 12,000; the calls of the 12th
    assert (mid["commit_forecast"], mid["weighted_forecast"]) == (D("12000"), D("9600.00"))
    assert (mid["reps_commit"], mid["scope_commit"]) == (D("9000.00"), D("8000.00"))
    late = rows[date(2026, 10, 25)]  # deal 2 joins: 5,000 Commit
    assert late["commit_forecast"] == D("17000")
    won = rows[date(2026, 11, 1)]  # deal 1 won on the 28th; Ray's new call counts
    assert (won["closed"], won["commit_forecast"], won["reps_commit"]) == (
        D("12000"), D("17000"), D("15000.00"),
    )  # fmt: skip
    pushed = rows[date(2026, 11, 8)]  # deal 2 pushed out of the quarter on the 3rd
    assert (pushed["closed"], pushed["commit_forecast"]) == (D("12000"), D("12000"))
    con.close()


def test_simulation_answers_where_the_answer_is_known():
    amounts = np.array([100.0, 250.0, 40.0] * 1000)
    sure = statistical.simulate(amounts, np.ones(3000), runs=200, seed=1)
    assert set(sure) == {390_000.0}  # every deal wins: the open pipeline, every run
    never = statistical.simulate(amounts, np.zeros(3000), runs=200, seed=1)
    assert set(never) == {0.0}
    rates = np.array([0.2, 0.5, 0.9] * 1000)
    many = statistical.simulate(amounts, rates, runs=4000, seed=3)
    expected = 1000 * (100 * 0.2 + 250 * 0.5 + 40 * 0.9)
    sd = np.sqrt(1000 * (100**2 * 0.16 + 250**2 * 0.25 + 40**2 * 0.09))
    assert abs(many.mean() - expected) < 4 * sd / np.sqrt(4000)  # the mean, within 4 SE
    assert abs(many.std() - sd) < 0.05 * sd
    again = statistical.simulate(amounts, rates, runs=4000, seed=3)
    assert np.array_equal(many, again)  # same seed, same quarters
    # A group larger than EXACT_UP_TO (binomial count, normal amount): the same law.
    big = np.full(5000, 10.0)
    drawn = statistical.simulate(big, np.full(5000, 0.3), runs=4000, seed=5)
    assert abs(drawn.mean() - 15000) < 4 * np.sqrt(5000 * 100 * 0.21) / np.sqrt(4000)


def test_a_stage_without_history_falls_back_to_its_probability(tiny):
    result = statistical.forecast(tiny, AS_OF, Q4, runs=2000)
    table = result.calibration.set_index("stage")
    assert table.loc["Negotiation", "source"] == "the stage's probability (too little history)"
    assert table.loc["Negotiation", "win_rate_used"] == pytest.approx(0.8)
    # Closed 42,501 + 1,000 x 0.8 + 50,000 x 0.8 + 30,000 x 0.6 + 8,000 x 0.2 (tiny's
    # Qualification): the stage's probability, not the deal's own override
    assert result.expected == D("102901.00")
    assert result.closed == D("42501.00")
    assert result.p10 <= result.p50 <= result.p90
    assert result.p10 >= result.closed


def test_calibration_uses_the_scopes_history_then_the_companys(tmp_path):
    """Forty deals of team A were open in Proposal half way through Q3 with a Q3 close
    date: 30 won in Q3, 6 lost, 4 slipped; team B has only those 4 deals of its own."""
    versions = []
    for i in range(44):
        owner = 5 if i < 40 else 6
        fate = "Closed Won" if i < 30 else ("Closed Lost" if i < 36 else None)
        if i >= 40:
            fate = "Closed Won"
        history = [Version(datetime(2026, 7, 1, 9), "Proposal", "1000", date(2026, 9, 20))]
        if fate:
            history.append(Version(datetime(2026, 9, 10, 9), fate, lost_reason="Price"
                                   if fate == "Closed Lost" else None))  # fmt: skip
        else:
            history.append(Version(datetime(2026, 9, 10, 9), "Proposal",
                                   close_date=date(2026, 10, 20)))  # fmt: skip
        versions.append(Deal(i + 1, owner, f"D{i}", history))
    path = given(
        tmp_path / "calibration.duckdb",
        teams=[{"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
        users=[
            {"id": 5, "name": "Ann", "role": "rep", "team_id": 1},
            {"id": 6, "name": "Ben", "role": "rep", "team_id": 2},
        ],  # fmt: skip
        deals=versions,
    )
    con = db.connect(path)
    as_of = date(2026, 11, 15)  # half way through Q4, as 15 Aug was through Q3
    team_a = statistical.forecast(con, as_of, Q4, team_id=1, runs=100).calibration
    proposal = team_a.set_index("stage").loc["Proposal"]
    assert (proposal["deals"], proposal["won_rate"], proposal["slip_rate"]) == (
        40, pytest.approx(0.75), pytest.approx(0.10),
    )  # fmt: skip
    assert proposal["source"] == "this scope's history"
    team_b = statistical.forecast(con, as_of, Q4, team_id=2, runs=100).calibration
    fallback = team_b.set_index("stage").loc["Proposal"]
    assert fallback["deals"] == 4 and fallback["company_deals"] == 44
    assert fallback["win_rate_used"] == pytest.approx(34 / 44)
    assert fallback["source"] == "the whole company's history"
    con.close()


def test_accuracy_of_each_method_on_two_past_quarters(tmp_path):
    """Q2 (Apr-Jun 2026): deal 1, 10,000 in Negotiation (80%, Commit) closing 20 Jun,
    won 20 Jun; deal 2, 4,000 in Proposal (60%, Best Case) closing 25 Jun, lost 26 Jun.
    Q3 (Jul-Sep): deal 3, 6,000 in Negotiation closing 15 Sep, won 2 Sep. Actuals:
    Q2 10,000, Q3 6,000. One week before Q2's end (23 Jun): closed 10,000, deal 2 still
    open: weighted 12,400, commit 10,000, best case 14,000."""
    path = given(
        tmp_path / "accuracy.duckdb",
        users=[{"id": 5, "name": "Ann", "role": "rep"}],
        deals=[
            Deal(
                1,
                5,
                "One",
                [
                    Version(datetime(2026, 4, 10, 9), "Negotiation", "10000", date(2026, 6, 20)),
                    Version(datetime(2026, 6, 20, 11), "Closed Won"),
                ],
            ),
            Deal(
                2,
                5,
                "Two",
                [
                    Version(datetime(2026, 4, 10, 9), "Proposal", "4000", date(2026, 6, 25)),
                    Version(datetime(2026, 6, 26, 11), "Closed Lost", lost_reason="Price"),
                ],
            ),
            Deal(
                3,
                5,
                "Three",
                [
                    Version(datetime(2026, 7, 10, 9), "Negotiation", "6000", date(2026, 9, 15)),
                    Version(datetime(2026, 9, 2, 11), "Closed Won"),
                ],
            ),
        ],  # fmt: skip
    )
    con = db.connect(path)
    points = accuracy.by_method(con, date(2026, 11, 18))
    q2_week1 = points[(points["quarter"] == date(2026, 4, 1)) & (points["weeks_before"] == 1)]
    said = dict(zip(q2_week1["method"], q2_week1["forecast"], strict=True))
    assert said["Weighted forecast"] == D("12400.00")
    assert said["Commit forecast"] == D("10000.00")
    assert said["Best-case forecast"] == D("14000.00")
    assert said["Reps' calls"] is None  # nobody called
    assert set(q2_week1["actual"]) == {D("10000.00")}
    q3 = points[(points["quarter"] == date(2026, 7, 1)) & (points["weeks_before"] == 1)]
    assert dict(zip(q3["method"], q3["error"], strict=True))["Commit forecast"] == D("0")
    summary = accuracy.summary(points).set_index("method")
    # Weighted, 1-8 weeks out (the ends of 23, 16, 9 Jun ...; of 23, 16, 9, 2 Sep ...):
    # Q2 says 10,000 x 0.8 + 4,000 x 0.6 = 10,400 before the 20 Jun win (weeks 2-8),
    # 12,400 after (week 1); Q3 says 4,800 before the 2 Sep win (weeks 5-8), 6,000 from
    # its day on (weeks 1-4). Errors: Q2 +400 x 7, +2,400; Q3 0 x 4, -1,200 x 4.
    assert summary.loc["Weighted forecast", "bias"] == pytest.approx(
        (400 * 7 + 2400 + 0 * 4 - 1200 * 4) / 16
    )
    assert summary.loc["Weighted forecast", "points"] == 16
    con.close()


def test_the_weighted_forecast_rounds_once_after_adding_every_category(tmp_path):
    """Two open deals of 10.10 in Prospecting (5%), one called Commit: 0.505 weighted
    each. Rounded once, 1.01; rounding each category first would give 0.51 + 0.51."""
    opened = datetime(2026, 10, 5, 9)
    path = given(
        tmp_path / "cents.duckdb",
        teams=[{"id": 2, "name": "Alpha", "manager_id": 2}],
        users=[
            {"id": 2, "name": "Mia Manager", "role": "manager", "team_id": 2},
            {"id": 10, "name": "Ann Rep", "role": "rep", "team_id": 2, "manager_id": 2},
        ],
        deals=[
            Deal(1, 10, "Pipeline", [Version(opened, "Prospecting", "10.10", date(2026, 12, 10))]),
            Deal(
                2,
                10,
                "Called",
                [
                    Version(
                        opened,
                        "Prospecting",
                        "10.10",
                        date(2026, 12, 11),
                        forecast_category="Commit",
                    )
                ],
            ),
        ],  # fmt: skip
    )
    con = db.connect(path)
    try:
        found = forecast.for_quarter(con, AS_OF)
    finally:
        con.close()
    assert found["weighted_open"] == Decimal("1.01")
    assert found["weighted_forecast"] == Decimal("1.01")
