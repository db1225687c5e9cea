"""The pandas peer of Pipeline & forecast as it opens: the quarter's roll-ups and its
open pipeline by stage, for the whole company, from the DataFrames of bench/peer.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pandas as pd

from pipeline import periods
from pipeline.figures import forecast, pipeline_view
from pipeline.query import end_of_day

CENTS = Decimal(100)


def pipeline_forecast(t, as_of: date, fiscal_start: int) -> dict:
    """Roll-ups and the open pipeline per open stage (deals, amount, weighted rounded
    once per stage), as the deals stand."""
    quarter = periods.period("QTD", as_of, fiscal_start)
    deals = t.deals.merge(t.stages, left_on="stage_id", right_on="id", suffixes=("", "_stage"))
    in_quarter = (deals["close_date"] >= pd.Timestamp(quarter.start)) & (
        deals["close_date"] < pd.Timestamp(quarter.end)
    )
    open_deals = deals[(deals["status"] == "open") & in_quarter].copy()
    probability = open_deals["probability_override"].fillna(open_deals["probability"])
    basis_points = (probability.astype(float) * 10_000).round().astype("int64")
    open_deals["exact"] = open_deals["cents"] * basis_points  # cents x 10,000, exact
    open_deals["category"] = open_deals["forecast_category"].fillna(
        open_deals["forecast_category_stage"]
    )
    by_stage = open_deals.groupby("stage_id").agg(
        deals=("id", "size"), cents=("cents", "sum"), exact=("exact", "sum")
    )
    stages = {
        int(stage): {
            "deals": int(by_stage["deals"].get(stage, 0)),
            "amount": as_decimal(by_stage["cents"].get(stage, 0)),
            "weighted": rounded(by_stage["exact"].get(stage, 0)),
        }
        for stage in t.stages.loc[~t.stages["is_closed"], "id"]
    }
    categories = open_deals.groupby("category")["cents"].sum()
    counted = open_deals[open_deals["category"].isin(forecast.OPEN_CATEGORIES)]
    won = t.deals[(t.deals["status"] == "won")]
    closed_cents = won[
        (won["closed_at"] >= pd.Timestamp(quarter.start))
        & (won["closed_at"] < pd.Timestamp(end_of_day(as_of)))
    ]["cents"].sum()
    closed = as_decimal(closed_cents)
    commit, best = (as_decimal(categories.get(c, 0)) for c in ("Commit", "Best Case"))
    pipeline = as_decimal(categories.get("Pipeline", 0))
    rollups = {
        "Closed": closed,
        "Commit forecast": closed + commit,
        "Best-case forecast": closed + commit + best,
        "Weighted forecast": closed + rounded(counted["exact"].sum()),
        "Closed + open pipeline": closed + commit + best + pipeline,
    }
    return {"rollups": rollups, "stages": stages}


def ours(con: duckdb.DuckDBPyConnection, as_of: date) -> dict:
    quarter = forecast.for_quarter(con, as_of)
    frame = pipeline_view.by_stage(con, as_of, quarter["quarter"].start)
    stages = {
        int(row.stage_id): {"deals": int(row.deals), "amount": row.amount, "weighted": row.weighted}
        for row in frame.itertuples()
    }
    return {"rollups": quarter["rollups"], "stages": stages}


def as_decimal(cents) -> Decimal:
    return Decimal(int(cents)) / CENTS


def rounded(exact) -> Decimal:
    """Cents x 10,000 to the cent, half up: the figure rounds once, after adding."""
    return as_decimal((int(exact) + 5_000) // 10_000)
