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


def fill_current_deals(con: duckdb.DuckDBPyConnection) -> int:
    """Add to the deals table the current version of every deal in history that it
    lacks (an import removes the deals it changed, then calls this). Returns the
    number of deals added."""
    before = con.execute("SELECT count(*) FROM deals").fetchone()[0]
    con.execute(sql_text("current_deals_from_history"))
    return con.execute("SELECT count(*) FROM deals").fetchone()[0] - before
