"""The pandas peer of Pipeline review's waterfall: every deal version held in a
DataFrame, the pipeline rebuilt at the window's two ends on every run, and each changed
deal put in one bar by the same rule as review/pipeline_changes.sql (whole company, so
no deal moves in or out of the scope)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd

from pipeline.figures import review

CENTS = Decimal(100)


def load(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every version of every deal, with what the waterfall reads (amounts in cents)."""
    return con.execute(
        "SELECT deal_id, valid_from, valid_to, status, CAST(coalesce(amount, 0) * 100 AS BIGINT)"
        " AS cents, close_date, created_at FROM deal_history"
    ).df()


def waterfall(versions: pd.DataFrame, start: datetime, end: datetime, quarter) -> dict:
    """Start, each bar and end, in Decimal, for the whole company."""
    valid_from, valid_to = versions["valid_from"], versions["valid_to"]
    changed = versions.loc[(valid_from >= start) & (valid_from < end), "deal_id"].unique()

    def state(at: datetime) -> pd.DataFrame:
        """The versions standing just before ``at``, indexed by deal."""
        standing = versions[(valid_from < at) & (valid_to.isna() | (valid_to >= at))]
        inside = (
            (standing["status"] == "open")
            & (standing["close_date"] >= pd.Timestamp(quarter.start))
            & (standing["close_date"] < pd.Timestamp(quarter.end))
        )
        return standing.assign(inside=inside).set_index("deal_id")

    before, after = state(start), state(end)
    unchanged = after[after["inside"] & ~after.index.isin(changed)]["cents"].sum()
    ends = before.loc[before.index.intersection(changed), ["status", "cents", "inside"]].merge(
        after.loc[after.index.intersection(changed), ["status", "cents", "inside", "created_at"]],
        how="outer",
        left_index=True,
        right_index=True,
        suffixes=("_before", ""),
    )
    was = ends["inside_before"].fillna(False).astype(bool)
    now = ends["inside"].fillna(False).astype(bool)
    cents_before = ends["cents_before"].fillna(0)
    cents_after = ends["cents"].fillna(0)
    category = np.select(
        [
            was & now & (cents_after > cents_before),
            was & now & (cents_after < cents_before),
            ~was & now & (ends["created_at"] >= pd.Timestamp(start)),
            ~was & now,
            was & ~now & (ends["status"] == "won"),
            was & ~now & (ends["status"] == "lost"),
            was & ~now,
        ],
        ["increased", "decreased", "new", "pulled in", "won", "lost", "pushed out"],
        default="",
    )
    change = np.where(was & now, cents_after - cents_before, np.where(now, cents_after, 0))
    change = np.where(was & ~now, -cents_before, change)
    bars = pd.Series(change).groupby(category).sum()
    start_cents = unchanged + cents_before[was].sum()
    end_cents = unchanged + cents_after[now].sum()
    return {
        "start": as_decimal(start_cents),
        "bars": {name: as_decimal(bars.get(name, 0)) for name in review.BARS},
        "end": as_decimal(end_cents),
    }


def ours(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime, quarter_start: date):
    found = review.waterfall(con, start, end, quarter_start)
    return {"start": found.start, "bars": found.bars, "end": found.end}


def as_decimal(cents) -> Decimal:
    return Decimal(int(cents)) / CENTS
