"""Deal history: every version of every deal, and the current state derived from it."""

from __future__ import annotations

import duckdb

from pipeline.metrics import sql_text


def rebuild_current_deals(con: duckdb.DuckDBPyConnection) -> int:
    """Replace the deals table with the current version of every deal in history.

    For bulk loads (the demo), inside the caller's transaction. Returns the number of
    deals.
    """
    con.execute("DELETE FROM deals")
    return fill_current_deals(con)


ALL_IDS = (0, 2**63 - 1)


def fill_current_deals(con: duckdb.DuckDBPyConnection, ids: tuple[int, int] = ALL_IDS) -> int:
    """Add to the deals table the current version of every deal in history that it
    lacks (an import removes the deals it changed, then calls this), among deal ids
    ``ids`` (first, last): history is stored in id order, so a narrow range reads only
    the part of it that holds those deals. Returns the number of deals added."""
    first, last = ids
    return con.execute(
        sql_text("current_deals_from_history"), {"first": first, "last": last}
    ).fetchone()[0]
