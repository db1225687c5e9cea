"""Planning's figures: the reverse funnel (from the quota still to close in a quarter,
the wins and the deals at each stage that closing it needs, against what is there) and
the basis of a quota plan."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from pipeline import periods, planning, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import scope_params
from pipeline.figures.forecast import for_quarter

PACE_WEEKS = 13  # new deals a week: the average over this many weeks


@dataclass(frozen=True)
class ReverseFunnel:
    quota: Decimal | None
    closed: Decimal
    gap: Decimal | None  # quota - closed; None without a quota
    won_deals: int  # won in the last 12 months (for the average deal size)
    won_amount: Decimal
    wins_needed: int | None
    stages: pd.DataFrame  # step, stage, reached, won, conversion, needed, have, short
    created_per_week: float
    needed_per_week: float | None  # deals to create a week to fill the first step's gap
    weeks_left: float

    @property
    def average_deal_size(self) -> Decimal | None:
        if not self.won_deals:
            return None
        return (self.won_amount / self.won_deals).quantize(Decimal("0.01"))


@figure(
    sql=("planning/stage_conversion", "planning/open_by_stage", "planning/won_by_month",
         "forecast/forecast_by_category", "attainment/planned_for_scope"),
    definitions=("reverse_funnel", "average_deal_size"),
)  # fmt: skip
def reverse_funnel(
    con: Connection,
    as_of: date,
    quarter_start: date,
    pipeline: str,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> ReverseFunnel:
    """The quarter's gap to quota, the wins it needs at the last 12 months' average deal
    size, and at each open stage the deals needed at it or past it (wins needed /
    that stage's conversion to a win over the last 12 months) against those there now."""
    forecast = for_quarter(
        con, as_of, team_id=team_id, owner_id=owner_id, ctx=ctx, quarter_start=quarter_start
    )
    quota, closed = forecast["quota"], forecast["closed"]
    gap = None if quota is None else quota - closed
    scope = scope_params(team_id, owner_id)
    year_to = as_of + timedelta(days=1)
    year_from = periods.year_before(year_to)
    won = query.frame(con, "planning/won_by_month", start=year_from, end=year_to, **scope)
    won_amount = sum((Decimal(v) for v in won["won"]), Decimal(0))
    stages = query.frame(
        con, "planning/stage_conversion", start=year_from, end=year_to, pipeline=pipeline,
        **scope,
    )  # fmt: skip
    won_deals = int(stages["won"].iloc[0]) if len(stages) else 0
    size = (won_amount / won_deals) if won_deals else None
    wins_needed = None
    if gap is not None and size:
        wins_needed = max(math.ceil(gap / size), 0)
    pace_from = as_of - timedelta(weeks=PACE_WEEKS) + timedelta(days=1)
    open_now = query.frame(
        con, "planning/open_by_stage", pipeline=pipeline, created_from=pace_from,
        created_to=year_to, **scope,
    )  # fmt: skip
    stages = stages.merge(open_now[["stage_id", "open_deals"]], on="stage_id", how="left")
    stages["open_deals"] = stages["open_deals"].fillna(0).astype(int)
    # Deals at a stage or past it now: the open deals there and in every later stage.
    stages["have"] = stages["open_deals"][::-1].cumsum()[::-1]
    stages["conversion"] = [w / r if r else None for w, r in zip(stages["won"], stages["reached"],
                                                                 strict=True)]  # fmt: skip
    stages["needed"] = [
        None if wins_needed is None or not c else math.ceil(wins_needed / c)
        for c in stages["conversion"]
    ]
    stages["short"] = [None if n is None else max(n - h, 0)
                       for n, h in zip(stages["needed"], stages["have"], strict=True)]  # fmt: skip
    created = int(open_now["created"].iloc[0]) if len(open_now) else 0
    quarter_end = periods.add_months(quarter_start, 3)
    weeks_left = max((quarter_end - year_to).days, 0) / 7
    first_short = stages["short"].iloc[0] if len(stages) else None
    needed_per_week = None if first_short is None or weeks_left == 0 else first_short / weeks_left
    return ReverseFunnel(
        quota, closed, gap, won_deals, won_amount, wins_needed, stages,
        created / PACE_WEEKS, needed_per_week, weeks_left,
    )  # fmt: skip


@figure(sql=("planning/won_by_owner", "planning/won_by_month"), definitions=("quota_plan",))
def plan_basis(
    con: Connection,
    as_of: date,
    year_start: date,
    fiscal_start: int,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> planning.Basis:
    """What a quota plan starts from: the last 12 months' wins (per rep) and the
    seasonality of the complete fiscal years before this one."""
    return planning.basis(con, as_of, year_start, fiscal_start, team_id, owner_id)
