"""Activities & health: activity volume and outcomes, touches per deal and before a
close, pipeline generated, pipeline health per rep with its score, and the dead deals a
manager may clean out. The hygiene rules are the staging macros My deals and the
pipeline review use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd

from pipeline import db, periods, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import scope_params
from pipeline.figures.hygiene import flag_params
from pipeline.figures.pipeline_view import coverage_by_rep

KINDS = ("call", "email", "meeting", "demo", "note", "task")
TOUCH_BUCKETS = (0, 1, 2, 3, 5, 8, 13)  # lower bounds: 0, 1, 2, 3-4, 5-7, 8-12, 13+
CLEAN_WEIGHT, COVERAGE_WEIGHT = 70, 30  # the health score's two parts, out of 100
DEAD_AFTER_DAYS = 30
DEAD_LIST_LIMIT = 500


def bucket_label(floor: int) -> str:
    following = TOUCH_BUCKETS.index(floor) + 1
    if following == len(TOUCH_BUCKETS):
        return f"{floor}+"
    last = TOUCH_BUCKETS[following] - 1
    return str(floor) if last == floor else f"{floor}–{last}"


def to_date(span: periods.Period) -> dict:
    """The elapsed part of a period as the queries take it, [start, end)."""
    return {"start": span.start, "end": span.to_date_end}


@dataclass(frozen=True)
class Activity:
    by_week_counts: pd.DataFrame  # kind, outcome, week, activities
    by_person_counts: pd.DataFrame  # owner_id, owner, kind, activities
    people: int  # reps in the scope, for the average per rep

    def by_kind(self) -> dict[str, int]:
        found = self.by_week_counts.groupby("kind")["activities"].sum()
        return {kind: int(found.get(kind, 0)) for kind in KINDS}

    def by_person(self) -> pd.DataFrame:
        """One row per person who logged activities: a column per kind and the total."""
        table = self.by_person_counts.pivot_table(
            index="owner", columns="kind", values="activities", aggfunc="sum", fill_value=0
        ).reindex(columns=list(KINDS), fill_value=0)
        table["total"] = table.sum(axis=1)
        return table.sort_values("total", ascending=False).reset_index()

    def by_week(self) -> pd.DataFrame:
        return self.by_week_counts.pivot_table(
            index="week", columns="kind", values="activities", aggfunc="sum", fill_value=0
        ).reindex(columns=list(KINDS), fill_value=0)

    @property
    def total(self) -> int:
        return int(self.by_week_counts["activities"].sum())

    @property
    def average_per_rep(self) -> float | None:
        return self.total / self.people if self.people else None

    def outcome(self, kind: str, outcome: str | None = None) -> int:
        rows = self.by_week_counts[self.by_week_counts["kind"] == kind]
        if outcome is not None:
            rows = rows[rows["outcome"] == outcome]
        return int(rows["activities"].sum())

    def outcomes(self) -> dict:
        """Connect rate, meetings held / no-show / rescheduled, demos and their no-show
        rate, outbound touches (calls and e-mails sent)."""
        calls, demos = self.outcome("call"), self.outcome("demo")
        connected = self.outcome("call", "connected")
        demo_no_shows = self.outcome("demo", "no-show")
        return {
            "calls": calls,
            "connected": connected,
            "connect_rate": connected / calls if calls else None,
            "meetings": self.outcome("meeting"),
            "meetings_held": self.outcome("meeting", "held"),
            "meetings_no_show": self.outcome("meeting", "no-show"),
            "meetings_rescheduled": self.outcome("meeting", "rescheduled"),
            "demos": demos,
            "demos_held": self.outcome("demo", "held"),
            "demo_no_show_rate": demo_no_shows / demos if demos else None,
            "outbound": calls + self.outcome("email"),
        }


@figure(
    sql=("activity/activity_counts", "reference/reps"),
    definitions=("activity_volume", "activity_outcomes"),
)
def activity(
    con: Connection, span: periods.Period, team_id: int | None = None, owner_id: int | None = None
) -> Activity:
    """Activities done in the period so far by people in the scope."""
    counts = query.frame(
        con, "activity/activity_counts", **to_date(span), **scope_params(team_id, owner_id)
    )
    people = 1 if owner_id is not None else len(query.frame(con, "reference/reps", team_id=team_id))
    by_person = counts["week"].isna()
    return Activity(
        counts.loc[~by_person, ["kind", "outcome", "week", "activities"]].reset_index(drop=True),
        counts.loc[by_person, ["owner_id", "owner", "kind", "activities"]].reset_index(drop=True),
        people,
    )


@figure(sql=("activity/activity_trend",), definitions=("activity_volume",))
def trend(
    con: Connection,
    as_of: date,
    fiscal_start: int,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """Activities by kind in each of the last four fiscal quarters (the as-of date's
    last): quarter_start, kind, activities."""
    starts = periods.quarters_around(as_of, fiscal_start, before=3, after=0)
    months = query.frame(
        con,
        "activity/activity_trend",
        first=starts[0],
        last=periods.add_months(starts[-1], 3),
        **scope_params(team_id, owner_id),
    )
    months["quarter_start"] = [
        max(start for start in starts if start.year * 12 + start.month <= number)
        for number in months["month_number"]
    ]
    return (
        months.groupby(["quarter_start", "kind"], as_index=False)["activities"]
        .sum()
        .sort_values(["quarter_start", "kind"], ignore_index=True)
    )


@figure(sql=("activity/first_response",), definitions=("first_response",))
def first_response(
    con: Connection, span: periods.Period, team_id: int | None = None, owner_id: int | None = None
) -> dict:
    """For deals created in the period so far: how many, how many have had an activity,
    and the median and 90th percentile hours to the first."""
    return query.row(
        con, "activity/first_response", **to_date(span), **scope_params(team_id, owner_id)
    )


@dataclass(frozen=True)
class Touches:
    open_deals: pd.DataFrame  # bucket, label, deals, untouched
    closed: pd.DataFrame  # id, status, touches, bucket

    @property
    def untouched(self) -> int:
        return int(self.open_deals["untouched"].sum())

    def median(self, status: str) -> float | None:
        rows = self.closed[self.closed["status"] == status]
        return float(rows["touches"].median()) if len(rows) else None

    def closed_by_bucket(self) -> pd.DataFrame:
        """Per touch bucket: won, lost and the win rate of the deals closed in it."""
        table = (
            self.closed.pivot_table(
                index="bucket", columns="status", values="id", aggfunc="count", fill_value=0
            )
            .reindex(index=list(TOUCH_BUCKETS), columns=["won", "lost"], fill_value=0)
            .reset_index()
        )
        closed = table["won"] + table["lost"]
        table["win_rate"] = [
            won / total if total else None for won, total in zip(table["won"], closed, strict=True)
        ]
        table["label"] = [bucket_label(b) for b in table["bucket"]]
        return table


def bucket_of(touches: int) -> int:
    return max(floor for floor in TOUCH_BUCKETS if floor <= touches)


@figure(
    sql=("activity/touches_of_open_deals", "activity/touches_before_close"),
    definitions=("touches", "stale"),
)
def touches(
    con: Connection,
    span: periods.Period,
    now: datetime,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> Touches:
    """Open deals by touches (now), and the deals closed in the period so far with the
    activities done on them up to their close."""
    scope = scope_params(team_id, owner_id)
    stale_days = int(db.get_setting(con, "stale_after_days", "14"))
    found = query.frame(
        con, "activity/touches_of_open_deals", bucket_floors=list(TOUCH_BUCKETS),
        stale_before=now - timedelta(days=stale_days), **scope,
    )  # fmt: skip
    open_deals = (
        pd.DataFrame({"bucket": TOUCH_BUCKETS})
        .merge(found, on="bucket", how="left")
        .fillna({"deals": 0, "untouched": 0})
        .astype({"deals": int, "untouched": int})
    )
    open_deals["label"] = [bucket_label(b) for b in open_deals["bucket"]]
    closed = query.frame(con, "activity/touches_before_close", **to_date(span), **scope)
    closed["bucket"] = [bucket_of(int(n)) for n in closed["touches"]]
    return Touches(open_deals, closed)


def previous(span: periods.Period, fiscal_start: int) -> periods.Period:
    """The period before, as far into it as this one is: last quarter's first 40 days
    beside this quarter's first 40."""
    before = periods.period(span.kind, span.start - timedelta(days=1), fiscal_start)
    elapsed = min(span.elapsed_days, before.days)
    last_day = before.start + timedelta(days=elapsed - 1)
    return periods.Period(span.kind, before.start, before.end, last_day)


@figure(sql=("activity/pipeline_generated",), definitions=("pipeline_generated",))
def generated(
    con: Connection,
    span: periods.Period,
    fiscal_start: int,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """Deals created in the period so far and in the same part of the period before,
    by owner and source: period ('this' or 'previous'), owner, source, deals, amount."""
    before = previous(span, fiscal_start)
    return query.frame(
        con, "activity/pipeline_generated", previous_start=before.start,
        previous_end=before.to_date_end, **to_date(span), **scope_params(team_id, owner_id),
    )  # fmt: skip


@figure(
    sql=("activity/rep_health", "forecast/coverage_by_rep", "attainment/planned_by_node"),
    definitions=("health_score", "stale", "overdue", "stuck", "no_next_step", "next_step_late",
                 "missing_amount", "pile_up", "coverage", "pipeline_generated"),
)  # fmt: skip
def rep_health(
    con: Connection,
    span: periods.Period,
    now: datetime,
    medians: pd.DataFrame,
    as_of: date,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """One row per rep in the scope: open deals, each hygiene count, deals failing no
    rule, the stage holding most of their deals (a pile-up when over a third), coverage
    of the quarter as of ``as_of`` against the target, pipeline generated in the period
    so far, and the health score."""
    scope = scope_params(team_id, owner_id)
    found = query.frame(
        con, "activity/rep_health", **to_date(span), **flag_params(con, now, medians), **scope
    )
    coverage = coverage_by_rep(
        con, as_of, quarter_start, team_id=team_id, owner_id=owner_id, ctx=ctx
    ).to_pandas()[["user_id", "coverage"]]
    found = found.merge(coverage, on="user_id", how="left")
    target = coverage_target(con)
    found["pile_up"] = [
        bool(share is not None and not pd.isna(share) and share > 1 / 3 and deals >= 3)
        for share, deals in zip(found["top_stage_share"], found["open_deals"], strict=True)
    ]
    found["score"] = [
        health_score(int(clean), int(total), None if pd.isna(c) else float(c), target)
        for clean, total, c in zip(found["clean"], found["open_deals"], found["coverage"],
                                   strict=True)
    ]  # fmt: skip
    return found


def coverage_target(con: Connection) -> int:
    from pipeline.figures.forecast import DEFAULT_COVERAGE_TARGET

    return int(db.get_setting(con, "coverage_target", str(DEFAULT_COVERAGE_TARGET)))


def health_score(clean: int, open_deals: int, coverage: float | None, target: int) -> int | None:
    """70 x the share of open deals failing no hygiene rule + 30 x coverage against the
    target (capped at 1; full when there is nothing left to cover), rounded; None
    without open deals."""
    if open_deals == 0:
        return None
    covered = 1.0 if coverage is None else min(coverage / target, 1.0)
    exact = Decimal(CLEAN_WEIGHT) * Decimal(clean) / Decimal(open_deals) + Decimal(
        COVERAGE_WEIGHT
    ) * Decimal(str(covered))
    return int(exact.quantize(Decimal(1), rounding="ROUND_HALF_UP"))


@figure(sql=("activity/dead_deals",), definitions=("dead_deals", "stale", "overdue"))
def dead_deals(
    con: Connection,
    now: datetime,
    overdue_days: int = DEAD_AFTER_DAYS,
    team_id: int | None = None,
    owner_id: int | None = None,
    limit: int = DEAD_LIST_LIMIT,
) -> pd.DataFrame:
    """The scope's open deals whose close date passed more than ``overdue_days`` ago
    and that are stale: the candidates for a clean-out."""
    stale_days = int(db.get_setting(con, "stale_after_days", "14"))
    return query.frame(
        con, "activity/dead_deals", today=now.date(), overdue_days=overdue_days,
        stale_before=now - timedelta(days=stale_days), limit=limit,
        **scope_params(team_id, owner_id),
    )  # fmt: skip
