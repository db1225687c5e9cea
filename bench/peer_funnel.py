"""The pandas peers of Funnel & conversion and Planning as they open, for the whole
company: the snapshot funnel (open deals and value per open stage now) and the quarter's
cohort funnel both ways (from every version's stage), and a quota plan's basis (the last
12 months' wins per rep and the months' shares over past fiscal years)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pandas as pd

from pipeline import periods, planning
from pipeline.figures import funnel

CENTS = Decimal(100)


def open_steps(t) -> pd.DataFrame:
    """The default pipeline's open stages with their step (1, 2, ...)."""
    stages = t.stages[(t.stages["pipeline"] == "default") & ~t.stages["is_closed"]]
    stages = stages.sort_values("position")
    return stages.assign(step=range(1, len(stages) + 1))[["id", "name", "step"]]


def funnels(t, span: periods.Period, strict: bool = False) -> dict:
    """The page as it opens: the snapshot and the any-stage cohort funnel (with
    ``strict``, the strict one too)."""
    versions = t.history  # every version's stage: how far each deal got
    steps = open_steps(t)
    open_deals = t.deals[t.deals["status"] == "open"]
    by_stage = open_deals.groupby("stage_id").agg(deals=("id", "size"), cents=("cents", "sum"))
    snapshot = [
        (int(by_stage["deals"].get(s, 0)), Decimal(int(by_stage["cents"].get(s, 0))) / CENTS)
        for s in steps["id"]
    ]
    created = t.deals["created_at"]
    cohort = t.deals[(created >= pd.Timestamp(span.start))
                     & (created < pd.Timestamp(span.to_date_end))]  # fmt: skip
    cohort = cohort[cohort["stage_id"].isin(t.stages.loc[t.stages["pipeline"] == "default", "id"])]
    mine = versions[versions["deal_id"].isin(cohort["id"])].merge(
        steps, left_on="stage_id", right_on="id"
    )
    furthest = mine.groupby("deal_id")["step"].max()
    won = set(cohort.loc[cohort["status"] == "won", "id"])
    is_won = furthest.index.isin(list(won))
    any_stage = [int(((furthest >= k) | is_won).sum()) + len(won - set(furthest.index))
                 for k in steps["step"]]  # fmt: skip
    found = {"snapshot": snapshot, "any_stage": [*any_stage, len(won)]}
    if strict:
        found["strict"] = strict_funnel(mine, steps, won)
    return found


def strict_funnel(mine: pd.DataFrame, steps: pd.DataFrame, won: set) -> list[int]:
    """Steps passed in order: each step's first entry after the step before's."""
    visits = (
        mine.groupby(["deal_id", "step"])["version"].min().rename("first").reset_index()
        .sort_values(["deal_id", "step"])
    )  # fmt: skip
    by_deal = visits.groupby("deal_id")
    place = by_deal.cumcount() + 1
    later = visits["first"] > by_deal["first"].shift(fill_value=0)
    in_order = ((visits["step"] == place) & later).astype(int)
    passed = in_order.groupby(visits["deal_id"]).cumprod().groupby(visits["deal_id"]).sum()
    is_won = passed.index.isin(list(won))
    counts = [int((passed >= k).sum()) for k in steps["step"]]
    return [*counts, int(((passed == len(steps)) & is_won).sum())]


def ours_funnels(
    con: duckdb.DuckDBPyConnection, as_of: date, span: periods.Period, strict: bool = False
) -> dict:
    snapshot = funnel.snapshot(con, as_of, "default", funnel.Cut())
    any_stage = funnel.cohort_any_stage(con, span, "default", funnel.Cut())
    found = {
        "snapshot": [
            (int(n), Decimal(a)) for n, a in zip(snapshot["deals"], snapshot["amount"], strict=True)
        ],  # fmt: skip
        "any_stage": [int(n) for n in any_stage["deals"]],
    }
    if strict:
        passed = funnel.cohort_strict(con, span, "default", funnel.Cut())
        found["strict"] = [int(n) for n in passed["deals"]]
    return found


def plan_basis(t, as_of: date, fiscal_start: int) -> dict:
    """The company's last 12 months' wins per active rep and the months' shares over the
    complete fiscal years (up to three) before this one."""
    won_to = as_of + timedelta(days=1)
    won_from = periods.year_before(won_to)
    won = t.deals[t.deals["status"] == "won"]
    closed = won["closed_at"]
    last_year = won[(closed >= pd.Timestamp(won_from)) & (closed < pd.Timestamp(won_to))]
    reps = t.users[(t.users["role"] == "rep") & t.users["active"]]
    per_rep = last_year.groupby("owner_id")["cents"].sum()
    this_year = periods.fiscal_year_start(as_of, fiscal_start)
    first_year = periods.add_months(this_year, -12 * planning.SEASONAL_YEARS)
    past = won[(closed >= pd.Timestamp(first_year)) & (closed < pd.Timestamp(this_year))]
    fiscal_month = (past["closed_at"].dt.month - fiscal_start) % 12
    by_month = past.groupby(fiscal_month)["cents"].sum()
    total = int(by_month.sum())
    return {
        "won": Decimal(int(last_year["cents"].sum())) / CENTS,
        "reps": sorted((int(r), Decimal(int(per_rep.get(r, 0))) / CENTS) for r in reps["id"]),
        "seasonality": [
            Decimal(int(by_month.get(m, 0))) / total if total else Decimal(1) / 12
            for m in range(12)
        ],  # fmt: skip
    }


def ours_plan_basis(con: duckdb.DuckDBPyConnection, as_of: date, fiscal_start: int) -> dict:
    next_year = periods.add_months(periods.fiscal_year_start(as_of, fiscal_start), 12)
    found = planning.basis(con, as_of, next_year, fiscal_start)
    return {
        "won": found.won,
        "reps": sorted((int(r), Decimal(w)) for r, w in zip(found.reps["user_id"],
                                                            found.reps["won"], strict=True)),
        "seasonality": found.seasonality,
    }  # fmt: skip
