"""The weekly pipeline review's figures: what changed in the window (a waterfall that
reconciles to the cent, with the deals behind each bar), the top deals, the hygiene
lists (the same rules as My deals), pile-ups, wins, losses, new deals and customers
lost, and what changed on one deal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from pipeline import periods, query
from pipeline.engine import Connection
from pipeline.figures import figure
from pipeline.figures.attainment import scope_params
from pipeline.figures.hygiene import flag_params

BARS = ("new", "pulled in", "increased", "decreased", "pushed out", "won", "lost",
        "moved in", "moved out")  # fmt: skip
TOP = 20
LIST_LIMIT = 200
WINDOW_LIST_LIMIT = 20  # wins, losses and new deals listed; all are counted
PILE_SHARE = 1 / 3
PILE_MIN_DEALS = 10


@dataclass(frozen=True)
class Waterfall:
    start: Decimal
    bars: dict[str, Decimal]  # category -> change, in BARS order
    end: Decimal
    deals: dict[str, int]  # category -> how many deals are behind the bar
    changed: int  # deals in the pipeline at either end that changed in the window
    unchanged: int  # deals in the pipeline at both ends without any change

    @property
    def reconciles(self) -> bool:
        return self.start + sum(self.bars.values(), Decimal(0)) == self.end


def end_is_current(con: Connection, window_end: datetime) -> bool:
    """Whether no deal version begins at or after the window's end (then the current
    tables hold its state)."""
    last = con.execute("SELECT max(last_change) FROM history_clock").fetchone()[0]
    return last is None or last < window_end


def window_params(con, window_start: datetime, window_end: datetime, quarter_start: date) -> dict:
    quarter = periods.quarter_at(quarter_start, window_end.date())
    return {
        "window_start": window_start,
        "window_end": window_end,
        "end_is_current": end_is_current(con, window_end),
        "start": quarter.start,
        "end": quarter.end,
    }


@figure(sql=("review/waterfall_bars", "review/pipeline_at_end"), definitions=("waterfall",))
def waterfall(
    con: Connection,
    window_start: datetime,
    window_end: datetime,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> Waterfall:
    """The open pipeline of the quarter at the window's start, every change in the
    window by category, and at its end."""
    params = {**window_params(con, window_start, window_end, quarter_start),
              **scope_params(team_id, owner_id)}  # fmt: skip
    found = query.rows(con, "review/waterfall_bars", **without(params, "end_is_current"))
    at_end = query.row(con, "review/pipeline_at_end", **without(params, "window_start"))
    end = Decimal(at_end["amount"])
    changed_at_end = sum((Decimal(row["amount_after"]) for row in found), Decimal(0))
    unchanged = end - changed_at_end  # the deals that stood the same at both ends
    start = unchanged + sum((Decimal(row["amount_before"]) for row in found), Decimal(0))
    by_category = {row["category"]: row for row in found}
    bars = {name: Decimal(by_category[name]["change"]) if name in by_category else Decimal(0)
            for name in BARS}  # fmt: skip
    deals = {name: int(by_category[name]["deals"]) if name in by_category else 0 for name in BARS}
    changed = sum(int(row["deals"]) for row in found)
    unchanged_deals = int(at_end["deals"]) - sum(int(row["deals_after"]) for row in found)
    return Waterfall(start, bars, end, deals, changed, unchanged_deals)


@figure(sql=("review/changed_deals",), definitions=("waterfall",))
def changed_deals(
    con: Connection,
    window_start: datetime,
    window_end: datetime,
    quarter_start: date,
    team_id: int | None = None,
    owner_id: int | None = None,
    category: str | None = None,
    limit: int = 100_000,
) -> pd.DataFrame:
    """The deals behind a bar of the waterfall (``category``; "stage moved back" for
    the deals whose stage went back; None for every changed deal), largest change
    first: each with where it stood at the window's start and end."""
    params = {**window_params(con, window_start, window_end, quarter_start),
              **scope_params(team_id, owner_id)}  # fmt: skip
    return query.frame(
        con, "review/changed_deals", category=category, limit=limit,
        **without(params, "end_is_current"),
    )  # fmt: skip


def without(params: dict, name: str) -> dict:
    return {key: value for key, value in params.items() if key != name}


def review_flag_params(con, now: datetime, medians: pd.DataFrame) -> dict:
    return flag_params(con, now, medians)


@figure(sql=("review/top_deals",), definitions=("top_deals", "stale", "overdue", "no_next_step",
                                                 "next_step_late", "stuck"))  # fmt: skip
def top_deals(
    con: Connection,
    window_start: datetime,
    now: datetime,
    medians: pd.DataFrame,
    team_id: int | None = None,
    owner_id: int | None = None,
    by_weighted: bool = False,
    limit: int = TOP,
) -> pd.DataFrame:
    """The scope's top open deals now, with the hygiene flags and pushes in the window."""
    return query.frame(
        con,
        "review/top_deals",
        window_start=window_start,
        by_weighted=by_weighted,
        limit=limit,
        **flag_params(con, now, medians),
        **scope_params(team_id, owner_id),
    )


@figure(
    sql=("hygiene/flagged_open_deals",),
    definitions=("stale", "overdue", "no_next_step", "next_step_late", "stuck"),
)
def flagged(
    con: Connection,
    now: datetime,
    medians: pd.DataFrame,
    team_id: int | None = None,
    owner_id: int | None = None,
    limit: int = LIST_LIMIT,
) -> pd.DataFrame:
    """The scope's open deals failing a hygiene rule now (the My deals rules)."""
    return query.frame(
        con,
        "hygiene/flagged_open_deals",
        limit=limit,
        **flag_params(con, now, medians),
        **scope_params(team_id, owner_id),
    )


@figure(sql=("review/stage_pile_ups",), definitions=("pile_up",))
def pile_ups(con: Connection, team_id: int | None = None, owner_id: int | None = None):
    """The scope's open deals per stage now, and which stages pile up."""
    return query.frame(
        con, "review/stage_pile_ups", pile_share=PILE_SHARE, min_deals=PILE_MIN_DEALS,
        **scope_params(team_id, owner_id),
    )  # fmt: skip


@figure(sql=("review/closed_in_window", "review/customers_lost"),
        definitions=("won", "customers_lost"))  # fmt: skip
def closed_in_window(
    con: Connection,
    window_start: datetime,
    window_end: datetime,
    team_id: int | None = None,
    owner_id: int | None = None,
    limit: int = WINDOW_LIST_LIMIT,
) -> dict[str, pd.DataFrame]:
    """Won, lost and new deals of the window (the ``limit`` largest of each; the column
    in_window says how many the kind holds), and customers lost."""
    params = {"window_start": window_start, "window_end": window_end,
              "end_is_current": end_is_current(con, window_end),
              **scope_params(team_id, owner_id)}  # fmt: skip
    found = query.frame(con, "review/closed_in_window", limit=limit, **params)
    return {
        kind: found[found["kind"] == kind].drop(columns="kind").reset_index(drop=True)
        for kind in ("won", "lost", "new")
    } | {"customers_lost": query.frame(con, "review/customers_lost", **params)}


@figure(sql=("review/changes_of_deal",), definitions=("waterfall",))
def changes_of_deal(
    con: Connection, deal_id: int, window_start: datetime, window_end: datetime
) -> list[tuple[datetime, str, list]]:
    """What changed on one deal in the window: (when, who, [(field, before, after)])."""
    from pipeline import deals

    versions = query.rows(
        con, "review/changes_of_deal", deal_id=deal_id, window_start=window_start,
        window_end=window_end,
    )  # fmt: skip
    found = []
    for before, after in zip(versions, versions[1:], strict=False):
        differences = deals.differences(con, before, after)
        who = after["changed_by_name"] or {"demo": "Demo data", "import": "Import"}.get(
            after["change_source"], "System"
        )
        found.append((after["valid_from"], who, differences))
    return found
