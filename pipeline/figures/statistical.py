"""The statistical forecast: each open deal's chance to win within the quarter,
calibrated on how the scope's deals in the same stage fared in earlier quarters, and a
seeded simulation of the quarter giving P10, P50 and P90 of won revenue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from pipeline import periods, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import scope_params
from pipeline.figures.forecast import cents

QUARTERS_BACK = 4
MIN_SAMPLE = 30  # deals in a stage before its own rate is trusted
RUNS = 10_000
SEED = 7
EXACT_UP_TO = 2_000  # larger groups sharing a probability: count exact, amount normal


@dataclass(frozen=True)
class Result:
    calibration: pd.DataFrame  # per stage: default, rates, sample sizes, source
    closed: Decimal
    open_deals: int
    open_amount: Decimal
    expected: Decimal
    p10: Decimal
    p50: Decimal
    p90: Decimal
    outcomes: np.ndarray  # the simulated quarters' won revenue, closed included


def earlier_quarters(quarter: periods.Period, as_of: date) -> dict:
    """The QUARTERS_BACK quarters before the one in focus, each with the instant as far
    into it as the quarter in focus is at the as-of day (its start, before it begins)."""
    into = max(0, min((as_of - quarter.start).days + 1, (quarter.end - quarter.start).days))
    starts = [periods.add_months(quarter.start, -3 * n) for n in range(QUARTERS_BACK, 0, -1)]
    ends = [periods.add_months(start, 3) for start in starts]
    snapshots = [
        min(datetime.combine(start + timedelta(days=into), time()), datetime.combine(end, time()))
        for start, end in zip(starts, ends, strict=True)
    ]
    return {"q_starts": starts, "q_ends": ends, "snapshots": snapshots}


def calibration(
    con: Connection, quarter: periods.Period, as_of: date, team_id, owner_id, stages: pd.DataFrame
) -> pd.DataFrame:
    """Per open stage: its default probability, the scope's observed rates of winning,
    losing and slipping within the quarter (and the company's), the samples, and the
    win rate the simulation uses with where it came from."""
    bounds = earlier_quarters(quarter, as_of)
    scoped = query.frame(
        con, "forecast/calibration_by_stage", **bounds, **scope_params(team_id, owner_id)
    ).set_index("stage_id")
    company = (
        scoped
        if team_id is None and owner_id is None
        else query.frame(
            con, "forecast/calibration_by_stage", **bounds, team_id=None, owner_id=None
        ).set_index("stage_id")  # fmt: skip
    )
    rows = []
    for stage in stages.itertuples():
        own = scoped.loc[stage.stage_id] if stage.stage_id in scoped.index else None
        wide = company.loc[stage.stage_id] if stage.stage_id in company.index else None
        sample = 0 if own is None else int(own["deals"])
        wide_sample = 0 if wide is None else int(wide["deals"])
        if sample >= MIN_SAMPLE:
            rate, source = own["won"] / own["deals"], "this scope's history"
        elif wide_sample >= MIN_SAMPLE:
            rate, source = wide["won"] / wide["deals"], "the whole company's history"
        else:
            rate, source = float(stage.probability), "the stage's probability (too little history)"
        rows.append(
            {
                "stage_id": stage.stage_id,
                "stage": stage.stage,
                "stage_probability": float(stage.probability),
                "deals": sample,
                "won_rate": None if not sample else own["won"] / sample,
                "lost_rate": None if not sample else own["lost"] / sample,
                "slip_rate": None if not sample else own["slipped"] / sample,
                "company_deals": wide_sample,
                "win_rate_used": float(rate),
                "source": source,
            }
        )
    return pd.DataFrame(rows)


def simulate(amounts: np.ndarray, rates: np.ndarray, runs: int, seed: int) -> np.ndarray:
    """Won revenue of each simulated quarter: each deal wins with its rate, independently.
    Deals sharing a rate are drawn together: exactly for up to EXACT_UP_TO of them; for
    more, how many win is drawn exactly (binomial) and the amount of that many random
    deals from the normal law of a sample drawn without replacement."""
    rng = np.random.default_rng(seed)
    totals = np.zeros(runs)
    for rate in np.unique(rates):
        group = amounts[rates == rate]
        if rate <= 0 or not len(group):
            continue
        if rate >= 1:
            totals += group.sum()
        elif len(group) <= EXACT_UP_TO:
            for chunk in np.array_split(np.arange(runs), max(1, runs * len(group) // 20_000_000)):
                wins = rng.random((len(chunk), len(group)), dtype=np.float32) < rate
                totals[chunk] += wins @ group
        else:
            n, mean, spread = len(group), group.mean(), group.std()
            count = rng.binomial(n, rate, runs)
            finite = np.sqrt(np.clip(count * (n - count) / max(n - 1, 1), 0, None))
            totals += np.clip(count * mean + rng.standard_normal(runs) * spread * finite, 0, None)
    return totals


@figure(
    sql=(
        "forecast/open_pipeline_by_stage",
        "forecast/calibration_by_stage",
        "forecast/deals_closing_in_period",
        "forecast/forecast_by_category",
    ),
    definitions=("statistical",),
)
def forecast(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    runs: int = RUNS,
    seed: int = SEED,
    ctx: query.Context | None = None,
) -> Result:
    """P10/P50/P90 of the quarter's won revenue, closed included, and the calibration
    behind it."""
    ctx = ctx or query.context(con, as_of)
    quarter = periods.quarter_at(quarter_start, as_of)
    bounds = {"start": quarter.start, "end": quarter.end, **ctx.as_of_params()}
    scope = scope_params(team_id, owner_id)
    stages = query.frame(con, "forecast/open_pipeline_by_stage", **bounds, **scope)
    table = calibration(con, quarter, as_of, team_id, owner_id, stages)
    deals = query.frame(
        con, "forecast/deals_closing_in_period", **bounds, **scope, stage_id=None, month=None,
        by_owner=None, category=None, stale_before=ctx.as_of_end, today=as_of, limit=10**9,
    )  # fmt: skip
    categories = query.frame(con, "forecast/forecast_by_category", **bounds, **scope)
    closed = Decimal(sum(categories.loc[categories["category"] == "Closed", "amount"], 0))
    rate_of = dict(zip(table["stage"], table["win_rate_used"], strict=True))
    amounts = np.array([float(a or 0) for a in deals["amount"]])
    rates = np.array([rate_of.get(stage, 0.0) for stage in deals["stage"]])
    outcomes = float(closed) + simulate(amounts, rates, runs, seed)
    p10, p50, p90 = (cents(Decimal(repr(float(np.percentile(outcomes, q))))) for q in (10, 50, 90))
    expected = closed + Decimal(repr(float((amounts * rates).sum())))
    return Result(
        calibration=table,
        closed=closed,
        open_deals=len(deals),
        open_amount=Decimal(sum((d or 0 for d in deals["amount"]), Decimal(0))),
        expected=cents(expected),
        p10=p10,
        p50=p50,
        p90=p90,
        outcomes=outcomes,
    )
