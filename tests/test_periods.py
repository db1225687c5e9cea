"""Fiscal calendar: exact boundaries at the edges, and properties for any date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import periods
from pipeline.periods import period, prorated_quota

D = Decimal


def test_fiscal_year_starting_february():
    assert period("YTD", date(2026, 1, 31), 2).start == date(2025, 2, 1)
    assert period("YTD", date(2026, 2, 1), 2).start == date(2026, 2, 1)
    assert period("YTD", date(2026, 2, 1), 2).end == date(2027, 2, 1)
    # Fiscal quarters from February: Feb-Apr, May-Jul, Aug-Oct, Nov-Jan.
    q = period("QTD", date(2027, 1, 15), 2)
    assert (q.start, q.end) == (date(2026, 11, 1), date(2027, 2, 1))
    assert periods.fiscal_year_label(date(2026, 3, 1), 2) == "FY2027"
    assert periods.fiscal_year_label(date(2026, 3, 1), 1) == "FY2026"


def test_last_day_of_a_quarter():
    q = period("QTD", date(2026, 3, 31))
    assert (q.start, q.end, q.to_date_end) == (date(2026, 1, 1), date(2026, 4, 1), date(2026, 4, 1))
    assert q.elapsed_days == q.days == 90
    assert period("QTD", date(2026, 4, 1)).start == date(2026, 4, 1)


def test_leap_day():
    m = period("MTD", date(2028, 2, 29))
    assert (m.start, m.end, m.days) == (date(2028, 2, 1), date(2028, 3, 1), 29)
    quotas = {date(2028, 2, 1): D("2900.00")}
    assert prorated_quota(quotas, m.start, m.to_date_end) == D("2900.00")  # month complete
    assert prorated_quota(quotas, m.start, date(2028, 2, 15)) == D("1400.00")  # 14/29


def test_week_spanning_two_months():
    w = period("WTD", date(2026, 12, 2))  # a Wednesday; the week starts Monday 30 Nov
    assert (w.start, w.end) == (date(2026, 11, 30), date(2026, 12, 7))
    quotas = {date(2026, 11, 1): D("30000.00"), date(2026, 12, 1): D("31000.00")}
    # Whole week: 30,000 x 1/30 + 31,000 x 6/31 = 1,000 + 6,000
    assert prorated_quota(quotas, w.start, w.end) == D("7000.00")
    # Pace through Wednesday: 1,000 (30 Nov) + 31,000 x 2/31
    assert prorated_quota(quotas, w.start, w.to_date_end) == D("3000.00")


def test_pace_is_complete_months_plus_elapsed_share():
    quotas = {date(2026, m, 1): D("10000.00") for m in range(1, 13)}
    ytd = period("YTD", date(2026, 5, 10))
    assert prorated_quota(quotas, ytd.start, ytd.to_date_end) == D("43225.81")  # 40,000 + 10/31
    assert prorated_quota(quotas, ytd.start, ytd.end) == D("120000.00")


def test_missing_quota_is_none_not_zero():
    assert prorated_quota({}, date(2026, 1, 1), date(2026, 2, 1)) is None
    assert prorated_quota({date(2026, 1, 1): D("0")}, date(2026, 1, 1), date(2026, 2, 1)) == 0


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="start month"):
        periods.fiscal_year_start(date(2026, 1, 1), 13)
    with pytest.raises(ValueError, match="unknown period"):
        period("DTD", date(2026, 1, 1))


days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
months = st.integers(min_value=1, max_value=12)


@given(days, months)
def test_every_period_contains_the_as_of_day(as_of, start_month):
    for p in periods.all_periods(as_of, start_month):
        assert p.start <= as_of < p.end
        assert p.to_date_end == as_of + timedelta(days=1)
        assert 1 <= p.elapsed_days <= p.days


@given(days, months)
def test_periods_nest_and_align(as_of, start_month):
    ytd, qtd, mtd, wtd = periods.all_periods(as_of, start_month)
    assert ytd.start <= qtd.start <= mtd.start
    assert mtd.end <= qtd.end <= ytd.end
    assert ytd.start.month == start_month and ytd.start.day == 1
    assert periods.add_months(ytd.start, 12) == ytd.end
    assert (qtd.start.month - start_month) % 3 == 0
    assert wtd.start.weekday() == 0 and wtd.days == 7


@given(days, months)
def test_the_day_after_a_period_starts_the_next(as_of, start_month):
    for p in periods.all_periods(as_of, start_month):
        after = period(p.kind, p.end, start_month)
        assert after.start == p.end


@given(days, st.integers(min_value=0, max_value=10**9))
def test_pace_never_exceeds_quota_and_full_months_are_exact(as_of, cents):
    amount = Decimal(cents) / 100
    for kind in ("YTD", "QTD", "MTD"):
        p = period(kind, as_of)
        quotas = {m: amount for m in periods.months_between(p.start, p.end)}
        quota = prorated_quota(quotas, p.start, p.end)
        assert quota == amount * len(quotas)
        assert prorated_quota(quotas, p.start, p.to_date_end) <= quota
