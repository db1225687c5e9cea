"""Deal history: every version of every deal, and the current state derived from it."""

from __future__ import annotations

import duckdb

from pipeline.metrics import sql_text


def rebuild_current_deals(con: duckdb.DuckDBPyConnection) -> int:
    """Replace the deals table with the current version of every deal in history.

    For bulk loads (demo, import), inside the caller's transaction. Returns the
    number of deals.
    """
    con.execute("DELETE FROM deals")
    con.execute(sql_text("current_deals_from_history"))
    return con.execute("SELECT count(*) FROM deals").fetchone()[0]
