"""Exact figures on the tiny fixture (tests/fixtures/tiny.sql), worked out by hand.

Won deals (closed_at): Ann 5,000.50 (15 Jan), 12,000.25 (2 Oct), 3,000.00 (16 Nov 00:00);
Bob 7,500.75 (3 Nov), 2,000.00 (31 Jan 23:59:59); Cal 20,000.00 (18 Nov 10:00),
1,000.00 (19 Nov: after the as-of date); Dee 4,000.00 (30 Sep). Ann lost 9,999 (10 Nov).
Company plan 25,000/month; Ann 10,000, Bob 8,000, Cal 12,000 (0 in November), Dee none.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from pipeline import db
from pipeline.figures import attainment, forecast
from tests.conftest import AS_OF

D = Decimal


def by_period(frame):
    return {row["period"]: row for row in frame.to_dict("records")}


def test_company_attainment_by_period(tiny):
    rows = by_period(attainment.by_period(tiny, AS_OF))
    # YTD: every 2026 win up to 18 Nov = 5000.50+12000.25+3000+7500.75+2000+20000+4000
    assert rows["YTD"]["won"] == D("53501.50")
    assert rows["YTD"]["won_deals"] == 7
    assert rows["YTD"]["quota"] == D("300000.00")  # 12 x 25,000
    assert rows["YTD"]["pace"] == D("265000.00")  # 10 months + 25,000 x 18/30
    assert rows["YTD"]["gap"] == D("246498.50")
    assert rows["YTD"]["vs_pace"] == D("-211498.50")
    assert rows["YTD"]["attainment"] == pytest.approx(53501.50 / 300000)
    # QTD (1 Oct - 18 Nov): 12000.25 + 3000 + 7500.75 + 20000
    assert rows["QTD"]["won"] == D("42501.00")
    assert rows["QTD"]["quota"] == D("75000.00")
    assert rows["QTD"]["pace"] == D("40000.00")  # October + 25,000 x 18/30
    # MTD: 3000 + 7500.75 + 20000 (the win on the as-of day counts)
    assert rows["MTD"]["won"] == D("30500.75")
    assert rows["MTD"]["quota"] == D("25000.00")
    assert rows["MTD"]["pace"] == D("15000.00")
    assert rows["MTD"]["gap"] == D("-5500.75")
    # WTD (Mon 16 - Wed 18 Nov): 3000 (at 00:00 Monday) + 20000
    assert rows["WTD"]["won"] == D("23000.00")
    assert rows["WTD"]["quota"] == D("5833.33")  # 25,000 x 7/30
    assert rows["WTD"]["pace"] == D("2500.00")  # 25,000 x 3/30


def test_as_of_rebuilds_the_past_from_history(tiny):
    # On 17 Nov, Cal's 20,000 was still open and Ann's 16 Nov win already counted.
    rows = by_period(attainment.by_period(tiny, date(2026, 11, 17)))
    assert rows["MTD"]["won"] == D("10500.75")
    assert rows["WTD"]["won"] == D("3000.00")
    # On 19 Nov, Cal's 1,000 win joins.
    rows = by_period(attainment.by_period(tiny, date(2026, 11, 19)))
    assert rows["WTD"]["won"] == D("24000.00")


def test_fiscal_year_starting_february(tiny):
    db.set_setting(tiny, "fiscal_year_start_month", "2")
    rows = by_period(attainment.by_period(tiny, AS_OF))
    # FY runs 1 Feb 2026 - 31 Jan 2027: January's 5000.50 and 2000 fall in the prior year.
    assert rows["YTD"]["start"] == date(2026, 2, 1)
    assert rows["YTD"]["won"] == D("46501.00")
    assert rows["YTD"]["quota"] == D("275000.00")  # Feb-Dec 2026; Jan 2027 has no plan
    # Fiscal Q4 is Nov-Jan.
    assert rows["QTD"]["start"] == date(2026, 11, 1)
    assert rows["QTD"]["won"] == D("30500.75")
    assert rows["QTD"]["quota"] == D("50000.00")
    assert rows["QTD"]["pace"] == D("15000.00")


def test_team_scope_sums_its_reps(tiny):
    rows = by_period(attainment.by_period(tiny, AS_OF, team_id=2))
    # West = Cal (0 quota in Nov) + Dee (no quota); Cal won 20,000 on 18 Nov.
    assert rows["QTD"]["won"] == D("20000.00")
    assert rows["QTD"]["quota"] == D("24000.00")  # Oct 12,000 + Nov 0 + Dec 12,000
    assert rows["QTD"]["pace"] == D("12000.00")
    # A zero-quota month: attainment is undefined, not a division error.
    assert rows["MTD"]["quota"] == D("0.00")
    assert math.isnan(rows["MTD"]["attainment"])


def test_rep_without_quota(tiny):
    rows = by_period(attainment.by_period(tiny, AS_OF, owner_id=7))
    assert rows["YTD"]["won"] == D("4000.00")
    assert rows["YTD"]["quota"] is None
    assert math.isnan(rows["YTD"]["attainment"])
    assert rows["YTD"]["gap"] is None


def test_attainment_by_team(tiny):
    frame = attainment.by_team(tiny, AS_OF, "QTD").to_pandas().set_index("team")
    assert list(frame.index) == ["East", "Empty", "West"]
    assert frame.at["East", "won"] == D("22501.00")  # 12000.25 + 3000 + 7500.75
    assert frame.at["East", "quota"] == D("54000.00")  # (10,000 + 8,000) x 3
    assert frame.at["East", "pace"] == D("28800.00")  # 18,000 + 18,000 x 18/30
    assert frame.at["West", "won"] == D("20000.00")
    assert frame.at["Empty", "reps"] == 0
    assert frame.at["Empty", "won"] == D("0")
    assert frame.at["Empty", "quota"] is None


def test_attainment_by_rep(tiny):
    frame = attainment.by_rep(tiny, AS_OF, "QTD").to_pandas().set_index("rep")
    assert frame.at["Ann Rep", "won"] == D("15000.25")
    assert frame.at["Ann Rep", "pace"] == D("16000.00")  # 10,000 + 10,000 x 18/30
    assert frame.at["Ann Rep", "gap"] == D("14999.75")
    assert frame.at["Bob Rep", "won"] == D("7500.75")
    assert frame.at["Dee Rep", "won"] == D("0")
    assert frame.at["Dee Rep", "quota"] is None
    east = attainment.by_rep(tiny, AS_OF, "QTD", team_id=1).to_pandas()
    assert list(east["rep"]) == ["Ann Rep", "Bob Rep"]
    empty = attainment.by_rep(tiny, AS_OF, "QTD", team_id=3).to_pandas()  # a team with no reps
    assert empty.empty and {"quota", "attainment", "gap"} <= set(empty.columns)


def test_won_by_month(tiny):
    frame = attainment.won_by_month(tiny, AS_OF)
    assert len(frame) == 12
    won = dict(zip(frame["month"], frame["won"], strict=True))
    assert won[date(2026, 1, 1)] == D("7000.50")  # 5000.50 + 2000
    assert won[date(2026, 11, 1)] == D("30500.75")
    assert won[date(2026, 12, 1)] == D("0")
    assert frame["cumulative_won"].iloc[-1] == D("53501.50")
    assert frame["cumulative_quota"].iloc[-1] == D("300000.00")


def test_forecast_for_quarter(tiny):
    figures = forecast.for_quarter(tiny, AS_OF)
    # Open with a Q4 close date as of 18 Nov: Cal 1,000 + Bob 50,000 (Commit),
    # Cal 30,000 (Best Case, 50% override), Ann 8,000 (Omitted: left out).
    assert figures["closed"] == D("42501.00")
    assert figures["commit"] == D("51000.00")
    assert figures["best_case"] == D("30000.00")
    assert figures["pipeline"] == D("0")
    assert figures["commit_forecast"] == D("93501.00")
    assert figures["best_case_forecast"] == D("123501.00")
    assert figures["open_pipeline"] == D("81000.00")
    assert figures["weighted_open"] == D("55800.00")  # 800 + 40,000 + 15,000
    assert figures["remaining"] == D("32499.00")
    assert figures["coverage"] == pytest.approx(81000 / 32499)


def test_empty_scope_and_dates_before_any_data(tiny):
    rows = by_period(attainment.by_period(tiny, AS_OF, team_id=3))
    assert rows["YTD"]["won"] == D("0")
    assert rows["YTD"]["quota"] is None
    early = by_period(attainment.by_period(tiny, date(2020, 1, 1)))
    assert early["YTD"]["won"] == D("0")
    assert early["YTD"]["quota"] is None


def test_week_to_date_by_team_and_rep_prorates_the_month_it_falls_in(tiny):
    """The week of 16-22 November 2026 is 7/30 of November; through Wednesday the 18th,
    3/30 of it has elapsed."""
    reps = attainment.by_rep(tiny, AS_OF, "WTD").to_pandas().set_index("rep")
    assert reps.at["Ann Rep", "quota"] == D("2333.33")  # 10,000 x 7/30
    assert reps.at["Ann Rep", "pace"] == D("1000.00")  # 10,000 x 3/30
    assert reps.at["Bob Rep", "quota"] == D("1866.67")  # 8,000 x 7/30, rounded half up
    assert reps.at["Cal Rep", "quota"] == D("0.00")  # a zero November
    assert math.isnan(reps.at["Cal Rep", "attainment"])
    assert reps.at["Dee Rep", "quota"] is None
    teams = attainment.by_team(tiny, AS_OF, "WTD").to_pandas().set_index("team")
    assert teams.at["East", "quota"] == D("4200.00")  # (10,000 + 8,000) x 7/30
    assert teams.at["East", "pace"] == D("1800.00")
    assert teams.at["East", "won"] == D("3000.00")  # Ann's win this week
    assert teams.at["East", "gap"] == D("1200.00")
