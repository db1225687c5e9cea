"""Forecast accuracy: for each quarter that has ended, what each forecasting method said
1 to 8 weeks before its end (rebuilt from history), against what it brought."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from pipeline import periods, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import scope_params
from pipeline.figures.calls import latest_calls, reps_by_team, roll_up, team_tree
from pipeline.figures.forecast import cents
from pipeline.figures.statistical import MIN_SAMPLE, QUARTERS_BACK
from pipeline.query import end_of_day

WEEKS = range(1, 9)
METHODS = (
    "Weighted forecast",
    "Commit forecast",
    "Best-case forecast",
    "Reps' calls",
    "Team call",
    "Statistical (expected)",
)


def past_quarters(as_of: date, fiscal_start: int, count: int = QUARTERS_BACK) -> list[date]:
    """The starts of the last ``count`` quarters that ended by the as-of day."""
    current = periods.fiscal_quarter_start(as_of, fiscal_start)
    return [periods.add_months(current, -3 * n) for n in range(count, 0, -1)]


def stage_rates(con: Connection, before: date, team_id, owner_id, stages: pd.DataFrame) -> dict:
    """Each stage's win-within-the-quarter rate from the quarters before ``before``,
    measured at the quarter's midpoint (the scope's, with the statistical forecast's
    fallbacks), for the expected value of that time."""
    starts = [periods.add_months(before, -3 * n) for n in range(QUARTERS_BACK, 0, -1)]
    ends = [periods.add_months(start, 3) for start in starts]
    middles = [end_of_day(start + timedelta(days=45)) for start in starts]
    bounds = {"q_starts": starts, "q_ends": ends, "snapshots": middles}
    scoped = query.frame(
        con, "forecast/calibration_by_stage", **bounds, **scope_params(team_id, owner_id)
    ).set_index("stage_id")
    rates = {}
    for stage in stages.itertuples():
        if stage.stage_id in scoped.index and scoped.at[stage.stage_id, "deals"] >= MIN_SAMPLE:
            rates[stage.stage_id] = (
                scoped.at[stage.stage_id, "won"] / scoped.at[stage.stage_id, "deals"]
            )
        else:
            rates[stage.stage_id] = float(stage.probability)
    return rates


@figure(
    sql=(
        "forecast/accuracy_points",
        "forecast/won_in_quarters",
        "forecast/calls_as_of",
        "forecast/team_managers",
        "forecast/calibration_by_stage",
        "forecast/open_pipeline_by_stage",
    ),
    definitions=("accuracy", "rollups", "calls"),
)
def by_method(
    con: Connection,
    as_of: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    fiscal_start: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """One row per past quarter, weeks before its end (1..8) and method: the forecast,
    the actual, the error."""
    ctx = ctx or query.context(con, as_of, fiscal_start)
    quarters = past_quarters(as_of, ctx.fiscal_start)
    scope = scope_params(team_id, owner_id)
    points = [(start, periods.add_months(start, 3), weeks) for start in quarters for weeks in WEEKS]
    instants = [end_of_day(end - timedelta(days=1 + 7 * weeks)) for _, end, weeks in points]
    found = query.frame(
        con,
        "forecast/accuracy_points",
        q_starts=[p[0] for p in points],
        q_ends=[p[1] for p in points],
        weeks=[p[2] for p in points],
        instants=instants,
        **scope,
    )
    actual = query.frame(
        con,
        "forecast/won_in_quarters",
        q_starts=quarters,
        q_ends=[periods.add_months(q, 3) for q in quarters],
        **scope,
    ).set_index("q_start")
    stages = query.frame(
        con, "forecast/open_pipeline_by_stage", start=date.min, end=date.min,
        **ctx.as_of_params(), **scope,
    )  # fmt: skip
    tree, reps = team_tree(con), reps_by_team(con)
    rows = []
    for quarter in quarters:
        rates = stage_rates(con, quarter, team_id, owner_id, stages)
        moments = [(p[2], at) for p, at in zip(points, instants, strict=True) if p[0] == quarter]
        calls = latest_calls(con, quarter, [at for _, at in moments])
        real = actual.at[quarter, "won"] if quarter in actual.index else Decimal(0)
        for weeks, instant in moments:
            at = found[(found["q_start"] == quarter) & (found["weeks"] == weeks)]
            then = calls[calls["at"] == instant]
            said = methods_at(at, then, rates, tree, reps, team_id, owner_id)
            for method, forecast in said.items():
                rows.append(
                    {
                        "quarter": quarter,
                        "weeks_before": weeks,
                        "method": method,
                        "forecast": forecast,
                        "actual": real,
                        "error": None if forecast is None else forecast - real,
                    }
                )
    return pd.DataFrame(rows, columns=["quarter", "weeks_before", "method", "forecast",
                                       "actual", "error"])  # fmt: skip


def methods_at(at, calls, rates, tree, reps, team_id, owner_id) -> dict:
    """What each method said at one point, from that point's pipeline and calls."""
    won = at[at["status"] == "won"]
    open_ = at[at["status"] == "open"]
    closed = Decimal(sum(won["amount"], Decimal(0)))

    def in_category(name: str) -> Decimal:
        return Decimal(sum(open_.loc[open_["category"] == name, "amount"], Decimal(0)))

    commit = closed + in_category("Commit")
    in_scope_reps = calls[calls["role"] == "rep"]
    if owner_id is not None:
        in_scope_reps = in_scope_reps[in_scope_reps["user_id"] == owner_id]
        team_call = None
    else:
        counted = roll_up(tree, calls, reps).get(team_id)
        team_call = None if counted is None else counted.commit
        if team_id is not None:
            members = {r for team, ids in reps.items() for r in ids
                       if team is not None and in_tree(tree, team, team_id)}  # fmt: skip
            in_scope_reps = in_scope_reps[in_scope_reps["user_id"].isin(members)]
    expected = closed + Decimal(
        repr(
            float(
                sum(float(row.amount) * rates.get(row.stage_id, 0.0) for row in open_.itertuples())
            )
        )  # fmt: skip
    )
    return {
        "Weighted forecast": closed + cents(sum(open_["weighted"], Decimal(0))),
        "Commit forecast": commit,
        "Best-case forecast": commit + in_category("Best Case"),
        "Reps' calls": (
            Decimal(sum(in_scope_reps["commit_amount"], Decimal(0))) if len(in_scope_reps) else None
        ),
        "Team call": team_call,
        "Statistical (expected)": cents(expected),
    }


def in_tree(tree: pd.DataFrame, team: int, top: int) -> bool:
    from pipeline.figures.calls import in_subtree

    return in_subtree(tree, team, top)


def summary(points: pd.DataFrame) -> pd.DataFrame:
    """Per method: how many points, mean error (bias), mean absolute error and mean
    absolute % error, most accurate first."""
    rows = []
    for method in METHODS:
        mine = points[(points["method"] == method) & points["forecast"].notna()]
        mine = mine[mine["actual"] > 0]
        if mine.empty:
            continue
        errors = [float(e) for e in mine["error"]]
        actuals = [float(a) for a in mine["actual"]]
        rows.append(
            {
                "method": method,
                "points": len(mine),
                "bias": sum(errors) / len(errors),
                "mean_absolute_error": sum(abs(e) for e in errors) / len(errors),
                "mean_absolute_pct_error": sum(
                    abs(e) / a for e, a in zip(errors, actuals, strict=True)
                )
                / len(errors),
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("mean_absolute_pct_error") if len(frame) else frame
