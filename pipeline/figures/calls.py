"""Forecast calls: each rep's latest call beside the system's own forecast for them; the
calls rolled up the organisation (a manager's own call for their team when they made
one, else the sum below it); and how the calls and the system's forecast moved week by
week across the quarter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd

from pipeline import periods, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import scope_params
from pipeline.figures.forecast import cents
from pipeline.query import end_of_day


@dataclass(frozen=True)
class Call:
    commit: Decimal
    best_case: Decimal
    source: str  # "own call" (the person's or team manager's) or "sum below"


def latest_calls(con: Connection, quarter_start: date, instants: list[datetime]) -> pd.DataFrame:
    return query.frame(con, "forecast/calls_as_of", quarter_start=quarter_start, instants=instants)


@figure(
    sql=("forecast/calls_as_of", "forecast/system_forecast_by_rep"),
    definitions=("calls", "rollups"),
)
def by_rep(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Per rep in the scope: their latest call for the quarter as of the end of the
    as-of day, beside the system's commit and best-case forecast for them."""
    ctx = ctx or query.context(con, as_of)
    quarter = periods.quarter_at(quarter_start, as_of)
    system = query.frame(
        con,
        "forecast/system_forecast_by_rep",
        start=quarter.start,
        end=quarter.end,
        **ctx.as_of_params(),
        **scope_params(team_id, owner_id),
    )
    calls = latest_calls(con, quarter_start, [ctx.as_of_end]).set_index("user_id")
    for column, source in (
        ("call_commit", "commit_amount"),
        ("call_best_case", "best_case_amount"),
        ("called_at", "submitted_at"),
    ):
        system[column] = [
            calls.at[user, source] if user in calls.index else None for user in system["user_id"]
        ]
    system["weighted_open"] = [cents(value) for value in system["weighted_open"]]
    return system


def team_tree(con: Connection) -> pd.DataFrame:
    return query.frame(con, "forecast/team_managers")


def roll_up(
    tree: pd.DataFrame, calls: pd.DataFrame, reps_of_team: dict[int | None, list[int]]
) -> dict[int | None, Call | None]:
    """Every team's call (None for the company): its manager's own call when there is
    one, else the sum of the calls right below it (its teams' and its reps'); None where
    nobody below has called."""
    by_user = {
        int(row.user_id): Call(row.commit_amount, row.best_case_amount, "own call")
        for row in calls.itertuples()
    }
    children: dict[int | None, list[int]] = {}
    for team, parent in zip(tree["team_id"], tree["parent_id"], strict=True):
        children.setdefault(None if pd.isna(parent) else int(parent), []).append(int(team))
    managers = {
        int(team): (None if pd.isna(manager) else int(manager))
        for team, manager in zip(tree["team_id"], tree["manager_id"], strict=True)
    }
    found: dict[int | None, Call | None] = {}

    def visit(team: int | None) -> Call | None:
        below = [visit(child) for child in children.get(team, [])]
        below += [by_user.get(rep) for rep in reps_of_team.get(team, [])]
        called = [call for call in below if call is not None]
        own = by_user.get(managers.get(team)) if team is not None else None
        if own is not None:
            found[team] = own
        elif called:
            found[team] = Call(
                sum((c.commit for c in called), Decimal(0)),
                sum((c.best_case for c in called), Decimal(0)),
                "sum below",
            )
        else:
            found[team] = None
        return found[team]

    visit(None)
    return found


def reps_by_team(con: Connection) -> dict[int | None, list[int]]:
    rows = con.execute("SELECT id, team_id FROM users WHERE role = 'rep'").fetchall()
    found: dict[int | None, list[int]] = {}
    for rep, team in rows:
        found.setdefault(team, []).append(rep)
    return found


@figure(
    sql=("forecast/calls_as_of", "forecast/team_managers"),
    definitions=("calls",),
)
def by_team(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Per team of the scope, in tree order: the manager's own call, the sum of the calls
    below, and the call that counts for the team (the manager's, else the sum)."""
    ctx = ctx or query.context(con, as_of)
    tree = team_tree(con)
    calls = latest_calls(con, quarter_start, [ctx.as_of_end])
    reps = reps_by_team(con)
    effective = roll_up(tree, calls, reps)
    without_managers = roll_up(tree.assign(manager_id=None), calls, reps)
    by_user = calls.set_index("user_id")
    rows = []
    for row in tree.itertuples():
        if team_id is not None and not in_subtree(tree, int(row.team_id), team_id):
            continue
        own = by_user.loc[int(row.manager_id)] if row.manager_id in by_user.index else None
        below, counted = without_managers.get(int(row.team_id)), effective.get(int(row.team_id))
        rows.append(
            {
                "team_id": int(row.team_id),
                "team": row.name,
                "depth": int(row.depth),
                "manager_commit": None if own is None else own["commit_amount"],
                "manager_best_case": None if own is None else own["best_case_amount"],
                "sum_commit": None if below is None else below.commit,
                "sum_best_case": None if below is None else below.best_case,
                "commit": None if counted is None else counted.commit,
                "best_case": None if counted is None else counted.best_case,
                "source": "—" if counted is None else counted.source,
            }
        )
    return pd.DataFrame(rows)


def in_subtree(tree: pd.DataFrame, team: int, top: int) -> bool:
    parents = dict(zip(tree["team_id"], tree["parent_id"], strict=True))
    current: int | None = team
    while current is not None:
        if current == top:
            return True
        parent = parents.get(current)
        current = None if parent is None or pd.isna(parent) else int(parent)
    return False


def scope_call(
    con: Connection, tree: pd.DataFrame, calls: pd.DataFrame, team_id, owner_id
) -> Call | None:
    """The call that counts for a scope: a person's own, a team's, or the company's."""
    if owner_id is not None:
        mine = calls[calls["user_id"] == owner_id]
        if mine.empty:
            return None
        row = mine.iloc[0]
        return Call(row["commit_amount"], row["best_case_amount"], "own call")
    return roll_up(tree, calls, reps_by_team(con)).get(team_id)


def week_ends(quarter: periods.Period, as_of: date) -> list[date]:
    """The last day of each week (Sunday) of the quarter up to the as-of day, and the
    as-of day itself when the quarter is still running."""
    days = []
    day = quarter.start + timedelta(days=(6 - quarter.start.weekday()) % 7)
    last = min(quarter.end - timedelta(days=1), as_of)
    while day <= last:
        days.append(day)
        day += timedelta(days=7)
    if quarter.start <= as_of < quarter.end and (not days or days[-1] != as_of):
        days.append(as_of)
    return days


@figure(
    sql=(
        "forecast/calls_as_of",
        "forecast/team_managers",
        "forecast/system_forecast_by_week",
        "reference/reps",
    ),
    definitions=("calls", "rollups"),
)
def weekly_trend(
    con: Connection,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Week by week across the quarter (to the as-of day): the reps' calls added up,
    the call that counts for the scope (a manager's own, else the sum below), and the
    system's closed, commit, best-case and weighted forecasts as they stood then."""
    ctx = ctx or query.context(con, as_of)
    quarter = periods.quarter_at(quarter_start, as_of)
    days = week_ends(quarter, as_of)
    if not days:
        return pd.DataFrame(
            columns=["week_end", "reps_commit", "reps_best_case", "scope_commit",
                     "scope_best_case", "closed", "commit_forecast", "best_case_forecast",
                     "weighted_forecast"]
        )  # fmt: skip
    instants = [end_of_day(day) for day in days]
    system = query.frame(
        con,
        "forecast/system_forecast_by_week",
        instants=instants,
        start=quarter.start,
        end=quarter.end,
        **scope_params(team_id, owner_id),
    ).set_index("at")
    calls = latest_calls(con, quarter_start, instants)
    tree = team_tree(con)
    in_scope = set(
        query.frame(con, "reference/reps", team_id=team_id)["id"]
        if owner_id is None
        else [owner_id]
    )
    rows = []
    for day, instant in zip(days, instants, strict=True):
        then = calls[calls["at"] == instant]
        reps = then[then["user_id"].isin(in_scope) & (then["role"] == "rep")]
        counted = scope_call(con, tree, then, team_id, owner_id)
        closed = system.at[instant, "closed"]
        commit = closed + system.at[instant, "commit"]
        rows.append(
            {
                "week_end": day,
                "reps_commit": reps["commit_amount"].sum() if len(reps) else None,
                "reps_best_case": reps["best_case_amount"].sum() if len(reps) else None,
                "scope_commit": None if counted is None else counted.commit,
                "scope_best_case": None if counted is None else counted.best_case,
                "closed": closed,
                "commit_forecast": commit,
                "best_case_forecast": commit + system.at[instant, "best_case"],
                "weighted_forecast": closed + cents(system.at[instant, "weighted_open"]),
            }
        )
    return pd.DataFrame(rows)
