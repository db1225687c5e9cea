"""given(...): a database file built from a few rows a test spells out, dbt-style (given
these rows, expect those figures), instead of growing the shared tiny.sql and shifting
its totals.

Stages are the demo's eight (Prospecting 5% ... Negotiation 80%, Closed Won, Closed
Lost), by name. A deal is a list of versions; each version names its stage and what
changed, and the versions follow each other (valid_to is the next one's valid_from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from pipeline import db, demo, history

STAGES = {name: position for position, name, *_ in demo.DEFAULT_STAGES}


@dataclass
class Version:
    at: datetime
    stage: str
    amount: Decimal | str | None = None  # None: as the version before
    close_date: date | None = None  # None: as the version before
    owner_id: int | None = None  # None: as the version before
    probability_override: Decimal | str | None = None
    forecast_category: str | None = None
    lost_reason: str | None = None
    next_step: str | None = None


@dataclass
class Deal:
    id: int
    owner_id: int
    name: str
    versions: list[Version]
    account_id: int | None = None
    deal_type: str = "new"
    source: str | None = None
    qualification: str | None = None  # as stored: "budget,authority"; on every version
    cost: str | None = None  # on every version


def given(
    path: Path,
    *,
    teams: list[dict] = (),
    users: list[dict] = (),
    accounts: list[dict] = (),
    deals: list[Deal] = (),
    quotas: list[dict] = (),
    activities: list[dict] = (),
    settings: dict | None = None,
) -> Path:
    """Write these rows into a new database at ``path`` (through the real schema, the
    real history rebuild and the real won/open copies) and return the path."""
    con = db.connect(path)
    try:
        con.execute("BEGIN TRANSACTION")
        for position, name, probability, category, *_ in demo.DEFAULT_STAGES:
            con.execute(
                "INSERT INTO stages (id, position, name, probability, forecast_category, "
                "is_closed, is_won) VALUES ($id, $id, $name, $probability, $category, "
                "$closed, $won)",
                {
                    "id": position,
                    "name": name,
                    "probability": probability,
                    "category": category,
                    "closed": position >= demo.WON_STAGE,
                    "won": position == demo.WON_STAGE,
                },
            )
        insert(con, "teams", teams, ("id", "name", "parent_id", "manager_id"))
        people = [
            {"email": f"{row['name'].lower().replace(' ', '.')}@example.com", **row}
            for row in users
        ]
        insert(con, "users", people, ("id", "name", "email", "role", "team_id", "manager_id"))
        insert(con, "accounts", accounts, ("id", "name", "segment", "is_customer"))
        insert(con, "quotas", quotas, ("user_id", "team_id", "month", "amount"))
        insert(
            con,
            "activities",
            [{"created_at": row.get("done_at"), **row} for row in activities],
            ("id", "deal_id", "owner_id", "kind", "outcome", "done_at", "created_at"),
        )
        insert(con, "deal_history", history_rows(deals), HISTORY_COLUMNS)
        history.rebuild_current_deals(con)
        db.advance_sequences(con)
        for key, value in (settings or {}).items():
            db.set_setting(con, key, str(value))
        con.execute("COMMIT")
    finally:
        con.close()
    return path


HISTORY_COLUMNS = (
    "deal_id", "version", "valid_from", "valid_to", "change_source", "name", "account_id",
    "owner_id", "stage_id", "status", "amount", "probability_override", "forecast_category",
    "deal_type", "source", "created_at", "close_date", "closed_at", "lost_reason", "next_step",
    "qualification", "cost",
)  # fmt: skip


def history_rows(deals: list[Deal]) -> list[dict]:
    rows = []
    for deal in deals:
        state = {"amount": None, "close_date": None, "owner_id": deal.owner_id}
        created = deal.versions[0].at
        for number, version in enumerate(deal.versions, start=1):
            for name in ("amount", "close_date", "owner_id"):
                value = getattr(version, name)
                if value is not None:
                    state[name] = Decimal(value) if name == "amount" else value
            stage = STAGES[version.stage]
            status = (
                "won" if stage == demo.WON_STAGE else "lost" if stage > demo.WON_STAGE else "open"
            )
            following = deal.versions[number] if number < len(deal.versions) else None
            rows.append(
                {
                    "deal_id": deal.id,
                    "version": number,
                    "valid_from": version.at,
                    "valid_to": following.at if following else None,
                    "change_source": "demo",
                    "name": deal.name,
                    "account_id": deal.account_id,
                    "owner_id": state["owner_id"],
                    "stage_id": stage,
                    "status": status,
                    "amount": state["amount"],
                    "probability_override": version.probability_override,
                    "forecast_category": version.forecast_category,
                    "deal_type": deal.deal_type,
                    "source": deal.source,
                    "created_at": created,
                    "close_date": state["close_date"],
                    "closed_at": version.at if status != "open" else None,
                    "lost_reason": version.lost_reason,
                    "next_step": version.next_step,
                    "qualification": deal.qualification,
                    "cost": None if deal.cost is None else Decimal(deal.cost),
                }
            )
    return rows


def insert(con, table: str, rows: list[dict], columns: tuple[str, ...]) -> None:
    """Insert rows into ``table`` (one of the given tables: a constant statement each)."""
    if not rows:
        return
    columns = [c for c in columns if any(c in row for row in rows)]  # others: defaults
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    frame = frame.astype(object).where(frame.notna(), None)
    db.execute_with_frame(con, frame, INSERTS[table])


INSERTS = {
    "teams": "INSERT INTO teams BY NAME SELECT * FROM frame_rows",
    "users": "INSERT INTO users BY NAME SELECT * FROM frame_rows",
    "accounts": "INSERT INTO accounts BY NAME SELECT * FROM frame_rows WHERE name IS NOT NULL",
    "quotas": "INSERT INTO quotas BY NAME SELECT * FROM frame_rows",
    "activities": "INSERT INTO activities BY NAME SELECT * FROM frame_rows",
    "deal_history": "INSERT INTO deal_history BY NAME SELECT * FROM frame_rows",
}
