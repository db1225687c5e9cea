"""Planning, exact on a year worked out by hand.

As of Wednesday 18 November 2026, fiscal years from January. Team Alpha (Mia manages it)
has two reps; Team Beta (Lee) has one.

 won by   when           amount   in the last 12 months (19 Nov 2025 - 18 Nov 2026)
 Ann      15 Jan 2025     1,000   no: the 2025 fiscal year's seasonality
 Bob      15 Apr 2025     1,000   no
 Ann      15 Jul 2025     1,000   no
 Ann      10 Mar 2026    10,000   yes
 Bob      10 Jun 2026    10,000   yes
 Ann      10 Nov 2026    20,000   yes
 Cy       10 Feb 2026     5,000   yes, but Beta's

So Alpha won 40,000 in the last 12 months: Ann 30,000 (3/4), Bob 10,000 (1/4). Its one
complete fiscal year with wins (2025) spreads a year over January, April and July,
a third each. At 10% growth the 2027 plan is 44,000.00: 4,400,000 cents / 3 =
1,466,666.67 each; two cents are left over, and go to January and April (ties go to the
earlier month): 14,666.67, 14,666.67, 14,666.66.
By wins, January's 1,466,667 cents x 3/4 = 1,100,000.25 (Ann), x 1/4 = 366,666.75
(Bob): the cent left goes to Bob (larger remainder): 11,000.00 and 3,666.67.
July's 1,466,666 x 3/4 = 1,099,999.5 and 366,666.5: a tie, so Ann (listed first) gets the
cent: 11,000.00 and 3,666.66.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from pipeline import db, periods, permissions, planning, quotas, users, validation
from pipeline.figures import forecast
from pipeline.figures import planning as planning_figures
from tests import test_funnel
from tests.given import Deal, Version, given

D = Decimal
ADMIN, MIA, LEE, ANN, BOB, CY = 1, 2, 3, 10, 11, 12
ALPHA, BETA = 2, 3
AS_OF = date(2026, 11, 18)
NEXT_YEAR = date(2027, 1, 1)
WINS = [
    (ANN, date(2025, 1, 15), "1000"),
    (BOB, date(2025, 4, 15), "1000"),
    (ANN, date(2025, 7, 15), "1000"),
    (ANN, date(2026, 3, 10), "10000"),
    (BOB, date(2026, 6, 10), "10000"),
    (ANN, date(2026, 11, 10), "20000"),
    (CY, date(2026, 2, 10), "5000"),
]


def won(deal_id: int, owner: int, day: date, amount: str) -> Deal:
    created = datetime.combine(day - timedelta(days=30), datetime.min.time())
    return Deal(deal_id, owner, f"Won {deal_id}", [
        Version(created, "Proposal", amount, day),
        Version(datetime.combine(day, datetime.min.time()) + timedelta(hours=12), "Closed Won"),
    ])  # fmt: skip


@pytest.fixture
def con(tmp_path):
    path = given(
        tmp_path / "plan.duckdb",
        teams=[
            {"id": ALPHA, "name": "Alpha", "manager_id": MIA},
            {"id": BETA, "name": "Beta", "manager_id": LEE},
        ],
        users=[
            {"id": ADMIN, "name": "Ada Admin", "role": "admin"},
            {"id": MIA, "name": "Mia Manager", "role": "manager", "team_id": ALPHA},
            {"id": LEE, "name": "Lee Manager", "role": "manager", "team_id": BETA},
            {"id": ANN, "name": "Ann Rep", "role": "rep", "team_id": ALPHA, "manager_id": MIA},
            {"id": BOB, "name": "Bob Rep", "role": "rep", "team_id": ALPHA, "manager_id": MIA},
            {"id": CY, "name": "Cy Rep", "role": "rep", "team_id": BETA, "manager_id": LEE},
        ],
        deals=[won(i, *row) for i, row in enumerate(WINS, start=1)],
    )
    connection = db.connect(path)
    yield connection
    connection.close()


def alpha_plan(con, growth="1.10", by_history=True, over="0") -> planning.Plan:
    found = planning.basis(con, AS_OF, NEXT_YEAR, 1, team_id=ALPHA)
    return planning.propose(found, NEXT_YEAR, f"team:{ALPHA}", "Alpha", D(growth), by_history,
                            D(over))  # fmt: skip


def rep_months(plan: planning.Plan, user_id: int) -> list[Decimal]:
    row = plan.reps.set_index("user_id").loc[user_id]
    return [row[quotas.month_column(m)] for m in plan.months]


def test_split_adds_up_to_the_cent_with_the_leftover_cents_by_largest_remainder():
    assert planning.split(D("100.00"), [D(1)] * 3) == [D("33.34"), D("33.33"), D("33.33")]
    assert planning.split(D("0.05"), [D(1), D(3)]) == [D("0.01"), D("0.04")]
    assert planning.split(D("10.00"), [D(0), D(0)]) == [D("5.00"), D("5.00")]  # no weights
    for total in ("0.01", "1234567.89", "44000.00"):
        assert sum(planning.split(D(total), [D(7), D(11), D(13)])) == D(total)


def test_the_basis_is_the_last_12_months_wins_and_the_seasonality_of_past_years(con):
    found = planning.basis(con, AS_OF, NEXT_YEAR, 1, team_id=ALPHA)
    assert (found.won_from, found.won_to) == (date(2025, 11, 19), date(2026, 11, 19))
    assert found.won == D("40000.00")
    assert found.reps[["name", "won"]].values.tolist() == [
        ["Ann Rep", D("30000.00")], ["Bob Rep", D("10000.00")],
    ]  # fmt: skip
    assert found.seasonal_years == 1
    third = D(1) / 3
    assert found.seasonality == [third, 0, 0, third, 0, 0, third, 0, 0, 0, 0, 0]


def test_the_plan_follows_the_seasonality_and_the_reps_wins(con):
    plan = alpha_plan(con)
    assert plan.target == D("44000.00")
    assert [plan.scope_months[i] for i in (0, 3, 6)] == [D("14666.67"), D("14666.67"),
                                                          D("14666.66")]  # fmt: skip
    assert sum(plan.scope_months) == D("44000.00")
    ann, bob = rep_months(plan, ANN), rep_months(plan, BOB)
    assert (ann[0], bob[0]) == (D("11000.00"), D("3666.67"))
    assert (ann[6], bob[6]) == (D("11000.00"), D("3666.66"))
    for month in range(12):
        assert ann[month] + bob[month] == plan.scope_months[month]


def test_even_split_and_over_assignment(con):
    even = alpha_plan(con, by_history=False)
    assert (rep_months(even, ANN)[0], rep_months(even, BOB)[0]) == (D("7333.34"), D("7333.33"))
    over = alpha_plan(con, over="0.10")
    # Each month the reps carry 110% of the scope's month: 14,666.67 x 1.1 = 16,133.34.
    assert rep_months(over, ANN)[0] + rep_months(over, BOB)[0] == D("16133.34")
    assert sum(over.reps["total"]) == sum(
        (m * D("1.1")).quantize(D("0.01")) for m in over.scope_months
    )


@pytest.mark.parametrize("growth", ["0", "-0.5"])
def test_a_growth_factor_of_zero_or_less_is_refused(con, growth):
    with pytest.raises(validation.ValidationError, match="Growth factor"):
        alpha_plan(con, growth=growth)


def test_without_a_complete_past_year_the_months_are_even(con):
    found = planning.basis(con, AS_OF, NEXT_YEAR, 1, team_id=BETA)
    assert found.seasonal_years == 0 and found.seasonality == [D(1) / 12] * 12
    plan = planning.propose(found, NEXT_YEAR, f"team:{BETA}", "Beta", D("1.2"), True)
    assert plan.target == D("6000.00") and set(plan.scope_months) == {D("500.00")}


def test_who_may_plan(con):
    mia, lee, ann = (users.get(con, i) for i in (MIA, LEE, ANN))
    assert planning.may_plan(con, users.get(con, ADMIN), None)
    assert planning.may_plan(con, mia, ALPHA)
    assert not planning.may_plan(con, mia, None)  # the company is an admin's
    assert not planning.may_plan(con, lee, ALPHA)
    assert not planning.may_plan(con, ann, ALPHA)
    with pytest.raises(permissions.PermissionDenied):
        planning.save(con, ann, alpha_plan(con), ALPHA)


def test_a_saved_plan_is_next_years_quota(con):
    changed = planning.save(con, users.get(con, MIA), alpha_plan(con), ALPHA)
    assert changed == 36  # 12 months for the team and for each of its two reps
    january = date(2027, 1, 15)
    team_q1 = forecast.for_quarter(con, january, team_id=ALPHA)["quota"]
    assert team_q1 == D("14666.67")
    assert forecast.for_quarter(con, january, owner_id=ANN)["quota"] == D("11000.00")
    summary = con.execute(
        "SELECT summary FROM change_log WHERE kind = 'quotas' ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert "plan for Alpha" in summary and "replaced" not in summary
    # Saving a different plan over it lists the values it replaced.
    planning.save(con, users.get(con, MIA), alpha_plan(con, growth="1.2"), ALPHA)
    summary = con.execute(
        "SELECT summary FROM change_log WHERE kind = 'quotas' ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert f"replaced: team:{ALPHA} 2027-01 14666.67" in summary


def test_the_reverse_funnel(tmp_path):
    """On the funnel page's seven deals (tests/test_funnel.py) with a Q4 quota for Ann of
    30,000 a month: she has won 37,000 of 90,000; the last 12 months' wins average
    12,333.33, so the 53,000 gap needs 5 wins. Of the 5 deals closed in those months,
    5, 4, 4, 3, 3 and 3 reached steps 1-6 and 3 were won: 9, 7, 7, 5, 5 and 5 are needed
    at or past each step, against 2, 2, 2, 1, 0 and 0 there now (deal 5 in Discovery,
    deal 4 in Demo)."""
    quota = [{"user_id": test_funnel.ANN, "month": date(2026, m, 1), "amount": 30000}
             for m in (10, 11, 12)]  # fmt: skip
    con = db.connect(test_funnel.build(tmp_path / "reverse.duckdb", quota))
    try:
        found = planning_figures.reverse_funnel(
            con, AS_OF, date(2026, 10, 1), "default", owner_id=test_funnel.ANN
        )
    finally:
        con.close()
    assert (found.quota, found.closed, found.gap) == (D("90000.00"), D("37000.00"),
                                                      D("53000.00"))  # fmt: skip
    assert found.average_deal_size == D("12333.33") and found.wins_needed == 5
    stages = found.stages
    assert stages["reached"].tolist() == [5, 4, 4, 3, 3, 3]
    assert stages["needed"].tolist() == [9, 7, 7, 5, 5, 5]
    assert stages["have"].tolist() == [2, 2, 2, 1, 0, 0]
    assert stages["short"].tolist() == [7, 5, 5, 4, 5, 5]
    # All seven deals were created in the last 13 weeks; 43 days are left in the quarter.
    assert found.created_per_week == pytest.approx(7 / 13)
    assert found.needed_per_week == pytest.approx(7 / (43 / 7))
    assert math.isclose(found.weeks_left, 43 / 7)


def test_year_before():
    assert periods.year_before(date(2026, 11, 19)) == date(2025, 11, 19)
    assert periods.year_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_on_target_earnings_are_saved_with_the_plan_and_checked_against_the_quota(con):
    plan = alpha_plan(con)  # Ann's year: 33,000.00; Bob's: 11,000.00
    mia = users.get(con, MIA)
    planning.save(con, mia, plan, ALPHA, {ANN: "8000", BOB: "4,000.00"})
    stored = dict(con.execute("SELECT id, ote FROM users WHERE id IN (10, 11)").fetchall())
    assert stored == {ANN: D("8000.00"), BOB: D("4000.00")}
    ann_year, bob_year = sum(rep_months(plan, ANN)), sum(rep_months(plan, BOB))
    assert (ann_year, bob_year) == (D("33000.00"), D("11000.00"))
    assert planning.ote_ratio(ann_year, D("8000")) == D("4.125")
    assert planning.ote_flag(planning.ote_ratio(ann_year, D("8000"))) == ""
    assert planning.ote_flag(planning.ote_ratio(bob_year, D("4000"))).startswith("under 3x")
    assert planning.ote_flag(planning.ote_ratio(ann_year, D("5000"))).startswith("over 5x")
    assert planning.ote_ratio(ann_year, None) is None and planning.ote_flag(None) == ""
    # The next plan starts from the stored earnings.
    assert alpha_plan(con).reps.set_index("user_id").loc[ANN, "ote"] == D("8000.00")


def test_bad_earnings_refuse_the_whole_plan(con):
    mia = users.get(con, MIA)
    with pytest.raises(validation.ValidationError, match="On-target earnings of Bob Rep"):
        planning.save(con, mia, alpha_plan(con), ALPHA, {ANN: "8000", BOB: "-1"})
    with pytest.raises(validation.ValidationError, match="person 12 is not a rep of this plan"):
        planning.save(con, mia, alpha_plan(con), ALPHA, {CY: "8000"})
    assert con.execute("SELECT count(*) FROM quotas").fetchone()[0] == 0
    assert con.execute("SELECT count(ote) FROM users").fetchone()[0] == 0


def test_edits_to_a_plan_are_read_cell_by_cell(con):
    plan = alpha_plan(con)
    edited, ote = planning.with_edits(
        plan, {0: {"2027-01": 12000.0, "ote": 8000.0}, 1: {"ote": 4000.0}}
    )
    assert rep_months(edited, ANN)[0] == D("12000.00")
    assert edited.reps.set_index("user_id").loc[ANN, "total"] == D("34000.00")  # +1,000
    assert rep_months(plan, ANN)[0] == D("11000.00")  # the proposal itself is untouched
    assert ote == {ANN: "8000.0", BOB: "4000.0"}
    flagged = planning.ote_flags(edited, ote)
    # Ann: 34,000 / 8,000 = 4.25, inside; Bob: 11,000 / 4,000 = 2.75, under 3x.
    assert flagged[["name", "ratio"]].values.tolist() == [["Bob Rep", D("2.75")]]
    with pytest.raises(validation.ValidationError, match="Ann Rep, 2027-02"):
        planning.with_edits(plan, {0: {"2027-02": -5.0}})
    unchanged, none = planning.with_edits(plan, {})
    assert unchanged.reps is plan.reps and none == {}
