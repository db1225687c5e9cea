"""Fiscal calendar: period boundaries relative to an as-of date, and quota pace.

Every range here is half-open, [start, end): ``end`` is the first day *not* in it.
A period "to date" runs from the period's start through the whole as-of day.
Weeks start on Monday; months and quarters follow the fiscal year, whose first
month is a setting (1 = January).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

PERIOD_KINDS = ("YTD", "QTD", "MTD", "WTD")
PERIOD_NAMES = {"YTD": "Year to date", "QTD": "Quarter to date", "MTD": "Month to date"}
PERIOD_NAMES["WTD"] = "Week to date"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """A fiscal period containing the as-of date, and the part of it elapsed so far."""

    kind: str
    start: date
    end: date
    as_of: date

    @property
    def to_date_end(self) -> date:
        """End of the elapsed part: the day after the as-of date."""
        return self.as_of + timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def elapsed_days(self) -> int:
        return (self.to_date_end - self.start).days


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def year_before(day: date) -> date:
    """The same day a year earlier (28 February for a 29th)."""
    return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else 31))


def month_start(day: date) -> date:
    return day.replace(day=1)


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def fiscal_year_start(as_of: date, start_month: int = 1) -> date:
    """First day of the fiscal year containing ``as_of``."""
    if not 1 <= start_month <= 12:
        raise ValueError(f"fiscal year start month must be 1-12, got {start_month}")
    year = as_of.year if as_of.month >= start_month else as_of.year - 1
    return date(year, start_month, 1)


def fiscal_quarter_start(as_of: date, start_month: int = 1) -> date:
    year_start = fiscal_year_start(as_of, start_month)
    months_in = (as_of.year - year_start.year) * 12 + as_of.month - year_start.month
    return add_months(year_start, months_in - months_in % 3)


def fiscal_year_label(as_of: date, start_month: int = 1) -> str:
    """'FY2026' names a fiscal year by the calendar year it ends in."""
    start = fiscal_year_start(as_of, start_month)
    return f"FY{start.year if start_month == 1 else start.year + 1}"


def period(kind: str, as_of: date, start_month: int = 1) -> Period:
    """The YTD, QTD, MTD or WTD period for ``as_of``."""
    if kind == "YTD":
        start = fiscal_year_start(as_of, start_month)
        return Period(kind, start, add_months(start, 12), as_of)
    if kind == "QTD":
        start = fiscal_quarter_start(as_of, start_month)
        return Period(kind, start, add_months(start, 3), as_of)
    if kind == "MTD":
        start = month_start(as_of)
        return Period(kind, start, add_months(start, 1), as_of)
    if kind == "WTD":
        start = as_of - timedelta(days=as_of.weekday())
        return Period(kind, start, start + timedelta(days=7), as_of)
    raise ValueError(f"unknown period {kind!r}; expected one of {', '.join(PERIOD_KINDS)}")


def all_periods(as_of: date, start_month: int = 1) -> list[Period]:
    return [period(kind, as_of, start_month) for kind in PERIOD_KINDS]


def months_between(start: date, end: date) -> list[date]:
    """First days of every month that overlaps [start, end)."""
    months, month = [], month_start(start)
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    return months


@cache
def month_coverage(start: date, end: date) -> tuple[tuple[date, int, int], ...]:
    """(month, days of it inside [start, end), days in it) for every month overlapping
    the range. Cached: the by-rep table prorates thousands of quotas over one range."""
    return tuple(
        (month, (min(end, add_months(month, 1)) - max(start, month)).days, days_in_month(month))
        for month in months_between(start, end)
    )


def prorated_quota(monthly: Mapping[date, Decimal], start: date, end: date) -> Decimal | None:
    """Quota for [start, end) from monthly quotas, rounded to the cent.

    A month wholly inside the range counts in full; a partly covered month counts
    its quota times the share of its days covered. So the quota of a quarter is
    the sum of its three months, and pace to date (start of period to the end of
    the as-of day) is the complete months plus the current month's quota times
    the elapsed share of it. None when no month in the range has a quota row.
    """
    total, seen = Decimal(0), False
    for month, covered, whole in month_coverage(start, end):
        if month not in monthly:
            continue
        seen = True
        amount = Decimal(monthly[month])
        total += amount if covered == whole else amount * covered / whole
    return total.quantize(CENT, rounding=ROUND_HALF_UP) if seen else None


def quarter_at(start: date, as_of: date) -> Period:
    """The fiscal quarter beginning ``start``, seen from ``as_of`` (which may be before,
    in or after it: its elapsed part is then empty, partial or whole)."""
    return Period("QTD", start, add_months(start, 3), as_of)


def quarters_around(as_of: date, start_month: int, before: int, after: int) -> list[date]:
    """The starts of the fiscal quarters from ``before`` quarters before the one holding
    ``as_of`` to ``after`` quarters after it."""
    current = fiscal_quarter_start(as_of, start_month)
    return [add_months(current, 3 * offset) for offset in range(-before, after + 1)]


def quarter_label(start: date, start_month: int = 1) -> str:
    """'Q3 FY2026 (Jul – Sep 2026)'."""
    year_start = fiscal_year_start(start, start_month)
    number = ((start.year - year_start.year) * 12 + start.month - year_start.month) // 3 + 1
    last = add_months(start, 2)
    return f"Q{number} {fiscal_year_label(start, start_month)} ({start:%b} – {last:%b %Y})"
