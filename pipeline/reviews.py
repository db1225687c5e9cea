"""Pipeline reviews: who may run, read and act on them, saving one (its agenda with
notes and decisions, and its action items) in one transaction, marking an action item
done, and reading them back. Edits to deals during a review go through deals.save."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from pipeline import db, engine, permissions, query, users, validation

DEFAULT_WINDOW_DAYS = 7


@dataclass
class AgendaDeal:
    deal_id: int
    note: str | None = None
    decision: str | None = None


@dataclass
class ActionItem:
    text: str
    owner_id: int | None
    due: date | None
    deal_id: int | None = None


@dataclass
class Review:
    team_id: int | None
    owner_id: int | None
    window_start: datetime
    window_end: datetime
    quarter_start: date
    agenda: list[AgendaDeal] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    attendees: str | None = None
    notes: str | None = None


def may_run(con, actor: users.User, team_id: int | None, owner_id: int | None) -> bool:
    """A manager reviews the pipeline of their team (at any level below) or one of their
    reps; an admin any; a whole-company review is an admin's (or an executive reads it)."""
    if not actor.active or actor.role not in ("manager", "admin"):
        return False
    if actor.role == "admin":
        return True
    if team_id is None and owner_id is None:
        return False
    return permissions.manages_scope(con, actor, team_id=team_id, owner_id=owner_id)


def may_read(con, actor: users.User, review: dict) -> bool:
    """Executives and admins read every review; a manager those within their scope; a
    rep their own 1:1 reviews and the reviews that gave them an action item."""
    if actor.role in ("executive", "admin"):
        return True
    if actor.role == "manager":
        return may_run(con, actor, review["team_id"], review["owner_id"])
    if review["owner_id"] == actor.id:
        return True
    assigned = con.execute(
        "SELECT count(*) FROM review_items WHERE review_id = $id AND owner_id = $me",
        {"id": review["id"], "me": actor.id},
    ).fetchone()[0]
    return assigned > 0


def window_for(con, team_id, owner_id, now: datetime) -> tuple[datetime, datetime]:
    """Since the last review: from where the scope's latest saved review looked (the end
    of its window, so changes made during that meeting are seen again) to now; the last
    7 days when the scope has none."""
    previous = last_review(con, team_id, owner_id)
    last = previous["window_end"] if previous else None
    start = last if last is not None and last < now else now - timedelta(DEFAULT_WINDOW_DAYS)
    return start, now


def last_review(con, team_id, owner_id) -> dict | None:
    """The scope's latest saved review, or None for its first."""
    return db.dict_row(
        con,
        "SELECT * FROM reviews WHERE team_id IS NOT DISTINCT FROM $team "
        "AND owner_id IS NOT DISTINCT FROM $owner ORDER BY saved_at DESC, id DESC LIMIT 1",
        {"team": team_id, "owner": owner_id},
    )


def check_window(start: datetime, end: datetime, now: datetime) -> None:
    """A window runs forwards and not into the future; ValidationError says why not."""
    problems = []
    if end <= start:
        problems.append(validation.FieldError("Window", "its end is not after its start"))
    if end > now + timedelta(minutes=1):
        problems.append(
            validation.FieldError("Window", f"ends {end:%Y-%m-%d %H:%M}, which has not come yet")
        )
    if problems:
        raise validation.ValidationError(problems)


def save(con: duckdb.DuckDBPyConnection, actor: users.User, review: Review, *, now=None) -> int:
    """Store the review, its agenda deals and action items, in one transaction, logged
    in the change log. Returns the review's id. Raises PermissionDenied or
    ValidationError (naming the field); nothing is written then."""
    now = now or datetime.now()
    permissions.require(
        may_run(con, actor, review.team_id, review.owner_id),
        f"{actor.name} ({actor.role}) may not run a review of this pipeline.",
    )
    check = validation.Collector()
    text = lambda value, field, limit: check.take(validation.text, value, field, limit)  # noqa: E731
    attendees = text(review.attendees, "Attendees", validation.SHORT_TEXT_LIMIT)
    notes = text(review.notes, "Review notes", validation.NOTE_LIMIT)
    agenda = [
        (item.deal_id, text(item.note, f"Note on deal {item.deal_id}", validation.NOTE_LIMIT),
         text(item.decision, f"Decision on deal {item.deal_id}", validation.SHORT_TEXT_LIMIT))
        for item in review.agenda
    ]  # fmt: skip
    actions = []
    for number, item in enumerate(review.actions, start=1):
        label = f"Action item {number}"
        what = text(item.text, label, validation.SHORT_TEXT_LIMIT)
        if what is None:
            check.add(label, "says nothing to do")
        owner = users.get(con, item.owner_id) if item.owner_id is not None else None
        if item.owner_id is not None and (owner is None or not owner.active):
            check.add(label, "its owner is not an active person here")
        due = check.take(validation.day, item.due, f"{label}, due date")
        actions.append((what, item.owner_id, due, item.deal_id))
    check.raise_if_any()
    check_window(review.window_start, review.window_end, now)

    def work() -> int:
        review_id = engine.next_id(con, "review_ids")
        con.execute(
            "INSERT INTO reviews (id, team_id, owner_id, review_date, created_by, notes, "
            "window_start, window_end, quarter_start, attendees, saved_at) VALUES ($id, $team, "
            "$owner, $day, $actor, $notes, $start, $end, $quarter, $attendees, $now)",
            {"id": review_id, "team": review.team_id, "owner": review.owner_id, "day": now.date(),
             "actor": actor.id, "notes": notes, "start": review.window_start,
             "end": review.window_end, "quarter": review.quarter_start,
             "attendees": attendees, "now": now},
        )  # fmt: skip
        for position, (deal_id, note, decision) in enumerate(agenda, start=1):
            con.execute(
                "INSERT INTO review_items (review_id, kind, position, deal_id, note, decision) "
                "VALUES ($review, 'deal', $position, $deal, $note, $decision)",
                {"review": review_id, "position": position, "deal": deal_id, "note": note,
                 "decision": decision},
            )  # fmt: skip
        for what, owner_id, due, deal_id in actions:
            con.execute(
                "INSERT INTO review_items (review_id, kind, deal_id, action_item, owner_id, "
                "due_date) VALUES ($review, 'action', $deal, $what, $owner, $due)",
                {"review": review_id, "deal": deal_id, "what": what, "owner": owner_id,
                 "due": due},
            )  # fmt: skip
        db.record_change(
            con, "review", user_id=actor.id,
            summary=f"Review saved: {len(agenda)} deals, {len(actions)} action items", at=now,
        )  # fmt: skip
        return review_id

    return engine.transaction(con, work)


ACTION_ITEM = (
    "SELECT item.id, item.owner_id, item.done_at, review.team_id, review.owner_id AS "
    "review_owner, review.created_by FROM review_items AS item JOIN reviews AS review "
    "ON review.id = item.review_id WHERE item.id = $id AND item.kind = 'action'"
)


def may_mark_done(con, actor: users.User, item: dict) -> bool:
    """An action item is marked done by its owner, whoever ran its review, a manager of
    the review's scope, or an admin. ``item``: a row of ``open_actions`` or ``items_of``
    with the review's team_id, owner_id and created_by."""
    return actor.active and (
        actor.role == "admin"
        or item["owner_id"] == actor.id
        or item["created_by"] == actor.id
        or may_run(con, actor, item["team_id"], item["review_owner"])
    )


def mark_done(con: duckdb.DuckDBPyConnection, actor: users.User, item_id: int, *, now=None) -> bool:
    """Mark an action item done. Returns False when it was done already; raises
    PermissionDenied for someone who may not, ValidationError for no such item."""
    now = now or datetime.now()

    def work() -> bool:
        found = db.dict_row(con, ACTION_ITEM, {"id": item_id})
        if found is None:
            raise validation.ValidationError(
                [validation.FieldError("Action item", f"{item_id} does not exist")]
            )
        permissions.require(
            may_mark_done(con, actor, found), f"{actor.name} may not mark this action item done."
        )
        if found["done_at"] is not None:
            return False
        con.execute(
            "UPDATE review_items SET done_at = $now, done_by = $actor WHERE id = $id",
            {"now": now, "actor": actor.id, "id": item_id},
        )
        db.record_change(con, "review", user_id=actor.id, summary="Action item done", at=now)
        return True

    return engine.transaction(con, work)


def reviews_of(con, team_id: int | None, owner_id: int | None) -> pd.DataFrame:
    return query.frame(con, "review/reviews_of_scope", team_id=team_id, owner_id=owner_id)


def items_of(con, review_id: int) -> pd.DataFrame:
    return query.frame(con, "review/items_of_review", review_id=review_id)


def open_actions(con, team_id=None, owner_id=None, assignee=None) -> pd.DataFrame:
    return query.frame(
        con, "review/open_action_items", team_id=team_id, owner_id=owner_id, assignee=assignee
    )


def agenda_deals(con, deal_ids: list[int]) -> pd.DataFrame:
    """The agenda's deals (current state, names), in the agenda's order; deals deleted
    since it was made are left out."""
    found = query.frame(con, "review/agenda_deals", deal_ids=list(deal_ids))
    order = {deal_id: position for position, deal_id in enumerate(deal_ids)}
    found["position"] = [order[int(i)] for i in found["id"]]
    return found.sort_values("position").drop(columns="position").reset_index(drop=True)


def get(con, review_id: int) -> dict | None:
    return db.dict_row(con, "SELECT * FROM reviews WHERE id = $id", {"id": review_id})


def readable(con, actor: users.User, review_id: int) -> dict:
    """A saved review the person may read; PermissionDenied or ValidationError if not."""
    found = get(con, review_id)
    if found is None:
        raise validation.ValidationError(
            [validation.FieldError("Review", f"{review_id} does not exist")]
        )
    permissions.require(may_read(con, actor, found), f"{actor.name} may not read this review.")
    return found
