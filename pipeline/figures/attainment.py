"""Attainment: won revenue against quota and pace, by period, team, rep and month.

Quotas are kept per plan version (query.planned): after a deal save only the won side
of each figure is recomputed and joined to the quotas already computed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pyarrow as pa

from pipeline import periods, query
from pipeline.engine import Connection
from pipeline.figures import figure

TABLE_DEFINITIONS = ("won", "quota", "attainment", "pace", "gap")


def scope_params(team_id: int | None, owner_id: int | None) -> dict:
    return {"team_id": team_id, "owner_id": owner_id}


def ratio(numerator, denominator) -> float | None:
    if denominator is None or denominator == 0 or pd.isna(denominator):
        return None
    return float(Decimal(numerator) / Decimal(denominator))


@figure(
    sql=("attainment/won_by_period", "attainment/planned_for_scope"),
    definitions=("won", "quota", "attainment", "pace", "gap", "vs_pace"),
)
def by_period(
    con: Connection,
    as_of: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Won, quota, attainment, pace, gap and versus-pace for YTD, QTD, MTD and WTD, and
    how many of each period's months the quota plan covers."""
    ctx = ctx or query.context(con, as_of, fiscal_start)
    spans = periods.all_periods(as_of, ctx.fiscal_start)
    scope = scope_params(team_id, owner_id)
    bounds = {
        "period_kinds": [span.kind for span in spans],
        "period_starts": [span.start for span in spans],
        "period_ends": [span.end for span in spans],
    }
    won = query.frame(
        con,
        "attainment/won_by_period",
        **{**bounds, "period_ends": [span.to_date_end for span in spans]},
        **ctx.as_of_params(),
        **scope,
    ).set_index("period")
    planned = (
        query.planned(
            ctx,
            con,
            "attainment/planned_for_scope",
            **bounds,
            period_to_date_ends=[span.to_date_end for span in spans],
            **scope,
        )
        .to_pandas()
        .set_index("period")
    )
    rows = []
    for span in spans:
        plan = planned.loc[span.kind]
        rows.append(
            {
                "period": span.kind,
                "start": span.start,
                "end": span.end,
                "won": won.at[span.kind, "won"],
                "won_deals": int(won.at[span.kind, "won_deals"]),
                **against(
                    won.at[span.kind, "won"], none_if_na(plan["quota"]), none_if_na(plan["pace"])
                ),
                "quota_months": int(plan["quota_months"]),
                "period_months": int(plan["period_months"]),
            }
        )
    return with_float_ratios(pd.DataFrame(rows))


def none_if_na(value):
    return None if value is None or pd.isna(value) else value


def against(won: Decimal, quota: Decimal | None, pace: Decimal | None) -> dict:
    """Attainment, pace attainment, gap and versus-pace of ``won`` against a quota and
    pace (None where there is no quota)."""
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
    """The period parameters of the attainment tables."""
    return {"start": span.start, "end": span.end, "to_date_end": span.to_date_end}


def planned_by_node(con: Connection, ctx: query.Context, span: periods.Period) -> pa.Table:
    """Every node's quota and pace for one period, kept per plan version."""
    return query.planned(ctx, con, "attainment/planned_by_node", **period_range(span))


@figure(
    sql=("attainment/attainment_by_team", "attainment/planned_by_node"),
    definitions=TABLE_DEFINITIONS,
)
def by_team(
    con: Connection,
    as_of: date,
    period_kind: str = "QTD",
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: query.Context | None = None,
) -> pa.Table:
    """Per team of the scope, at every level of the tree in tree order (a region rolls
    up its teams): won, quota, pace, attainment and gap for one period to date. With a
    person chosen, the teams above that person."""
    ctx = ctx or query.context(con, as_of, fiscal_start)
    span = periods.period(period_kind, as_of, ctx.fiscal_start)
    return query.with_rows(
        con,
        "attainment/attainment_by_team",
        "planned_rows",
        planned_by_node(con, ctx, span),
        start=span.start,
        to_date_end=span.to_date_end,
        **ctx.as_of_params(),
        **scope_params(team_id, owner_id),
    )


@figure(
    sql=("attainment/attainment_by_rep", "attainment/planned_by_node"),
    definitions=TABLE_DEFINITIONS,
)
def by_rep(
    con: Connection,
    as_of: date,
    period_kind: str = "QTD",
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: query.Context | None = None,
) -> pa.Table:
    """Per rep in scope: won, quota, pace, attainment and gap for one period to date,
    all computed in SQL (one row per rep: thousands at scale)."""
    ctx = ctx or query.context(con, as_of, fiscal_start)
    span = periods.period(period_kind, as_of, ctx.fiscal_start)
    return query.with_rows(
        con,
        "attainment/attainment_by_rep",
        "planned_rows",
        planned_by_node(con, ctx, span),
        start=span.start,
        to_date_end=span.to_date_end,
        **ctx.as_of_params(),
        **scope_params(team_id, owner_id),
    )


def monthly_quotas(
    con: Connection,
    ctx: query.Context,
    start: date,
    end: date,
    team_id: int | None,
    owner_id: int | None,
) -> dict[date, Decimal]:
    """The scope's quota per month in [start, end), kept per plan version."""
    found = query.planned(
        ctx,
        con,
        "attainment/quota_by_month",
        start=start,
        end=end,
        **scope_params(team_id, owner_id),
    ).to_pylist()
    return {item["month"]: item["amount"] for item in found}


@figure(
    sql=("attainment/won_by_month", "attainment/quota_by_month"),
    definitions=("won", "quota"),
)
def won_by_month(
    con: Connection,
    as_of: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Won revenue and quota per month of the fiscal year containing ``as_of``, with
    running totals. Months after the as-of date show no won revenue yet."""
    ctx = ctx or query.context(con, as_of, fiscal_start)
    year = periods.period("YTD", as_of, ctx.fiscal_start)
    scope = scope_params(team_id, owner_id)
    frame = query.frame(
        con,
        "attainment/won_by_month",
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
