"""One function per metric: (con, **params) -> DataFrame.

Each runs the named SQL file(s) in ``pipeline/sql`` with bound parameters and, where a
figure depends on the fiscal calendar (quota, pace), finishes it with ``periods``.
Amounts come back as exact ``Decimal``; ratios (attainment, coverage) as floats.
Every figure a page shows has its plain-words definition in DEFINITIONS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline import periods, plan_cache
from pipeline.db import get_setting

OPEN_CATEGORIES = ("Commit", "Best Case", "Pipeline")

DEFINITIONS = {
    "won": "Won revenue: the sum of amount over deals won with their close time inside the "
    "period, up to the end of the as-of day, as the deals stood then (rebuilt from history).",
    "quota": "Quota: monthly quotas summed over the whole period. A partly covered month "
    "(only in a week) counts its quota times the share of its days covered. A company or team "
    "uses its own plan for a month when it has one, otherwise the sum of the plans below it.",
    "attainment": "Attainment = won revenue / quota for the period. No quota: not shown.",
    "pace": "Pace = quotas of the period's months already complete + the current month's "
    "quota x the share of it elapsed (through the end of the as-of day): where the team should "
    "be by now to finish on quota.",
    "gap": "Gap = quota - won: what is still to close this period.",
    "vs_pace": "Versus pace = won - pace: ahead (positive) or behind (negative) the plan to date.",
    "forecast": "Forecast for the quarter: Closed = won so far; Commit forecast = closed + "
    "commit; Best-case forecast = closed + commit + best case. Open deals count when their "
    "close date is in the quarter, in their forecast category (the deal's own, else its "
    "stage's).",
    "coverage": "Coverage = open pipeline (commit + best case + pipeline) closing in the "
    "period / (quota - won). A common target is 3x.",
    "weighted": "Weighted = amount x probability: the deal's probability override when set, "
    "otherwise its stage's probability.",
    "stale": "Stale: no activity logged for more than the stale-after days (a setting; "
    "default 14). A deal never touched counts from its creation.",
    "overdue": "Overdue: the close date has passed and the deal is still open.",
    "no_next_step": "No next step: the next-step field is empty.",
    "stuck": "Stuck: in its current stage more than twice the median time deals spent in "
    "that stage (completed stays, from the deal history of all deals).",
}


@cache
def sql_text(name: str) -> str:
    """The text of ``pipeline/sql/<name>.sql``."""
    return (resources.files("pipeline.sql") / f"{name}.sql").read_text(encoding="utf-8")


def query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run a named query with bound parameters; decimals stay exact."""
    return query_table(con, name, **params).to_pandas()


def query_table(con: duckdb.DuckDBPyConnection, name: str, **params) -> pa.Table:
    """Like query(), as an Arrow table: amounts stay exact decimals without becoming
    thousands of Python Decimal objects (what a large table shown on a page needs)."""
    return con.execute(sql_text(name), params).to_arrow_table()


def end_of_day(day: date) -> datetime:
    """The instant the as-of day ends: figures include everything up to it."""
    return datetime.combine(day + timedelta(days=1), time())


@dataclass(frozen=True)
class Context:
    """What a metric's figures depend on besides its own query (see context.sql)."""

    as_of_end: datetime
    current: bool  # no deal changed after as_of_end
    fiscal_start: int
    plan: tuple  # the key quota results are kept under (pipeline.plan_cache)

    def as_of_params(self) -> dict:
        """The parameters of deals_as_of and friends: the instant, and whether the
        current-state tables can be read instead of rebuilding the state from history
        (same rows, far less to scan)."""
        return {"as_of_end": self.as_of_end, "current": self.current}


def context(con: duckdb.DuckDBPyConnection, day: date, fiscal_start: int | None = None) -> Context:
    """The context of figures as of the end of ``day``, read in one statement. Metrics
    taking ``ctx`` read it themselves unless given it (the app reads it once per data
    version and day)."""
    end = end_of_day(day)
    row = con.execute(sql_text("context"), {"deal_kinds": plan_cache.DEAL_KINDS}).fetchone()
    last_change, stored_start, path, instance, plan_version = row
    return Context(
        as_of_end=end,
        current=last_change is None or last_change <= end,
        fiscal_start=fiscal_start or int(stored_start or 1),
        plan=(path, instance, plan_version),
    )


def fiscal_start_month(con: duckdb.DuckDBPyConnection) -> int:
    return int(get_setting(con, "fiscal_year_start_month", "1"))


def ratio(numerator: Decimal, denominator: Decimal | None) -> float | None:
    if denominator is None or denominator == 0:
        return None
    return float(Decimal(numerator) / Decimal(denominator))


def monthly_quotas(
    con: duckdb.DuckDBPyConnection,
    ctx: Context,
    start: date,
    end: date,
    team_id: int | None,
    owner_id: int | None,
) -> dict[date, Decimal]:
    """The scope's quota per month in [start, end) (quota_by_month.sql), kept per plan
    version: a deal write cannot change it."""
    params = {"start": start, "end": end, **scope_params(team_id, owner_id)}

    def compute() -> dict[date, Decimal]:
        frame = query(con, "quota_by_month", **params)
        return dict(zip(frame["month"], frame["amount"], strict=True))

    return plan_cache.cached(ctx.plan, "quota_by_month", params, compute)


def planned(
    con: duckdb.DuckDBPyConnection, ctx: Context, name: str, span: periods.Period
) -> pa.Table:
    """Quota and pace per person or team for one period (planned_by_rep.sql or
    planned_by_team.sql), kept per plan version."""
    params = period_range(span)
    return plan_cache.cached(ctx.plan, name, params, lambda: query_table(con, name, **params))


def query_with_planned(
    con: duckdb.DuckDBPyConnection, name: str, planned_rows: pa.Table, **params
) -> pa.Table:
    """query_table() of a statement that reads ``planned_rows`` as a table of that name."""
    con.register("planned_rows", planned_rows)
    try:
        return query_table(con, name, **params)
    finally:
        con.unregister("planned_rows")


def scope_params(team_id: int | None, owner_id: int | None) -> dict:
    return {"team_id": team_id, "owner_id": owner_id}


def attainment_by_period(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: Context | None = None,
) -> pd.DataFrame:
    """Won, quota, attainment, pace, gap and versus-pace for YTD, QTD, MTD and WTD."""
    ctx = ctx or context(con, as_of, fiscal_start)
    spans = periods.all_periods(as_of, ctx.fiscal_start)
    scope = scope_params(team_id, owner_id)
    won = query(
        con,
        "won_by_period",
        period_kinds=[p.kind for p in spans],
        period_starts=[p.start for p in spans],
        period_ends=[p.to_date_end for p in spans],
        **ctx.as_of_params(),
        **scope,
    ).set_index("period")
    first = min(p.start for p in spans)
    last = max(p.end for p in spans)
    quotas = monthly_quotas(con, ctx, first, last, **scope)
    rows = [
        {
            "period": span.kind,
            "start": span.start,
            "end": span.end,
            "won": won.at[span.kind, "won"],
            "won_deals": int(won.at[span.kind, "won_deals"]),
            **attainment_figures(won.at[span.kind, "won"], quotas, span),
        }
        for span in spans
    ]
    return with_float_ratios(pd.DataFrame(rows))


def attainment_figures(won: Decimal, monthly: dict[date, Decimal], span: periods.Period) -> dict:
    """Quota, pace, attainment, pace attainment, gap and versus-pace for one scope and
    period, from its won revenue and monthly quotas (None / NaN where there is no quota)."""
    quota = periods.prorated_quota(monthly, span.start, span.end)
    pace = periods.prorated_quota(monthly, span.start, span.to_date_end)
    return figures_against(won, quota, pace)


def figures_against(won: Decimal, quota: Decimal | None, pace: Decimal | None) -> dict:
    return {
        "quota": quota,
        "attainment": ratio(won, quota),
        "pace": pace,
        "pace_attainment": ratio(won, pace),
        "gap": None if quota is None else quota - won,
        "vs_pace": None if pace is None else won - pace,
    }


def with_float_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """Ratios as floats; NaN where undefined (no quota, or a zero quota)."""
    for column in ("attainment", "pace_attainment", "coverage"):
        if column in frame:
            frame[column] = frame[column].astype("float64")
    return frame


def period_range(span: periods.Period) -> dict:
    """The period parameters of the attainment_by_* queries."""
    return {"start": span.start, "end": span.end, "to_date_end": span.to_date_end}


def attainment_by_rep(con: duckdb.DuckDBPyConnection, as_of: date, *args, **kwargs):
    """Per rep in scope: won, quota, pace, attainment and gap for one period to date,
    all computed in SQL (one row per rep: thousands at scale). Arguments as
    attainment_by_rep_table."""
    return attainment_by_rep_table(con, as_of, *args, **kwargs).to_pandas()


def attainment_by_rep_table(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    period_kind: str = "QTD",
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: Context | None = None,
) -> pa.Table:
    """attainment_by_rep as an Arrow table, for the page's table of every rep."""
    ctx = ctx or context(con, as_of, fiscal_start)
    span = periods.period(period_kind, as_of, ctx.fiscal_start)
    return query_with_planned(
        con,
        "attainment_by_rep",
        planned(con, ctx, "planned_by_rep", span),
        start=span.start,
        to_date_end=span.to_date_end,
        **ctx.as_of_params(),
        **scope_params(team_id, owner_id),
    )


def attainment_by_team(con: duckdb.DuckDBPyConnection, as_of: date, *args, **kwargs):
    """Per team in scope: won, quota, pace, attainment and gap for one period to date.
    Arguments as attainment_by_team_table."""
    return attainment_by_team_table(con, as_of, *args, **kwargs).to_pandas()


def attainment_by_team_table(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    period_kind: str = "QTD",
    team_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: Context | None = None,
) -> pa.Table:
    """attainment_by_team as an Arrow table, for the page's table of every team."""
    ctx = ctx or context(con, as_of, fiscal_start)
    span = periods.period(period_kind, as_of, ctx.fiscal_start)
    return query_with_planned(
        con,
        "attainment_by_team",
        planned(con, ctx, "planned_by_team", span),
        start=span.start,
        to_date_end=span.to_date_end,
        **ctx.as_of_params(),
        team_id=team_id,
    )


def won_by_month(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: Context | None = None,
) -> pd.DataFrame:
    """Won revenue and quota per month of the fiscal year containing ``as_of``, with
    running totals. Months after the as-of date show no won revenue yet."""
    ctx = ctx or context(con, as_of, fiscal_start)
    year = periods.period("YTD", as_of, ctx.fiscal_start)
    scope = scope_params(team_id, owner_id)
    frame = query(
        con,
        "won_by_month",
        start=year.start,
        end=year.end,
        **ctx.as_of_params(),
        **scope,
    )
    quotas = monthly_quotas(con, ctx, year.start, year.end, **scope)
    frame["quota"] = [quotas.get(month) for month in frame["month"]]
    frame["cumulative_won"] = frame["won"].cumsum()
    frame["cumulative_quota"] = pd.Series(
        [q if q is not None else Decimal(0) for q in frame["quota"]], dtype=object
    ).cumsum()
    frame["elapsed"] = [month <= as_of for month in frame["month"]]
    return frame


def forecast_for_quarter(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: Context | None = None,
) -> dict:
    """The current fiscal quarter's forecast roll-ups, quota and coverage."""
    ctx = ctx or context(con, as_of, fiscal_start)
    quarter = periods.period("QTD", as_of, ctx.fiscal_start)
    scope = scope_params(team_id, owner_id)
    frame = query(
        con,
        "forecast_by_category",
        start=quarter.start,
        end=quarter.end,
        **ctx.as_of_params(),
        **scope,
    ).set_index("category")

    def amount(category: str) -> Decimal:
        return frame.at[category, "amount"] if category in frame.index else Decimal(0)

    quotas = monthly_quotas(con, ctx, quarter.start, quarter.end, **scope)
    quota = periods.prorated_quota(quotas, quarter.start, quarter.end)
    closed = amount("Closed")
    open_pipeline = sum((amount(c) for c in OPEN_CATEGORIES), Decimal(0))
    remaining = None if quota is None else quota - closed
    return {
        "quarter": quarter,
        "quota": quota,
        "pace": periods.prorated_quota(quotas, quarter.start, quarter.to_date_end),
        "closed": closed,
        "commit": amount("Commit"),
        "best_case": amount("Best Case"),
        "pipeline": amount("Pipeline"),
        "commit_forecast": closed + amount("Commit"),
        "best_case_forecast": closed + amount("Commit") + amount("Best Case"),
        "open_pipeline": open_pipeline,
        "weighted_open": sum(
            (frame.at[c, "weighted"] for c in OPEN_CATEGORIES if c in frame.index), Decimal(0)
        ),
        "remaining": remaining,
        "coverage": ratio(open_pipeline, remaining) if remaining and remaining > 0 else None,
        "by_category": frame.reset_index(),
    }


def teams(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "teams")


def reps(con: duckdb.DuckDBPyConnection, team_id: int | None = None) -> pd.DataFrame:
    return query(con, "reps", team_id=team_id)


def data_span(con: duckdb.DuckDBPyConnection) -> dict:
    return query(con, "data_span").iloc[0].to_dict()
