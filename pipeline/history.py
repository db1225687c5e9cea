"""Deal history: every version of every deal, and the current state derived from it."""

from __future__ import annotations

import duckdb

from pipeline import query


def rebuild_current_deals(con: duckdb.DuckDBPyConnection) -> int:
    """Replace the deals table with the current version of every deal in history.

    For bulk loads (the demo), inside the caller's transaction. Returns the number of
    deals.
    """
    con.execute("DELETE FROM deals")
    added = fill_current_deals(con)
    reset_clock(con)
    return added


ALL_IDS = (0, 2**63 - 1)


def fill_current_deals(con: duckdb.DuckDBPyConnection, ids: tuple[int, int] = ALL_IDS) -> int:
    """Add to the deals table the current version of every deal in history that it
    lacks (an import removes the deals it changed, then calls this), among deal ids
    ``ids`` (first, last): history is stored in id order, so a narrow range reads only
    the part of it that holds those deals. Returns the number of deals added."""
    first, last = ids
    added = query.execute(
        con, "history/current_deals_from_history", {"first": first, "last": last}
    ).fetchone()[0]
    refresh_facts(con, ids)
    return added


# The won_deals and open_deals copies of deals with ids in [$first, $last], by the
# status each copy holds: old rows out, the deals' current rows in (sorted, so each batch
# is stored in day order).
REFRESH_FACTS = {
    "won": (
        "DELETE FROM won_deals WHERE deal_id BETWEEN $first AND $last",
        """
        INSERT INTO won_deals
        SELECT id, owner_id, closed_at, amount
        FROM deals WHERE id BETWEEN $first AND $last AND status = 'won'
        ORDER BY closed_at
        """,
    ),
    "open": (
        "DELETE FROM open_deals WHERE deal_id BETWEEN $first AND $last",
        """
        INSERT INTO open_deals
        SELECT id, owner_id, stage_id, close_date, forecast_category, probability_override,
               amount
        FROM deals WHERE id BETWEEN $first AND $last AND status = 'open'
        ORDER BY close_date
        """,
    ),
}


# One deal's rows in the copies, from its values (see deals.write): old row out, and the
# new one in when the deal has the copy's status.
DEAL_FACTS = {
    "won": (
        "DELETE FROM won_deals WHERE deal_id = $id",
        "INSERT INTO won_deals VALUES ($id, $owner_id, $closed_at, $amount)",
        ("owner_id", "closed_at", "amount"),
    ),
    "open": (
        "DELETE FROM open_deals WHERE deal_id = $id",
        """
        INSERT INTO open_deals VALUES ($id, $owner_id, $stage_id, $close_date,
                                       $forecast_category, $probability_override, $amount)
        """,
        (
            "owner_id",
            "stage_id",
            "close_date",
            "forecast_category",
            "probability_override",
            "amount",
        ),
    ),
}


def refresh_deal_facts(con: duckdb.DuckDBPyConnection, deal: dict, *, was: str) -> None:
    """Bring the copies in line with one deal just written as ``deal`` (a deals row),
    whose status was ``was``: only the copies of those two statuses can hold it."""
    for status in sorted({was, deal["status"]} & set(DEAL_FACTS)):
        remove, add, fields = DEAL_FACTS[status]
        con.execute(remove, {"id": deal["id"]})
        if deal["status"] == status:
            con.execute(add, {"id": deal["id"], **{f: deal[f] for f in fields}})


def refresh_facts(con: duckdb.DuckDBPyConnection, ids: tuple[int, int]) -> None:
    """Bring won_deals and open_deals in line with the deals table for the deal ids in
    ``ids`` (first, last), after a bulk write in the same transaction (one deal's save
    uses refresh_deal_facts)."""
    first, last = ids
    for statements in REFRESH_FACTS.values():
        for statement in statements:
            con.execute(statement, {"first": first, "last": last})


def advance_clock(con: duckdb.DuckDBPyConnection, at) -> None:
    """Record in history_clock that a deal version starts at ``at``."""
    con.execute("INSERT INTO history_clock VALUES ($at)", {"at": at})


def reset_clock(con: duckdb.DuckDBPyConnection) -> None:
    """Start history_clock over from history itself, after bulk writes (demo, imports)."""
    con.execute("DELETE FROM history_clock")
    con.execute("INSERT INTO history_clock SELECT max(valid_from) FROM deal_history")
