"""Open deals that an import's files no longer held: listed until an admin closes them
as lost or keeps them open. A deal is never closed just because an export lacked it:
an export may have been filtered, or the deal moved to another system."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from pipeline import db, deals, engine, permissions, users


def awaiting(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Open deals missing from an import and not yet kept, oldest import first."""
    return con.execute(
        "SELECT d.id, d.external_id, d.name, u.name AS owner, s.name AS stage, d.amount, "
        "d.close_date, i.finished_at AS missing_since, i.files AS import_files "
        "FROM missing_deals AS m JOIN deals AS d ON d.id = m.deal_id "
        "JOIN imports AS i ON i.id = m.import_id "
        "LEFT JOIN users AS u ON u.id = d.owner_id LEFT JOIN stages AS s ON s.id = d.stage_id "
        "WHERE m.kept_at IS NULL AND d.status = 'open' "
        "ORDER BY i.id, d.external_id"
    ).df()


def close(
    con: duckdb.DuckDBPyConnection,
    actor: users.User,
    deal_ids: list[int],
    *,
    now: datetime | None = None,
) -> int:
    """Close the given missing deals as lost, in one transaction; returns how many
    closed (a deal someone closed meanwhile is left as it is)."""
    permissions.require(permissions.manages_data(actor), "Only an admin can close these deals.")
    at = now or datetime.now()

    def work() -> int:
        closed_by_import: dict[int, int] = {}
        for deal_id, import_id, finished in listed(con, deal_ids):
            reason = f"Not in the CRM export imported on {finished:%Y-%m-%d}"
            if deals.close_as_lost(con, actor, deal_id, reason, at):
                closed_by_import[import_id] = closed_by_import.get(import_id, 0) + 1
        con.execute(
            "DELETE FROM missing_deals WHERE list_contains($ids, deal_id)", {"ids": deal_ids}
        )
        for import_id, count in closed_by_import.items():
            con.execute(
                "UPDATE imports SET deals_closed_missing = deals_closed_missing + $count "
                "WHERE id = $id",
                {"count": count, "id": import_id},
            )
        closed = sum(closed_by_import.values())
        if closed:
            db.record_change(
                con,
                "deal",
                user_id=actor.id,
                summary=f"Closed {closed} deals missing from an import as lost",
                at=at,
            )
        return closed

    return engine.transaction(con, work)


def keep(con: duckdb.DuckDBPyConnection, actor: users.User, deal_ids: list[int]) -> int:
    """Keep the given missing deals open: they leave the list (a later import that
    lacks them does not list them again). Returns how many were kept."""
    permissions.require(permissions.manages_data(actor), "Only an admin can keep these deals.")

    def work() -> int:
        kept = con.execute(
            "UPDATE missing_deals SET kept_at = $at, kept_by = $actor "
            "WHERE list_contains($ids, deal_id) AND kept_at IS NULL",
            {"at": datetime.now(), "actor": actor.id, "ids": deal_ids},
        ).fetchone()[0]
        if kept:
            db.record_change(
                con,
                "missing_deals",
                user_id=actor.id,
                summary=f"Kept {kept} deals missing from an import open",
            )
        return kept

    return engine.transaction(con, work)


def listed(con: duckdb.DuckDBPyConnection, deal_ids: list[int]) -> list[tuple]:
    """(deal id, import id, when the import finished) for those of ``deal_ids`` still
    awaiting a decision."""
    return con.execute(
        "SELECT m.deal_id, m.import_id, i.finished_at FROM missing_deals AS m "
        "JOIN imports AS i ON i.id = m.import_id "
        "WHERE list_contains($ids, m.deal_id) AND m.kept_at IS NULL ORDER BY m.deal_id",
        {"ids": deal_ids},
    ).fetchall()
