"""The open pipeline of a fiscal quarter: weighted and unweighted, by stage, close month,
rep and forecast category; the deals behind each; coverage by team and rep."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pyarrow as pa

from pipeline import db, periods, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import planned_by_node, scope_params
from pipeline.figures.forecast import cents

DEAL_LIMIT = 200  # the deals listed behind one bar


def quarter_params(ctx: query.Context, quarter_start: date) -> dict:
    quarter = periods.quarter_at(quarter_start, ctx.as_of_end.date() - timedelta(days=1))
    return {"start": quarter.start, "end": quarter.end, **ctx.as_of_params()}


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Weighted sums rounded to the cent once, after the query added them exactly."""
    frame["weighted"] = [cents(value) for value in frame["weighted"]]
    return frame


@figure(sql=("forecast/open_pipeline_by_stage",), definitions=("pipeline", "weighted"))
def by_stage(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Per open stage, in pipeline order: deals, amount and weighted closing in the
    quarter."""
    ctx = ctx or query.context(con, as_of)
    return rounded(
        query.frame(
            con,
            "forecast/open_pipeline_by_stage",
            **quarter_params(ctx, quarter_start),
            **scope_params(team_id, owner_id),
        )
    )


@figure(sql=("forecast/open_pipeline_by_month",), definitions=("pipeline", "weighted"))
def by_close_month(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Per month of the quarter: deals, amount and weighted closing in it."""
    ctx = ctx or query.context(con, as_of)
    return rounded(
        query.frame(
            con,
            "forecast/open_pipeline_by_month",
            **quarter_params(ctx, quarter_start),
            **scope_params(team_id, owner_id),
        )
    )


@figure(sql=("forecast/open_pipeline_by_rep",), definitions=("pipeline", "weighted"))
def by_rep(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Per owner with open deals closing in the quarter: deals, amount, weighted."""
    ctx = ctx or query.context(con, as_of)
    return rounded(
        query.frame(
            con,
            "forecast/open_pipeline_by_rep",
            **quarter_params(ctx, quarter_start),
            **scope_params(team_id, owner_id),
        )
    )


@figure(
    sql=("forecast/deals_closing_in_period",),
    definitions=("pipeline", "weighted", "stale", "overdue", "no_next_step"),
)
def deals_behind(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    stage_id: int | None = None,
    month: date | None = None,
    by_owner: int | None = None,
    category: str | None = None,
    now: datetime | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """The open deals behind one bar (a stage, close month, owner or category), largest
    weighted value first, with today's flags."""
    ctx = ctx or query.context(con, as_of)
    now = now or datetime.now()
    stale_days = int(db.get_setting(con, "stale_after_days", "14"))
    return query.frame(
        con,
        "forecast/deals_closing_in_period",
        **quarter_params(ctx, quarter_start),
        **scope_params(team_id, owner_id),
        stage_id=stage_id,
        month=month,
        by_owner=by_owner,
        category=category,
        stale_before=now - timedelta(days=stale_days),
        today=now.date(),
        limit=DEAL_LIMIT,
    )


def coverage_params(ctx: query.Context, quarter_start: date) -> dict:
    quarter = periods.quarter_at(quarter_start, ctx.as_of_end.date() - timedelta(days=1))
    return {
        "start": quarter.start,
        "end": quarter.end,
        "to_date_end": min(quarter.to_date_end, quarter.end),
        **ctx.as_of_params(),
    }


@figure(
    sql=("forecast/coverage_by_team", "attainment/planned_by_node"),
    definitions=("coverage", "quota"),
)
def coverage_by_team(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pa.Table:
    """Per team of the scope, at every level: open pipeline, won, quota, what is left to
    close and coverage for the quarter."""
    ctx = ctx or query.context(con, as_of)
    quarter = periods.quarter_at(quarter_start, as_of)
    return query.with_rows(
        con,
        "forecast/coverage_by_team",
        "planned_rows",
        planned_by_node(con, ctx, quarter),
        **coverage_params(ctx, quarter_start),
        team_id=team_id,
    )


@figure(
    sql=("forecast/coverage_by_rep", "attainment/planned_by_node"),
    definitions=("coverage", "quota"),
)
def coverage_by_rep(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pa.Table:
    """Per rep in the scope: open pipeline, won, quota, left to close and coverage."""
    ctx = ctx or query.context(con, as_of)
    quarter = periods.quarter_at(quarter_start, as_of)
    return query.with_rows(
        con,
        "forecast/coverage_by_rep",
        "planned_rows",
        planned_by_node(con, ctx, quarter),
        **coverage_params(ctx, quarter_start),
        **scope_params(team_id, owner_id),
    )
