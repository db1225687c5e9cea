"""The forecast: this quarter's roll-ups by forecast category, against quota and pace,
and the coverage of what is left to close."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pipeline import db, periods, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import none_if_na, ratio, scope_params

OPEN_CATEGORIES = ("Commit", "Best Case", "Pipeline")
CENT = Decimal("0.01")
DEFAULT_COVERAGE_TARGET = 3


def cents(value) -> Decimal:
    """An exact amount rounded half up to the cent (done once, after all adding)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@figure(
    sql=("forecast/forecast_by_category", "attainment/planned_for_scope"),
    definitions=("forecast", "coverage", "weighted"),
)
def for_quarter(
    con: Connection,
    as_of: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: query.Context | None = None,
    quarter_start: date | None = None,
) -> dict:
    """A fiscal quarter's forecast roll-ups (the as-of date's quarter unless
    ``quarter_start`` names another), quota, pace, the gap to quota of each roll-up, and
    coverage against the coverage-target setting, as of the end of the as-of day."""
    ctx = ctx or query.context(con, as_of, fiscal_start)
    quarter = (
        periods.period("QTD", as_of, ctx.fiscal_start)
        if quarter_start is None
        else periods.quarter_at(quarter_start, as_of)
    )
    scope = scope_params(team_id, owner_id)
    frame = query.frame(
        con,
        "forecast/forecast_by_category",
        start=quarter.start,
        end=quarter.end,
        **ctx.as_of_params(),
        **scope,
    ).set_index("category")

    def amount(category: str) -> Decimal:
        return frame.at[category, "amount"] if category in frame.index else Decimal(0)

    plan = query.planned(
        ctx,
        con,
        "attainment/planned_for_scope",
        period_kinds=["QTD"],
        period_starts=[quarter.start],
        period_ends=[quarter.end],
        period_to_date_ends=[quarter.to_date_end],
        **scope,
    ).to_pylist()[0]
    quota, pace = none_if_na(plan["quota"]), none_if_na(plan["pace"])
    closed = amount("Closed")
    open_pipeline = sum((amount(c) for c in OPEN_CATEGORIES), Decimal(0))
    remaining = None if quota is None else quota - closed
    weighted_exact = sum(
        (frame.at[c, "weighted"] for c in OPEN_CATEGORIES if c in frame.index), Decimal(0)
    )
    by_category = frame.reset_index()
    by_category["weighted"] = [cents(value) for value in by_category["weighted"]]
    target = int(db.get_setting(con, "coverage_target", str(DEFAULT_COVERAGE_TARGET)))
    coverage = ratio(open_pipeline, remaining) if remaining and remaining > 0 else None
    weighted_forecast = closed + cents(weighted_exact)
    rollups = {
        "Closed": closed,
        "Commit forecast": closed + amount("Commit"),
        "Best-case forecast": closed + amount("Commit") + amount("Best Case"),
        "Weighted forecast": weighted_forecast,
        "Closed + open pipeline": closed + open_pipeline,
    }
    return {
        "rollups": rollups,
        "gaps": {name: None if quota is None else quota - value for name, value in rollups.items()},
        "weighted_forecast": weighted_forecast,
        "quarter": quarter,
        "quota": quota,
        "pace": pace,
        "quota_months": plan["quota_months"],
        "period_months": plan["period_months"],
        "closed": closed,
        "commit": amount("Commit"),
        "best_case": amount("Best Case"),
        "pipeline": amount("Pipeline"),
        "commit_forecast": closed + amount("Commit"),
        "best_case_forecast": closed + amount("Commit") + amount("Best Case"),
        "open_pipeline": open_pipeline,
        "weighted_open": cents(weighted_exact),
        "remaining": remaining,
        "coverage": coverage,
        "coverage_target": target,
        "below_target": coverage is not None and coverage < target,
        "by_category": by_category,
    }
