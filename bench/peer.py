"""The pandas peer: what most Streamlit dashboards do. Load the tables into DataFrames
once (their st.cache_data), then compute each page's figures in pandas on every run.

Amounts are held as integer cents so the peer is exact too; every figure it computes
is checked equal to ours before any timing is reported. It takes the same short cut as
ours (as of today the deals table is the state; no history rebuild), so the comparison
is between engines, not algorithms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pandas as pd

from bench import peer_activity, peer_forecast, peer_funnel, peer_review
from bench.timing import Timing, elapsed_ms, repeat
from pipeline import db, health, periods
from pipeline.figures import attainment, forecast, hygiene
from pipeline.query import end_of_day

CENTS = Decimal(100)
FLAGS = ("stale", "overdue", "no_next_step", "next_step_late", "stuck")


@dataclass
class Tables:
    deals: pd.DataFrame
    users: pd.DataFrame
    teams: pd.DataFrame
    stages: pd.DataFrame
    quotas: pd.DataFrame
    history: pd.DataFrame
    missing: pd.DataFrame


def load(con: duckdb.DuckDBPyConnection) -> Tables:
    """Every table the pages read, as DataFrames (amounts in integer cents)."""

    def frame(sql: str) -> pd.DataFrame:
        return con.execute(sql).df()

    return Tables(
        deals=frame(
            "SELECT id, name, owner_id, stage_id, status, CAST(amount * 100 AS BIGINT) AS cents,"
            " probability_override, forecast_category, created_at, close_date, closed_at,"
            " next_step, next_step_due, last_activity_at, stage_entered_at, account_id"
            " FROM deals"
        ),
        users=frame("SELECT id, name, role, team_id, active FROM users"),
        teams=frame("SELECT id, name, parent_id FROM teams"),
        stages=frame(
            "SELECT id, name, probability, forecast_category, is_closed, pipeline, position"
            " FROM stages"
        ),
        quotas=frame(
            "SELECT user_id, team_id, month, CAST(amount * 100 AS BIGINT) AS cents FROM quotas"
        ),
        history=frame("SELECT deal_id, version, stage_id, valid_from FROM deal_history"),
        missing=frame("SELECT deal_id, kept_at FROM missing_deals"),
    )


def as_decimal(cents) -> Decimal:
    return Decimal(int(cents)) / CENTS


def stamp(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def quotas_by_node(t: Tables, start: date, end: date) -> dict[str, dict[date, Decimal]]:
    """Every node's monthly quota in [start, end): its own plan for a month when it has
    one, else the sum of the nodes right below it, node by node (computed bottom-up)."""
    q = t.quotas[(t.quotas["month"] >= stamp(start)) & (t.quotas["month"] < stamp(end))]
    own: dict[str, dict[date, int]] = {}
    for user, team, month, cents in q[["user_id", "team_id", "month", "cents"]].itertuples(
        index=False
    ):
        node = (
            f"user:{int(user)}"
            if pd.notna(user)
            else (f"team:{int(team)}" if pd.notna(team) else "company")
        )
        plans = own.setdefault(node, {})
        day = pd.Timestamp(month).date()
        plans[day] = plans.get(day, 0) + int(cents)
    children: dict[str, list[str]] = {}
    for team, parent in zip(t.teams["id"], t.teams["parent_id"], strict=True):
        above = f"team:{int(parent)}" if pd.notna(parent) else "company"
        children.setdefault(above, []).append(f"team:{int(team)}")
    for user, team in zip(t.users["id"], t.users["team_id"], strict=True):
        above = f"team:{int(team)}" if pd.notna(team) else "company"
        children.setdefault(above, []).append(f"user:{int(user)}")
    found: dict[str, dict[date, int]] = {}

    def visit(node: str) -> dict[date, int]:
        below: dict[date, int] = {}
        for child in children.get(node, []):
            for month, cents in visit(child).items():
                below[month] = below.get(month, 0) + cents
        found[node] = {**below, **own.get(node, {})}
        return found[node]

    visit("company")
    return {
        node: {month: as_decimal(cents) for month, cents in months.items()}
        for node, months in found.items()
    }


def team_subtrees(t: Tables) -> dict[int, set[int]]:
    """Each team and every team below it."""
    parent = {
        int(team): (int(above) if pd.notna(above) else None)
        for team, above in zip(t.teams["id"], t.teams["parent_id"], strict=True)
    }
    below: dict[int, set[int]] = {team: {team} for team in parent}
    for team in parent:
        above = parent[team]
        while above is not None:
            below[above].add(team)
            above = parent[above]
    return below


def overview(t: Tables, as_of: date, fiscal_start: int) -> dict:
    """Overview's figures for the whole company, as of the end of ``as_of``."""
    end = pd.Timestamp(end_of_day(as_of))
    spans = {p.kind: p for p in periods.all_periods(as_of, fiscal_start)}
    won = t.deals[(t.deals["status"] == "won") & (t.deals["closed_at"] < end)]

    def won_between(start: date, stop: date) -> pd.DataFrame:
        return won[(won["closed_at"] >= stamp(start)) & (won["closed_at"] < stamp(stop))]

    year, quarter = spans["YTD"], spans["QTD"]
    quotas = quotas_by_node(t, year.start, year.end)["company"]
    quarter_days = (quarter.start, quarter.end)
    by_period = {
        kind: {
            "won": as_decimal(won_between(span.start, span.to_date_end)["cents"].sum()),
            "quota": periods.prorated_quota(quotas, span.start, span.end),
            "pace": periods.prorated_quota(quotas, span.start, span.to_date_end),
        }
        for kind, span in spans.items()
    }

    deals = t.deals.merge(t.stages, left_on="stage_id", right_on="id", suffixes=("", "_stage"))
    in_quarter = (deals["close_date"] >= stamp(quarter.start)) & (
        deals["close_date"] < stamp(quarter.end)
    )
    open_deals = deals[(deals["status"] == "open") & in_quarter]
    category = open_deals["forecast_category"].fillna(open_deals["forecast_category_stage"])
    forecast = open_deals.groupby(category)["cents"].sum().map(as_decimal).to_dict()
    forecast["Closed"] = as_decimal(won_between(quarter.start, quarter.to_date_end)["cents"].sum())

    quarter_won = won_between(quarter.start, quarter.to_date_end).merge(
        t.users, left_on="owner_id", right_on="id", suffixes=("", "_owner")
    )
    node_quotas = quotas_by_node(t, quarter.start, quarter.end)
    team_won = quarter_won.groupby("team_id")["cents"].sum()
    by_team = {
        team: {
            "won": as_decimal(sum(team_won.get(member, 0) for member in subtree)),
            "quota": periods.prorated_quota(node_quotas.get(f"team:{team}", {}), *quarter_days),
        }
        for team, subtree in team_subtrees(t).items()
    }
    reps = t.users[t.users["role"] == "rep"]
    rep_won = quarter_won.groupby("owner_id")["cents"].sum()
    by_rep = {
        int(rep): {
            "won": as_decimal(rep_won.get(rep, 0)),
            "quota": periods.prorated_quota(node_quotas.get(f"user:{rep}", {}), *quarter_days),
        }
        for rep in reps["id"]
    }
    year_won = won_between(year.start, year.end)
    by_month = year_won.groupby(year_won["closed_at"].dt.to_period("M"))["cents"].sum()
    months = {period.start_time.date(): as_decimal(cents) for period, cents in by_month.items()}
    return {
        "by_period": by_period,
        "forecast": forecast,
        "by_team": by_team,
        "by_rep": by_rep,
        "by_month": months,
    }


def stage_medians(t: Tables) -> pd.DataFrame:
    """Median days per open stage over completed stays (kept for the day, like ours)."""
    h = t.history.sort_values(["deal_id", "version"])
    entered = h["stage_id"].ne(h.groupby("deal_id")["stage_id"].shift())
    spells = h[entered].copy()
    spells["left_at"] = spells.groupby("deal_id")["valid_from"].shift(-1)
    spells = spells.dropna(subset=["left_at"])
    spells["days"] = (spells["left_at"] - spells["valid_from"]).dt.total_seconds() / 86400
    open_stages = t.stages[~t.stages["is_closed"]]["id"]
    spells = spells[spells["stage_id"].isin(open_stages)]
    return spells.groupby("stage_id")["days"].median().rename("median_days").reset_index()


def my_deals(t: Tables, owner_id: int, now: datetime, medians: pd.DataFrame, stale_days: int):
    """The first page of a rep's open deals by weighted value, and the list's counts."""
    deals = t.deals[(t.deals["owner_id"] == owner_id) & (t.deals["status"] == "open")]
    deals = deals.merge(t.stages, left_on="stage_id", right_on="id", suffixes=("", "_stage"))
    # Exact, as the definition: cents x probability in basis points, rounded half up to
    # the cent per deal (float cents x 0.1 lands either side of a half cent).
    probability = deals["probability_override"].fillna(deals["probability"]).astype(float)
    basis_points = (probability * 10_000).round().astype("int64")
    exact = deals["cents"] * basis_points  # in cents x 10,000
    weighted = (exact + 5_000) // 10_000
    median = deals["stage_id"].map(medians.set_index("stage_id")["median_days"])
    in_stage = (pd.Timestamp(now) - deals["stage_entered_at"]).dt.total_seconds() / 86400
    flags = pd.DataFrame(
        {
            "id": deals["id"],
            "weighted": weighted,
            "stale": deals["last_activity_at"].fillna(deals["created_at"])
            < pd.Timestamp(now - timedelta(days=stale_days)),
            "overdue": (deals["close_date"] < pd.Timestamp(now.date())).fillna(False),
            "no_next_step": deals["next_step"].fillna("").str.strip() == "",
            "next_step_late": (deals["next_step"].fillna("").str.strip() != "")
            & (deals["next_step_due"] < pd.Timestamp(now.date())).fillna(False),
            "stuck": (in_stage > hygiene.STUCK_FACTOR * median).fillna(False),
        }
    )
    first_page = flags.sort_values(["weighted", "id"], ascending=[False, True]).head(
        hygiene.PAGE_SIZE
    )
    return {
        "ids": [int(i) for i in first_page["id"]],
        "total_deals": len(flags),
        "total_weighted": as_decimal((int(exact.sum()) + 5_000) // 10_000),  # rounded once
        **{f"total_{flag}": int(flags[flag].sum()) for flag in FLAGS},
    }


def data_health(t: Tables) -> dict[str, int]:
    """Data & settings' health counts (data_health.sql), over the deals as they stand."""
    d = t.deals
    users = t.users.set_index("id")
    owner_gone = d["owner_id"].map(~users["active"] | (users["name"] == "Unassigned"))
    is_open = d["status"] == "open"
    no_close = d["close_date"].isna()
    copies = d.groupby([d["name"].str.lower(), d["account_id"]], dropna=False).size()
    waiting = t.missing[t.missing["kept_at"].isna()]["deal_id"]
    return {
        "deals": len(d),
        "open_deals": int(is_open.sum()),
        "without_active_owner": int(owner_gone.fillna(False).sum()),
        "without_amount": int(d["cents"].isna().sum()),
        "open_without_close_date": int((is_open & no_close).sum()),
        "closed_without_close_date": int((~is_open & no_close).sum()),
        "closing_before_creation": int((d["close_date"] < d["created_at"].dt.normalize()).sum()),
        "duplicate_names": int((copies[copies > 1] - 1).sum()),
        "without_account": int(d["account_id"].isna().sum()),
        "missing_from_import": int(d[is_open]["id"].isin(waiting).sum()),
    }


def ours_data_health(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    found = health.report(con)
    counts = dict(zip(health.CHECKS, found["checks"]["deals"], strict=True))
    return {"deals": found["deals"], "open_deals": found["open_deals"], **counts}


@dataclass(frozen=True)
class PeerRow:
    page: str  # the page case it stands beside in the report: (name, who)
    who: str
    theirs: Timing
    ours: Timing


@dataclass(frozen=True)
class PeerResult:
    load_ms: float
    medians_ms: float
    rows: tuple[PeerRow, ...]


def ours_overview(con: duckdb.DuckDBPyConnection, as_of: date) -> dict:
    """Our Overview figures for the same scope, from pipeline.figures (uncached)."""
    return {
        "by_period": attainment.by_period(con, as_of),
        "forecast": forecast.for_quarter(con, as_of),
        "by_team": attainment.by_team(con, as_of).to_pandas(),
        "by_rep": attainment.by_rep(con, as_of).to_pandas(),
        "by_month": attainment.won_by_month(con, as_of),
    }


def ours_my_deals(con, owner_id: int, now: datetime, medians: pd.DataFrame) -> pd.DataFrame:
    return hygiene.open_deals(
        con, owner_id=owner_id, team_id=None, search=None, now=now, medians=medians
    )


def check_overview(peer: dict, ours: dict) -> None:
    """Raise unless every figure the peer computed equals ours."""
    for row in ours["by_period"].itertuples():
        expected = peer["by_period"][row.period]
        same(f"{row.period} won", row.won, expected["won"])
        same(f"{row.period} quota", row.quota, expected["quota"])
        same(f"{row.period} pace", row.pace, expected["pace"])
    forecast = ours["forecast"]
    for name, key in (("Closed", "closed"), ("Commit", "commit"), ("Best Case", "best_case")):
        same(f"forecast {name}", forecast[key], peer["forecast"].get(name, Decimal(0)))
    for row in ours["by_team"].itertuples():
        expected = peer["by_team"].get(row.team_id, {"won": Decimal(0)})
        same(f"team {row.team_id} won", row.won, expected["won"])
        same(f"team {row.team_id} quota", row.quota, expected["quota"])
    for row in ours["by_rep"].itertuples():
        same(f"rep {row.user_id} won", row.won, peer["by_rep"][row.user_id]["won"])
        same(f"rep {row.user_id} quota", row.quota, peer["by_rep"][row.user_id]["quota"])
    for row in ours["by_month"].itertuples():
        same(f"month {row.month}", row.won, peer["by_month"].get(row.month, Decimal(0)))


def check_my_deals(peer: dict, ours: pd.DataFrame) -> None:
    same("first page of deals", [int(i) for i in ours["id"]], peer["ids"])
    for column in ("total_deals", "total_weighted", "total_stale", "total_overdue"):
        same(column, ours[column].iloc[0], peer[column])
    for column in ("total_no_next_step", "total_next_step_late", "total_stuck"):
        same(column, ours[column].iloc[0], peer[column])


def same(what: str, ours, peer) -> None:
    if peer is None and not isinstance(ours, list) and pd.isna(ours):
        return  # no quota: ours is NaN where the peer has None
    if ours != peer:
        raise RuntimeError(f"pandas peer disagrees on {what}: ours {ours}, peer {peer}")


def compare(con: duckdb.DuckDBPyConnection, cases: dict[str, object], runs: int) -> PeerResult:
    """Check the peer's figures equal ours, then time both. ``cases``: the page case
    each peer stands beside, by its role here (overview, my_deals, data_health,
    pipeline_forecast, pipeline_review, activities_health, funnel, planning)."""
    as_of = date.today()
    now = datetime.now().replace(second=0, microsecond=0)
    fiscal_start = int(db.get_setting(con, "fiscal_year_start_month", "1"))
    stale_days = int(db.get_setting(con, "stale_after_days", "14"))
    owner_id = cases["my_deals"].user_id
    tables: list[Tables] = []
    load_ms = elapsed_ms(lambda: tables.append(load(con)))
    t = tables[0]
    versions: list[pd.DataFrame] = []
    load_ms += elapsed_ms(lambda: versions.append(peer_review.load(con)))
    activities: list[pd.DataFrame] = []
    load_ms += elapsed_ms(lambda: activities.append(peer_activity.load(con)))
    span = peer_activity.period(as_of, fiscal_start)
    medians_holder: list[pd.DataFrame] = []
    medians_ms = elapsed_ms(lambda: medians_holder.append(stage_medians(t)))
    ours_medians = hygiene.stage_time_medians(con)
    window_end = now
    window_start = window_end - timedelta(days=7)
    quarter = periods.period("QTD", window_end.date(), fiscal_start)
    check_overview(overview(t, as_of, fiscal_start), ours_overview(con, as_of))
    check_my_deals(
        my_deals(t, owner_id, now, ours_medians, stale_days),
        ours_my_deals(con, owner_id, now, ours_medians),
    )
    same("data health", ours_data_health(con), data_health(t))
    same(
        "pipeline & forecast",
        peer_forecast.ours(con, as_of),
        peer_forecast.pipeline_forecast(t, as_of, fiscal_start),
    )
    same(
        "pipeline review's waterfall",
        peer_review.ours(con, window_start, window_end, quarter.start),
        peer_review.waterfall(versions[0], window_start, window_end, quarter),
    )
    same(
        "activities",
        peer_activity.ours(con, span),
        peer_activity.counts(activities[0], span),
    )
    same(
        "funnels",
        peer_funnel.ours_funnels(con, as_of, span, strict=True),
        peer_funnel.funnels(t, span, strict=True),
    )
    same(
        "plan basis",
        peer_funnel.ours_plan_basis(con, as_of, fiscal_start),
        peer_funnel.plan_basis(t, as_of, fiscal_start),
    )
    work = {
        "overview": (
            lambda: overview(t, as_of, fiscal_start),
            lambda: ours_overview(con, as_of),
        ),
        "my_deals": (
            lambda: my_deals(t, owner_id, now, ours_medians, stale_days),
            lambda: ours_my_deals(con, owner_id, now, ours_medians),
        ),
        "data_health": (lambda: data_health(t), lambda: ours_data_health(con)),
        "pipeline_forecast": (
            lambda: peer_forecast.pipeline_forecast(t, as_of, fiscal_start),
            lambda: peer_forecast.ours(con, as_of),
        ),
        "pipeline_review": (
            lambda: peer_review.waterfall(versions[0], window_start, window_end, quarter),
            lambda: peer_review.ours(con, window_start, window_end, quarter.start),
        ),
        "activities_health": (
            lambda: peer_activity.counts(activities[0], span),
            lambda: peer_activity.ours(con, span),
        ),
        "funnel": (
            lambda: peer_funnel.funnels(t, span),
            lambda: peer_funnel.ours_funnels(con, as_of, span),
        ),
        "planning": (
            lambda: peer_funnel.plan_basis(t, as_of, fiscal_start),
            lambda: peer_funnel.ours_plan_basis(con, as_of, fiscal_start),
        ),
    }
    rows = tuple(
        PeerRow(cases[role].name, cases[role].who, repeat(theirs, runs), repeat(ours, runs))
        for role, (theirs, ours) in work.items()
    )
    return PeerResult(load_ms=load_ms, medians_ms=medians_ms, rows=rows)
