"""Quotas set through the plan table and through a CSV upload, on the tiny fixture
(reps Ann 10,000, Bob 8,000 and Cal 12,000 a month in 2026, Cal 0 in November; the
company 25,000 a month; no team plans; Dee and the managers none)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pipeline import permissions, query, quotas, users, validation
from pipeline.figures import attainment
from tests.conftest import AS_OF

FY2026 = date(2026, 1, 1)
ADMIN = users.User(90, "Ada Admin", "ada@example.com", "admin", None, None, True)


def rows_of(con, keep=lambda user, team, month: True) -> list[tuple]:
    """Quota rows (user_id, team_id, month, amount) that ``keep`` accepts, sorted."""
    rows = con.execute("SELECT user_id, team_id, month, amount FROM quotas ORDER BY ALL")
    return [row for row in rows.fetchall() if keep(*row[:3])]


def test_plan_shows_every_team_and_person_with_their_months(tiny):
    plan = quotas.plan(tiny, FY2026)
    assert list(plan.columns[:3]) == ["key", "level", "name"]
    assert list(plan.columns[3:]) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert list(plan["name"]) == [
        "Company",
        "East",
        "Empty",
        "West",
        "Ann Rep (East)",
        "Bob Rep (East)",
        "Cal Rep (West)",
        "Dee Rep (West)",
        "Mia Manager (East)",
        "Walt Manager (West)",
    ]
    by_key = plan.set_index("key")
    assert by_key.loc["user:6", "2026-10"] == 12000.0
    assert by_key.loc["user:6", "2026-11"] == 0.0
    assert by_key.loc["company", "2026-12"] == 25000.0
    assert by_key.loc[["team:1", "user:7"]].iloc[:, 2:].isna().all().all()
    assert plan.iloc[:, 3:].sum().sum() == 12 * 25000 + 12 * 10000 + 12 * 8000 + 11 * 12000


def test_edited_plan_changes_only_the_edited_months(tiny):
    plan = quotas.plan(tiny, FY2026)
    plan.loc[plan.key == "user:7", "2026-11"] = 7500.25  # Dee gets a November quota
    plan.loc[plan.key == "team:1", "2026-12"] = 20000.0  # East gets its own December plan
    plan.loc[plan.key == "company", "2026-01"] = None  # the company's January plan goes
    assert quotas.save_plan(tiny, ADMIN, plan, FY2026) == 3
    assert rows_of(tiny, lambda user, team, month: user == 7 or team == 1) == [
        (7, None, date(2026, 11, 1), Decimal("7500.25")),
        (None, 1, date(2026, 12, 1), Decimal("20000.00")),
    ]
    assert rows_of(tiny, lambda user, team, month: user is team is None and month.month < 3) == [
        (None, None, date(2026, 2, 1), Decimal("25000.00"))
    ]
    assert quotas.save_plan(tiny, ADMIN, plan, FY2026) == 0  # saving again changes nothing
    summary = tiny.execute(
        "SELECT summary FROM change_log WHERE kind = 'quotas' ORDER BY id"
    ).fetchall()
    assert summary == [("3 monthly quotas changed (FY from 2026-01)",)]
    # East's December now uses its own plan, not the sum of Ann's and Bob's 18,000.
    east = attainment.by_team(tiny, AS_OF, "QTD").to_pandas().set_index("team")
    assert east.at["East", "quota"] == Decimal("56000.00")  # 18,000 + 18,000 + 20,000


def test_bad_cells_are_named_and_nothing_is_written(tiny):
    before = rows_of(tiny)
    plan = quotas.plan(tiny, FY2026)
    plan.loc[plan.key == "user:4", "2026-03"] = -5.0
    plan.loc[plan.key == "user:5", "2026-04"] = 10.005
    plan.loc[plan.key == "company", "2026-05"] = 2e12
    with pytest.raises(validation.ValidationError) as refused:
        quotas.save_plan(tiny, ADMIN, plan, FY2026)
    assert [str(p) for p in refused.value.problems] == [
        "Company, May 2026: is above 1,000,000,000,000, which no deal can be",
        "Ann Rep (East), Mar 2026: cannot be negative",
        "Bob Rep (East), Apr 2026: has more than two decimal places (cents)",
    ]
    assert rows_of(tiny) == before


def test_only_admins_set_quotas(tiny):
    mia = users.get(tiny, 2)
    with pytest.raises(permissions.PermissionDenied):
        quotas.save_plan(tiny, mia, quotas.plan(tiny, FY2026), FY2026)


def test_upload_replaces_the_months_it_names(tiny, tmp_path):
    path = tmp_path / "quotas.csv"
    path.write_text(
        "Month,Amount,Team,Rep\n"
        '2027-01,"30,000",,\n'  # the company
        "2027-01,9000.50,,ann@example.com\n"
        "2027-01-01,11000,,Cal Rep\n"  # a date is the month it falls in; a unique name
        "2027-01,18000,east,\n"  # team names in any case
        "2026-11,500,,cal@example.com\n",  # replaces Cal's zero November
        encoding="utf-8",
    )
    assert quotas.upload(tiny, ADMIN, path) == 5
    assert rows_of(tiny, lambda user, team, month: month == date(2027, 1, 1)) == [
        (4, None, date(2027, 1, 1), Decimal("9000.50")),
        (6, None, date(2027, 1, 1), Decimal("11000.00")),
        (None, 1, date(2027, 1, 1), Decimal("18000.00")),
        (None, None, date(2027, 1, 1), Decimal("30000.00")),
    ]
    assert rows_of(tiny, lambda user, team, month: user == 6 and month == date(2026, 11, 1)) == [
        (6, None, date(2026, 11, 1), Decimal("500.00"))
    ]
    assert quotas.upload(tiny, ADMIN, path) == 0  # the same file again changes nothing
    downloaded = quotas.download(tiny)
    assert downloaded.tail(4).values.tolist() == [
        ["2027-01", "30000.00", "", ""],
        ["2027-01", "18000.00", "East", ""],
        ["2027-01", "9000.50", "", "ann@example.com"],
        ["2027-01", "11000.00", "", "cal@example.com"],
    ]


def test_upload_reports_every_bad_row_and_writes_nothing(tiny, tmp_path):
    before = rows_of(tiny)
    path = tmp_path / "quotas.csv"
    path.write_text(
        "month;amount;team;rep\n"
        "2027-01;1000;;ann@example.com\n"
        "2027-13;x;Nowhere;\n"
        "2027-02;1;;Zed\n"
        "2027-01;2000;;Ann Rep\n",
        encoding="utf-8",
    )
    with pytest.raises(validation.ValidationError) as refused:
        quotas.upload(tiny, ADMIN, path)
    assert [str(p) for p in refused.value.problems] == [
        "quotas.csv line 3, month: '2027-13' is not a month (use YYYY-MM)",
        "quotas.csv line 3, amount: 'x' is not an amount in USD; type digits with an "
        "optional decimal point, e.g. 12500 or 12,500.00",
        "quotas.csv line 3, team: 'Nowhere' is not a team here",
        "quotas.csv line 4, rep: 'Zed' is not a rep or manager here",
        "quotas.csv line 5: repeats the quota of line 2 for that month",
    ]
    assert rows_of(tiny) == before
    path.write_text("when,how much\n2027-01,5\n", encoding="utf-8")
    with pytest.raises(validation.ValidationError) as refused:
        quotas.upload(tiny, ADMIN, path)
    assert [str(p) for p in refused.value.problems] == [
        "quotas.csv: has no 'month' column (expected month, amount, team, rep)",
        "quotas.csv: has no 'amount' column (expected month, amount, team, rep)",
    ]
    path.write_bytes(b"")
    with pytest.raises(validation.ValidationError, match="quotas.csv: the file is empty"):
        quotas.upload(tiny, ADMIN, path)
    assert rows_of(tiny) == before


def test_uploaded_quota_moves_attainment(tiny, tmp_path):
    """Dee has no quota; after the upload her November quota shows in the figures."""
    path = tmp_path / "dee.csv"
    path.write_text("month,amount,rep\n2026-11,4000,dee@example.com\n", encoding="utf-8")
    before = attainment.by_period(tiny, AS_OF, owner_id=7).set_index("period")
    assert before.at["YTD", "quota"] is None
    assert quotas.upload(tiny, ADMIN, path) == 1
    after = attainment.by_period(tiny, AS_OF, owner_id=7).set_index("period")
    assert after.at["YTD", "quota"] == Decimal("4000.00")
    assert after.at["MTD", "quota"] == Decimal("4000.00")
    assert after.at["MTD", "pace"] == Decimal("2400.00")  # 4,000 x 18/30 days


def test_quota_figures_outlive_deal_saves_but_not_a_quota_change(tiny):
    """Quota results are kept per plan version: a deal save leaves it alone, a quota
    change moves it, and the next figures use the new quota."""
    from pipeline import deals

    def ann_q4() -> tuple[Decimal, Decimal]:
        reps = attainment.by_rep(tiny, AS_OF, "QTD").to_pandas().set_index("rep")
        return reps.at["Ann Rep", "quota"], reps.at["Ann Rep", "won"]

    assert ann_q4() == (Decimal("30000.00"), Decimal("15000.25"))  # 10,000 x 3
    plan = query.context(tiny, AS_OF).plan
    bob = users.get(tiny, 5)
    version = tiny.execute("SELECT version FROM deals WHERE id = 10").fetchone()[0]
    deals.save(tiny, bob, 10, version, {"amount": "45000"})
    assert query.context(tiny, AS_OF).plan == plan
    assert ann_q4() == (Decimal("30000.00"), Decimal("15000.25"))
    edited = quotas.plan(tiny, FY2026)
    edited.loc[edited.key == "user:4", "2026-11"] = 12000.0
    assert quotas.save_plan(tiny, ADMIN, edited, FY2026) == 1
    assert query.context(tiny, AS_OF).plan != plan
    assert ann_q4() == (Decimal("32000.00"), Decimal("15000.25"))
