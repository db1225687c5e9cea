"""Cleaning out dead deals in bulk: close them as lost with a reason, or move their close
date. All or nothing in one transaction; each deal goes through the deal form's checks
(permission, validation, derived fields) and is saved as a new version, with a change-log
row of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from pipeline import db, deals, engine, permissions, users, validation


@dataclass(frozen=True)
class Cleaned:
    deal_id: int
    name: str
    version: int  # the new version


def close_as_lost(
    con: duckdb.DuckDBPyConnection,
    actor: users.User,
    versions: dict[int, int],
    reason: str,
    *,
    now: datetime | None = None,
) -> list[Cleaned]:
    """Close every deal of ``versions`` ({deal id: the version shown}) as lost with
    ``reason``. Raises PermissionDenied, ValidationError, DealGone or Conflict (a deal
    changed since it was listed); then nothing was written."""
    check = validation.Collector()
    text = check.take(validation.text, reason, "Lost reason", validation.SHORT_TEXT_LIMIT)
    if text is None and not check.problems:
        check.add("Lost reason", "is required to close deals as lost")
    check.raise_if_any()
    return each_deal(con, actor, versions, {"lost": text}, f"Closed as lost: {text}", now)


def push(
    con: duckdb.DuckDBPyConnection,
    actor: users.User,
    versions: dict[int, int],
    close_date: date,
    *,
    now: datetime | None = None,
) -> list[Cleaned]:
    """Move the close date of every deal of ``versions`` to ``close_date`` (today or
    later). Raises as close_as_lost does."""
    now = now or datetime.now()
    check = validation.Collector()
    day = check.take(validation.day, close_date, "New close date")
    if day is None and not check.problems:
        check.add("New close date", "is required")
    elif day is not None and day < now.date():
        check.add("New close date", f"{day:%Y-%m-%d} has passed; a dead deal moves forward")
    check.raise_if_any()
    return each_deal(con, actor, versions, {"close_date": day}, f"Close date to {day}", now)


def each_deal(con, actor, versions: dict[int, int], change: dict, summary: str, now):
    now = now or datetime.now()
    permissions.require(
        permissions.can_clean_out(actor), f"{actor.name} ({actor.role}) may not clean out deals."
    )
    if not versions:
        raise validation.ValidationError([validation.FieldError("Deals", "none were chosen")])

    def work() -> list[Cleaned]:
        cleaned = []
        for deal_id, version in versions.items():
            current = deals.load(con, deal_id)
            if current is None:
                raise deals.DealGone(f"Deal {deal_id} no longer exists; nothing was changed.")
            if current["version"] != version:
                opened = deals.version_row(con, deal_id, version) or current
                raise deals.conflict(con, opened, current)
            if current["status"] != "open":
                raise validation.ValidationError(
                    [validation.FieldError(current["name"], "is no longer open")]
                )
            at = deals.stamp(now, current["updated_at"])
            if "lost" in change:
                deals.close_as_lost(con, actor, deal_id, change["lost"], at)
            else:
                deals.require_can_edit(con, actor, current)
                updated = deals.apply(con, actor, current, change, at)
                deals.write(con, actor, updated, at, was=current["status"])
            db.record_change(con, "deal", user_id=actor.id, deal_id=deal_id,
                             summary=f"Clean-out: {summary}", at=at)  # fmt: skip
            cleaned.append(Cleaned(deal_id, current["name"], version + 1))
        return cleaned

    return engine.transaction(con, work)
