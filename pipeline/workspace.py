"""Reads behind a rep's workspace (My deals): the deal list with its hygiene flags, one
deal's record, history timeline and activities, and forecast calls. Current state,
not as-of: this is where people work on today's deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from pipeline import deals, periods
from pipeline.db import dict_row, dict_rows, get_setting
from pipeline.metrics import fiscal_start_month, query, sql_text

STUCK_FACTOR = 2  # stuck: longer in its stage than twice that stage's median
PAGE_SIZE = 25


def stage_time_medians(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Median days in each open stage (stage_id, stage, median_days, spells)."""
    return query(con, "stage_time_medians")


def open_deals(
    con: duckdb.DuckDBPyConnection,
    *,
    owner_id: int | None,
    team_id: int | None,
    search: str | None,
    now: datetime,
    medians: pd.DataFrame,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> pd.DataFrame:
    """One page (1-based) of open deals, largest weighted value first, with flags and
    totals for the whole list on every row."""
    stale_days = int(get_setting(con, "stale_after_days", "14"))
    return query(
        con,
        "open_deals_by_weighted_value",
        owner_id=owner_id,
        team_id=team_id,
        search=(search or "").strip() or None,
        now=now,
        today=now.date(),
        stale_before=now - timedelta(days=stale_days),
        stuck_factor=STUCK_FACTOR,
        median_stage_ids=[int(i) for i in medians["stage_id"]],
        median_days=[float(d) for d in medians["median_days"]],
        limit=page_size,
        offset=(max(page, 1) - 1) * page_size,
    )


def deal_record(con: duckdb.DuckDBPyConnection, deal_id: int) -> dict | None:
    """The deal with its stage, owner and account names, as plain Python values."""
    return dict_row(con, sql_text("deal_record"), {"deal_id": deal_id})


def stages_of_pipeline(con: duckdb.DuckDBPyConnection, pipeline: str) -> pd.DataFrame:
    return query(con, "stages_of_pipeline", pipeline=pipeline)


def deal_owners(con: duckdb.DuckDBPyConnection, team_id: int | None) -> pd.DataFrame:
    return query(con, "deal_owners", team_id=team_id)


def activities_of_deal(
    con: duckdb.DuckDBPyConnection, deal_id: int, limit: int = 200
) -> pd.DataFrame:
    return query(con, "activities_of_deal", deal_id=deal_id, limit=limit)


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
    for row in dict_rows(con, sql_text("versions_of_deal"), {"deal_id": deal_id}):
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
    quarter = periods.fiscal_quarter_start(today, fiscal_start_month(con))
    return quarter, query(con, "forecast_calls_of_user", user_id=user_id, quarter_start=quarter)
