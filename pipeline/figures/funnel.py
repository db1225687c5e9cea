"""Funnel & conversion: the snapshot and cohort funnels, time in stage, win and loss
rates (two stated definitions), deal size, sales cycle, the age of open deals, sales
velocity and loss reasons, for a scope cut by segment, deal type, source and size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from pipeline import db, periods, qualification, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import scope_params
from pipeline.figures.hygiene import flag_params

WIN_DEFINITIONS = {
    "closed": "won / (won + lost) of the deals closed in the period",
    "created": "won / every deal created in the period, as they stand now",
}
MODES = {
    "any": "Any-stage: at the stage, or past it, at any point",
    "strict": "Strict: passed every stage before it, in order",
}
AGE_BUCKETS = (0, 31, 61, 91, 181, 366)  # days: 0-30, 31-60, 61-90, 91-180, 181-365, 366+
LIST_LIMIT = 500


@dataclass(frozen=True)
class Cut:
    """A slice of the deals: an account segment, a deal type, a source, a size class
    ('large': at or above the large-deal setting; 'velocity': below it). None: all."""

    segment: str | None = None
    deal_type: str | None = None
    source: str | None = None
    size: str | None = None

    def params(self, con: Connection) -> dict:
        return {
            "segment": self.segment,
            "deal_type": self.deal_type,
            "source": self.source,
            "size": self.size,
            "large_from": Decimal(db.get_setting(con, "segment_threshold", "100000")),
        }


def age_label(floor: int) -> str:
    following = AGE_BUCKETS.index(floor) + 1
    if following == len(AGE_BUCKETS):
        return f"{floor}+ days"
    return f"{floor}–{AGE_BUCKETS[following] - 1} days"


@figure(sql=("funnel/pipelines",), definitions=("snapshot_funnel",))
def pipelines(con: Connection) -> list[str]:
    """The pipelines there are, the default first."""
    return [row["pipeline"] for row in query.rows(con, "funnel/pipelines")]


@figure(sql=("funnel/cut_choices",), definitions=("cuts",))
def cut_choices(con: Connection) -> dict[str, list[str]]:
    """The segments and sources the deals can be cut by."""
    found = query.frame(con, "funnel/cut_choices")
    return {cut: list(found.loc[found["cut"] == cut, "value"]) for cut in ("segment", "source")}


@figure(sql=("funnel/snapshot",), definitions=("snapshot_funnel", "cuts"))
def snapshot(
    con: Connection,
    as_of: date,
    pipeline: str,
    cut: Cut,
    team_id: int | None = None,
    owner_id: int | None = None,
    ctx: query.Context | None = None,
) -> pd.DataFrame:
    """Open deals and their amount per open stage, at the end of the as-of day."""
    ctx = ctx or query.context(con, as_of)
    return query.frame(
        con, "funnel/snapshot", pipeline=pipeline, **ctx.as_of_params(), **cut.params(con),
        **scope_params(team_id, owner_id),
    )  # fmt: skip


def cohort_params(con, span: periods.Period, pipeline: str, cut: Cut, team_id, owner_id) -> dict:
    return {"start": span.start, "end": span.to_date_end, "pipeline": pipeline,
            **cut.params(con), **scope_params(team_id, owner_id)}  # fmt: skip


def with_conversion(found: pd.DataFrame) -> pd.DataFrame:
    """A funnel's counts (``deals``) with step conversion (from the step before) and
    cumulative conversion (from the first step)."""
    counts = [int(n) for n in found["deals"]]
    first = counts[0] if counts else 0
    found["step_conversion"] = [None] + [
        now / before if before else None for before, now in zip(counts, counts[1:], strict=False)
    ]
    found["cumulative"] = [n / first if first else None for n in counts]
    return found


@figure(sql=("funnel/cohort_any",), definitions=("cohort_funnel", "cuts"))
def cohort_any_stage(
    con: Connection,
    span: periods.Period,
    pipeline: str,
    cut: Cut,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """Of the deals created in the period so far: how many were ever at each open stage
    or past it, and won (step, stage, deals, step_conversion, cumulative)."""
    return with_conversion(query.frame(
        con, "funnel/cohort_any", **cohort_params(con, span, pipeline, cut, team_id, owner_id)
    ))  # fmt: skip


@figure(sql=("funnel/cohort_strict",), definitions=("cohort_funnel", "cuts"))
def cohort_strict(
    con: Connection,
    span: periods.Period,
    pipeline: str,
    cut: Cut,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """Of the deals created in the period so far: how many passed every open stage up to
    each one in order, and won so (columns as cohort_any_stage)."""
    return with_conversion(query.frame(
        con, "funnel/cohort_strict", **cohort_params(con, span, pipeline, cut, team_id, owner_id)
    ))  # fmt: skip


COHORT = {"any": cohort_any_stage, "strict": cohort_strict}


@figure(sql=("funnel/cohort_deals",), definitions=("cohort_funnel",))
def cohort_deals(
    con: Connection,
    span: periods.Period,
    pipeline: str,
    cut: Cut,
    step: int,
    mode: str,
    team_id: int | None = None,
    owner_id: int | None = None,
    limit: int = LIST_LIMIT,
) -> pd.DataFrame:
    """The deals counted at one step of the cohort funnel (``mode``: 'any' or 'strict')."""
    return query.frame(
        con, "funnel/cohort_deals", step=step, mode=mode, limit=limit,
        **cohort_params(con, span, pipeline, cut, team_id, owner_id),
    )  # fmt: skip


@figure(sql=("funnel/stage_stays",), definitions=("time_in_stage",))
def stage_stays(
    con: Connection, pipeline: str, team_id: int | None = None, owner_id: int | None = None
) -> pd.DataFrame:
    """Median and 75th percentile days of completed stays in each open stage."""
    return query.frame(
        con, "funnel/stage_stays", pipeline=pipeline, **scope_params(team_id, owner_id)
    )


@figure(sql=("funnel/stuck_by_stage",), definitions=("stuck",))
def stuck_by_stage(
    con: Connection,
    pipeline: str,
    now: datetime,
    medians: pd.DataFrame,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """Open deals per open stage now, and how many of them are stuck."""
    flags = flag_params(con, now, medians)
    return query.frame(
        con, "funnel/stuck_by_stage", pipeline=pipeline, now=flags["now"],
        stuck_factor=flags["stuck_factor"], median_stage_ids=flags["median_stage_ids"],
        median_days=flags["median_days"], **scope_params(team_id, owner_id),
    )  # fmt: skip


@dataclass(frozen=True)
class Rates:
    won: int  # closed in the period
    lost: int
    won_amount: Decimal
    cycle_mean_days: float | None
    cycle_median_days: float | None
    created: int  # created in the period
    created_won: int  # of those, won by now
    created_lost: int
    open_deals: int  # now

    def win_rate(self, definition: str) -> float | None:
        if definition == "closed":
            return self.won / (self.won + self.lost) if self.won + self.lost else None
        return self.created_won / self.created if self.created else None

    def loss_rate(self, definition: str) -> float | None:
        if definition == "closed":
            return self.lost / (self.won + self.lost) if self.won + self.lost else None
        return self.created_lost / self.created if self.created else None

    @property
    def average_deal_size(self) -> Decimal | None:
        return (self.won_amount / self.won).quantize(Decimal("0.01")) if self.won else None

    def velocity(self, definition: str) -> Decimal | None:
        """Open deals x win rate x average deal size / sales cycle in days: pipeline
        value expected to close per day."""
        rate, size, cycle = self.win_rate(definition), self.average_deal_size, self.cycle_mean_days
        if rate is None or size is None or not cycle:
            return None
        exact = Decimal(self.open_deals) * Decimal(str(rate)) * size / Decimal(str(cycle))
        return exact.quantize(Decimal("0.01"))


@figure(
    sql=("funnel/rates",),
    definitions=("win_rate", "average_deal_size", "sales_cycle", "sales_velocity", "cuts"),
)
def rates(
    con: Connection,
    span: periods.Period,
    cut: Cut,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> Rates:
    """Won and lost in the period so far, deals created in it and how they ended, the
    won amount, the sales cycle, and the open deals now."""
    row = query.row(
        con, "funnel/rates", start=span.start, end=span.to_date_end, **cut.params(con),
        **scope_params(team_id, owner_id),
    )  # fmt: skip

    def days(value) -> float | None:
        return None if value is None or pd.isna(value) else float(value)

    return Rates(
        won=int(row["won"]), lost=int(row["lost"]), won_amount=Decimal(row["won_amount"]),
        cycle_mean_days=days(row["cycle_mean_days"]),
        cycle_median_days=days(row["cycle_median_days"]), created=int(row["created"]),
        created_won=int(row["created_won"]), created_lost=int(row["created_lost"]),
        open_deals=int(row["open_deals"]),
    )  # fmt: skip


@figure(sql=("funnel/open_deal_ages",), definitions=("open_deal_age", "cuts"))
def open_deal_ages(
    con: Connection,
    now: datetime,
    cut: Cut,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """Open deals by age since creation: bucket, label, deals, amount."""
    found = query.frame(
        con, "funnel/open_deal_ages", bucket_floors=list(AGE_BUCKETS), now=now,
        **cut.params(con), **scope_params(team_id, owner_id),
    )  # fmt: skip
    table = pd.DataFrame({"bucket": AGE_BUCKETS}).merge(found, on="bucket", how="left")
    table["deals"] = table["deals"].fillna(0).astype(int)
    table["amount"] = [Decimal(0) if pd.isna(a) else a for a in table["amount"]]
    table["label"] = [age_label(b) for b in table["bucket"]]
    return table


@figure(sql=("funnel/loss_reasons",), definitions=("loss_reasons", "cuts"))
def loss_reasons(
    con: Connection,
    span: periods.Period,
    cut: Cut,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """Deals lost in the period so far by reason, most first, with the running share
    of all lost deals (the Pareto line)."""
    found = query.frame(
        con, "funnel/loss_reasons", start=span.start, end=span.to_date_end, **cut.params(con),
        **scope_params(team_id, owner_id),
    )  # fmt: skip
    total = int(found["deals"].sum())
    found["cumulative_share"] = found["deals"].cumsum() / total if total else []
    return found


def losses_by_value(reasons: pd.DataFrame) -> pd.DataFrame:
    """loss_reasons() ordered by the value lost, most first (ties by reason), with the
    running share of the value in ``cumulative_share``: the Pareto by value."""
    found = reasons.sort_values(["amount", "reason"], ascending=[False, True], ignore_index=True)
    total = sum(found["amount"], Decimal(0))
    running = found["amount"].cumsum()
    found["cumulative_share"] = [float(r / total) if total else None for r in running]
    return found


@figure(sql=("funnel/lost_deals",), definitions=("loss_reasons",))
def lost_deals(
    con: Connection,
    span: periods.Period,
    cut: Cut,
    reason: str,
    team_id: int | None = None,
    owner_id: int | None = None,
    limit: int = LIST_LIMIT,
) -> pd.DataFrame:
    """The deals lost in the period so far for one reason ('(no reason)' for blanks)."""
    return query.frame(
        con, "funnel/lost_deals", start=span.start, end=span.to_date_end, reason=reason,
        limit=limit, **cut.params(con), **scope_params(team_id, owner_id),
    )  # fmt: skip


@figure(sql=("funnel/qualification",), definitions=("qualification", "cuts"))
def qualified_against_not(
    con: Connection,
    span: periods.Period,
    pipeline: str,
    cut: Cut,
    framework: str,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """At each open stage, the deals closed in the period so far that reached it, split
    by whether they meet every criterion of ``framework``: win rate and median cycle of
    each side (None where a side has no deal, or no win)."""
    found = query.frame(
        con, "funnel/qualification", criteria=qualification.criteria(framework),
        **cohort_params(con, span, pipeline, cut, team_id, owner_id),
    )  # fmt: skip
    for side in ("qualified", "other"):
        found[f"{side}_win_rate"] = [
            won / deals if deals else None
            for won, deals in zip(found[f"{side}_won"], found[f"{side}_deals"], strict=True)
        ]
    return found


@figure(sql=("funnel/margins",), definitions=("margin", "cuts"))
def margins(
    con: Connection,
    span: periods.Period,
    cut: Cut,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> pd.DataFrame:
    """Margin on the deals won in the period so far, by segment and by rep, over the
    deals whose cost is known (margin share = margin / their amount)."""
    found = query.frame(
        con, "funnel/margins", start=span.start, end=span.to_date_end, **cut.params(con),
        **scope_params(team_id, owner_id),
    )  # fmt: skip
    pairs = zip(found["margin"], found["amount"], strict=True)
    found["margin_share"] = [margin / amount if amount else None for margin, amount in pairs]
    return found
