"""Logging an activity (a call, e-mail, meeting, ...) against a deal."""

from __future__ import annotations

from datetime import datetime, time

import duckdb

from pipeline import db, deals, engine, users, validation

KINDS = ("call", "email", "meeting", "demo", "note", "task")
OUTCOMES = {
    "call": ("connected", "no answer", "left voicemail"),
    "email": ("sent", "replied"),
    "meeting": ("held", "no-show", "rescheduled"),
    "demo": ("held", "no-show"),
    "note": (),
    "task": ("done",),
}
MIDDAY = time(12)  # an activity logged for an earlier day is recorded at its midday

_INSERT = """
INSERT INTO activities
    (id, deal_id, account_id, owner_id, kind, outcome, note, done_at, created_at)
VALUES ($id, $deal_id, $account_id, $owner_id, $kind, $outcome, $note, $done_at, $created_at)
"""
# The deal's last touch and touch count (activities done while it was open) move on
# without a new deal version: logging an activity is not an edit of the deal, so a form
# someone has open on it stays valid.
_TOUCH = """
UPDATE deals SET last_activity_at = greatest(coalesce(last_activity_at, $done_at), $done_at),
    touches = coalesce(touches, 0)
        + CASE WHEN closed_at IS NULL OR $done_at <= closed_at THEN 1 ELSE 0 END
WHERE id = $deal_id
"""


def log(
    con: duckdb.DuckDBPyConnection,
    actor: users.User,
    deal_id: int,
    *,
    kind: str,
    outcome: str | None,
    on,
    note: str | None,
    now: datetime | None = None,
) -> int:
    """Record an activity done on day ``on`` and return its id. Raises DealGone,
    PermissionDenied or ValidationError; nothing is written then."""
    now = now or datetime.now()

    def work() -> int:
        deal = deals.load(con, deal_id)
        if deal is None:
            raise deals.DealGone(f"Deal {deal_id} no longer exists.")
        deals.require_can_edit(con, actor, deal)
        check = validation.Collector()
        check.take(validation.choice, kind, "Kind", KINDS)
        if outcome and kind in OUTCOMES:
            check.take(validation.choice, outcome, "Outcome", OUTCOMES[kind])
        day = check.take(validation.day, on, "Date")
        if day is None and not check.problems:
            check.add("Date", "is required")
        check.take(
            validation.within,
            day,
            "Date",
            earliest=deal["created_at"].date(),
            latest=now.date(),
            why="the deal was created",
        )
        text = check.take(validation.text, note, "Note", validation.NOTE_LIMIT)
        check.raise_if_any()
        done_at = now if day == now.date() else datetime.combine(day, MIDDAY)
        activity_id = engine.next_id(con, "activity_ids")
        params = {
            "id": activity_id,
            "deal_id": deal_id,
            "account_id": deal["account_id"],
            "owner_id": actor.id,
            "kind": kind,
            "outcome": outcome or None,
            "note": text,
            "done_at": done_at,
            "created_at": now,
        }
        con.execute(_INSERT, params)
        con.execute(_TOUCH, {"deal_id": deal_id, "done_at": done_at})
        db.record_change(
            con, "activity", user_id=actor.id, deal_id=deal_id, summary=f"Logged a {kind}", at=now
        )
        return activity_id

    return engine.transaction(con, work)
