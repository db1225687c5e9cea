"""Pipeline hygiene: which open deals are stale, overdue, without a next step (or with
a late one) or stuck in their stage. The rules are the staging macros of
sql/staging/04_hygiene.sql, one implementation each, used by every page that flags
deals (My deals here; the review and activities pages read the same macros)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from pipeline import db, query
from pipeline.engine import Connection
from pipeline.figures import figure

STUCK_FACTOR = 2  # stuck: longer in its stage than twice that stage's median
PAGE_SIZE = 25
FLAG_DEFINITIONS = ("weighted", "stale", "overdue", "no_next_step", "next_step_late", "stuck")


@figure(sql=("hygiene/stage_time_medians",), definitions=("stuck",))
def stage_time_medians(con: Connection) -> pd.DataFrame:
    """Median days in each open stage (stage_id, stage, median_days, spells)."""
    return query.frame(con, "hygiene/stage_time_medians")


def flag_params(con: Connection, now: datetime, medians: pd.DataFrame) -> dict:
    """The parameters the hygiene macros take: now, today, the stale-after bound and
    each stage's median stay."""
    stale_days = int(db.get_setting(con, "stale_after_days", "14"))
    return {
        "now": now,
        "today": now.date(),
        "stale_before": now - timedelta(days=stale_days),
        "stuck_factor": STUCK_FACTOR,
        "median_stage_ids": [int(i) for i in medians["stage_id"]],
        "median_days": [float(d) for d in medians["median_days"]],
    }


@figure(sql=("hygiene/open_deals_by_weighted_value",), definitions=FLAG_DEFINITIONS)
def open_deals(
    con: Connection,
    *,
    owner_id: int | None,
    team_id: int | None,
    search: str | None,
    now: datetime,
    medians: pd.DataFrame,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> pd.DataFrame:
    """One page (1-based) of open deals in scope, largest weighted value first, with
    flags and totals for the whole list on every row."""
    return query.frame(
        con,
        "hygiene/open_deals_by_weighted_value",
        owner_id=owner_id,
        team_id=team_id,
        search=(search or "").strip() or None,
        **flag_params(con, now, medians),
        limit=page_size,
        offset=(max(page, 1) - 1) * page_size,
    )
