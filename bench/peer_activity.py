"""The pandas peer of Activities & health as it opens: every activity held in a
DataFrame, counted on every run by person, kind, outcome and week for the period so far
(whole company), with the outcome rates from those counts."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from pipeline import periods
from pipeline.figures import activity


def load(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT owner_id, kind, outcome, done_at FROM activities").df()


def counts(activities: pd.DataFrame, span: periods.Period) -> dict:
    done = activities["done_at"]
    rows = activities[(done >= pd.Timestamp(span.start)) & (done < pd.Timestamp(span.to_date_end))]
    week = rows["done_at"].dt.to_period("W-SUN").dt.start_time.dt.date
    grouped = rows.groupby(
        [rows["owner_id"], rows["kind"], rows["outcome"].fillna(""), week], dropna=False
    ).size()
    by_kind = rows.groupby("kind").size()
    by_week = (
        grouped.groupby(level=[1, 2, 3]).sum().rename("activities").reset_index()
        .set_axis(["kind", "outcome", "week", "activities"], axis=1)
        .replace({"outcome": {"": None}})
    )  # fmt: skip
    by_person = rows.groupby(["owner_id", "kind"]).size()
    found = activity.Activity(by_week, by_person.rename("activities").reset_index(), people=1)
    return {
        "total": int(len(rows)),
        "by_kind": {kind: int(by_kind.get(kind, 0)) for kind in activity.KINDS},
        "outcomes": found.outcomes(),
        "cells": (len(by_week), len(by_person)),
    }


def ours(con: duckdb.DuckDBPyConnection, span: periods.Period) -> dict:
    found = activity.activity(con, span)
    return {
        "total": found.total,
        "by_kind": found.by_kind(),
        "outcomes": found.outcomes(),
        "cells": (len(found.by_week_counts), len(found.by_person_counts)),
    }


def period(as_of: date, fiscal_start: int) -> periods.Period:
    return periods.period("QTD", as_of, fiscal_start)
