"""Reads behind a rep's workspace (My deals): one deal's record, history timeline and
activities, the stages and owners its form offers, and forecast calls. Current state,
not as-of: this is where people work on today's deals. The deal list with its hygiene
flags is figures.hygiene.open_deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from pipeline import deals, periods, query
from pipeline.db import get_setting


def deal_record(con: duckdb.DuckDBPyConnection, deal_id: int) -> dict | None:
    """The deal with its stage, owner and account names, as plain Python values."""
    return query.row(con, "workspace/deal_record", deal_id=deal_id)


def stages_of_pipeline(con: duckdb.DuckDBPyConnection, pipeline: str) -> pd.DataFrame:
    return query.frame(con, "workspace/stages_of_pipeline", pipeline=pipeline)


def deal_owners(con: duckdb.DuckDBPyConnection, team_id: int | None) -> pd.DataFrame:
    """Active reps and managers a deal can be assigned to: within a team's whole subtree,
    or all."""
    return query.frame(con, "workspace/deal_owners", team_id=team_id)


def activities_of_deal(
    con: duckdb.DuckDBPyConnection, deal_id: int, limit: int = 200
) -> pd.DataFrame:
    return query.frame(con, "workspace/activities_of_deal", deal_id=deal_id, limit=limit)


@dataclass(frozen=True)
class TimelineEntry:
    version: int
    at: datetime
    who: str
    source: str  # 'demo', 'import' or 'edit'
    changes: list[deals.Difference]


def timeline(con: duckdb.DuckDBPyConnection, deal_id: int) -> list[TimelineEntry]:
    """The deal's history, newest first: for each version, who made it, when, and what
    changed from the version before (old -> new). The first version lists what the deal
    was created with."""
    entries, previous = [], {}
    for row in query.rows(con, "workspace/versions_of_deal", deal_id=deal_id):
        if previous:
            changes = deals.differences(con, previous, row)
        else:
            changes = [
                deals.Difference(label, "—", deals.describe(con, field, row))
                for field, label in deals.TRACKED.items()
                if row.get(field) is not None
            ]
        who = row["changed_by_name"] or {"demo": "Demo data", "import": "Import"}.get(
            row["change_source"], "System"
        )
        entries.append(
            TimelineEntry(row["version"], row["valid_from"], who, row["change_source"], changes)
        )
        previous = row
    return entries[::-1]


def forecast_calls_this_quarter(
    con: duckdb.DuckDBPyConnection, user_id: int, today: date
) -> tuple[date, pd.DataFrame]:
    start_month = int(get_setting(con, "fiscal_year_start_month", "1"))
    quarter = periods.fiscal_quarter_start(today, start_month)
    calls = query.frame(
        con, "workspace/forecast_calls_of_user", user_id=user_id, quarter_start=quarter
    )
    return quarter, calls
