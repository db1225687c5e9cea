"""The write path for deals: the only code that changes a deal.

A save is validated field by field, permission-checked against the signed-in user, and
guarded by the deal's version: the form sends the version it read, and if anyone saved
the deal since, the save is refused with who changed what and when (nothing is silently
overwritten). Otherwise one transaction updates the current row, closes the open
history version and opens the next one, and appends to the change log (which moves the
data version on, so every page and session sees the change on its next run).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from pipeline import db, engine, history, permissions, qualification, users, validation
from pipeline.formatting import money

# Fields a person may change, with the label their messages use.
EDITABLE = {
    "name": "Deal name",
    "stage_id": "Stage",
    "amount": "Amount",
    "close_date": "Close date",
    "probability_override": "Probability override",
    "forecast_category": "Forecast category",
    "next_step": "Next step",
    "next_step_due": "Next step due",
    "obstacle": "Obstacle",
    "notes": "Notes",
    "lost_reason": "Lost reason",
    "owner_id": "Owner",
    "qualification": "Qualification",
    "cost": "Cost",
}
# What a history timeline or a conflict reports as changed between two versions.
TRACKED = {**EDITABLE, "status": "Status"}
OPEN_FORECAST_CATEGORIES = ("Pipeline", "Best Case", "Commit", "Omitted")


class DealGone(Exception):
    """The deal no longer exists."""


@dataclass(frozen=True)
class Difference:
    field: str  # label, e.g. "Amount"
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.field}: {self.before} → {self.after}"


class Conflict(Exception):
    """Someone saved the deal after this form read it; nothing was written."""

    def __init__(self, who: str, when: datetime, differences: list[Difference]):
        self.who, self.when, self.differences = who, when, differences
        what = "; ".join(map(str, differences)) or "no visible fields"
        super().__init__(
            f"This deal was changed by {who} at {when:%Y-%m-%d %H:%M} since you opened it "
            f"({what}). Nothing was saved: reload the deal and make your change again."
        )


@dataclass(frozen=True)
class Saved:
    deal_id: int
    version: int
    changed: list[str]  # labels of the fields that changed; empty when nothing did


TICK = timedelta(microseconds=1)


def stamp(now: datetime | None, after: datetime | None) -> datetime:
    """The time to record a change at: now, but always after the previous version's
    start, so versions stay strictly ordered even within one clock tick."""
    moment = now or datetime.now()
    if after is not None and moment <= after:
        moment = after + TICK
    return moment


def load(con: duckdb.DuckDBPyConnection, deal_id: int) -> dict | None:
    """The deal's current row as a dict, or None."""
    return db.dict_row(con, "SELECT * FROM deals WHERE id = $id", {"id": deal_id})


def version_row(con: duckdb.DuckDBPyConnection, deal_id: int, version: int) -> dict | None:
    return db.dict_row(
        con,
        "SELECT * FROM deal_history WHERE deal_id = $id AND version = $version",
        {"id": deal_id, "version": version},
    )


def stage(con: duckdb.DuckDBPyConnection, stage_id) -> dict | None:
    return db.dict_row(con, "SELECT * FROM stages WHERE id = $id", {"id": stage_id})


def save(
    con: duckdb.DuckDBPyConnection,
    actor: users.User,
    deal_id: int,
    expected_version: int,
    changes: dict,
    *,
    now: datetime | None = None,
) -> Saved:
    """Apply ``changes`` ({field: value as typed or chosen}) to the deal, provided it is
    still at ``expected_version``. Raises DealGone, Conflict, PermissionDenied,
    ValidationError or engine.Busy; in each case nothing was written."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")

    def work() -> Saved:
        current = load(con, deal_id)
        if current is None:
            raise DealGone(f"Deal {deal_id} no longer exists; it was removed since you opened it.")
        if current["version"] != expected_version:
            opened = version_row(con, deal_id, expected_version) or current
            require_can_edit(con, actor, opened)
            raise conflict(con, opened, current)
        require_can_edit(con, actor, current)
        at = stamp(now, current["updated_at"])
        updated = apply(con, actor, current, changes, at)
        changed = [TRACKED[f] for f in TRACKED if updated[f] != current[f]]
        if not changed:
            return Saved(deal_id, current["version"], [])
        write(con, actor, updated, at, was=current["status"])
        db.record_change(
            con, "deal", user_id=actor.id, deal_id=deal_id, summary=", ".join(changed), at=at
        )
        return Saved(deal_id, current["version"] + 1, changed)

    return engine.transaction(con, work)


def close_as_lost(
    con: duckdb.DuckDBPyConnection, actor: users.User, deal_id: int, reason: str, at: datetime
) -> bool:
    """Inside the caller's transaction: move an open deal to its pipeline's lost stage
    with ``reason``, through the same checks and history as a save. Returns False when
    the deal is gone or no longer open (someone closed it meanwhile)."""
    current = load(con, deal_id)
    if current is None or current["status"] != "open":
        return False
    require_can_edit(con, actor, current)
    lost = con.execute(
        "SELECT lost.id FROM stages AS lost JOIN stages AS now ON now.pipeline = lost.pipeline "
        "WHERE now.id = $stage AND lost.is_closed AND NOT lost.is_won "
        "ORDER BY lost.position LIMIT 1",
        {"stage": current["stage_id"]},
    ).fetchone()
    if lost is None:
        raise validation.ValidationError(
            [validation.FieldError("Stage", f"{current['name']}'s pipeline has no lost stage")]
        )
    when = stamp(at, current["updated_at"])
    updated = apply(con, actor, current, {"stage_id": lost[0], "lost_reason": reason}, when)
    write(con, actor, updated, when, was=current["status"])
    return True


def require_can_edit(con: duckdb.DuckDBPyConnection, actor: users.User, deal: dict) -> None:
    owner = users.get(con, deal["owner_id"])
    owner_name = owner.name if owner else "nobody"
    permissions.require(
        permissions.can_edit_deals_of(actor, owner),
        f"{actor.name} ({actor.role}) may not edit deals owned by {owner_name}.",
    )


def apply(
    con: duckdb.DuckDBPyConnection, actor: users.User, current: dict, changes: dict, at: datetime
) -> dict:
    """The deal's new row: typed values parsed and checked, then the fields that follow
    from them (status, closing time, time in stage, push count) derived."""
    check = validation.Collector()
    new = dict(current)
    created = current["created_at"].date()
    latest = validation.horizon(at.date())
    if "name" in changes:
        problems = len(check.problems)
        new["name"] = check.take(validation.text, changes["name"], "Deal name", 200)
        if new["name"] is None and len(check.problems) == problems:
            check.add("Deal name", "is required")
    if "amount" in changes:
        new["amount"] = check.take(
            validation.amount, changes["amount"], "Amount", current["currency"]
        )
    if "cost" in changes:
        new["cost"] = check.take(validation.amount, changes["cost"], "Cost", current["currency"])
    if "qualification" in changes:
        new["qualification"] = check.take(criteria_met, changes["qualification"])
    for field, limit in (
        ("next_step", validation.SHORT_TEXT_LIMIT),
        ("obstacle", validation.SHORT_TEXT_LIMIT),
        ("lost_reason", validation.SHORT_TEXT_LIMIT),
        ("notes", validation.NOTE_LIMIT),
    ):
        if field in changes:
            new[field] = check.take(validation.text, changes[field], EDITABLE[field], limit)
    for field in ("close_date", "next_step_due"):
        if field in changes:
            new[field] = check.take(validation.day, changes[field], EDITABLE[field])
            if new[field] != current[field]:  # a date imported as it was stays editable
                check.take(
                    validation.within,
                    new[field],
                    EDITABLE[field],
                    earliest=created,
                    latest=latest,
                    why="the deal was created",
                )
    if "probability_override" in changes:
        new["probability_override"] = check.take(
            validation.percent, changes["probability_override"], "Probability override"
        )
    if "forecast_category" in changes:
        new["forecast_category"] = check.take(
            validation.choice,
            changes["forecast_category"],
            "Forecast category",
            OPEN_FORECAST_CATEGORIES,
        )
    if "owner_id" in changes and changes["owner_id"] != current["owner_id"]:
        owner_id = check.take(validation.whole_number, changes["owner_id"], "Owner")
        if owner_id is not None:
            new["owner_id"] = check_new_owner(con, actor, owner_id, check)
    target = current_stage = stage(con, current["stage_id"])
    if "stage_id" in changes:
        stage_id = check.take(validation.whole_number, changes["stage_id"], "Stage")
        target = None if stage_id is None else stage(con, stage_id)
        if target is None or target["pipeline"] != current_stage["pipeline"]:
            if stage_id is not None:
                check.add("Stage", f"{changes['stage_id']!r} is not a stage of this pipeline")
            target = current_stage
    check.raise_if_any()
    derive(new, current, target, at, check)
    needs_amount(con, new, current, target, check)
    check.raise_if_any()
    return new


def criteria_met(value) -> str | None:
    try:
        return qualification.parse(value)
    except ValueError as exc:
        raise validation.FieldError(EDITABLE["qualification"], str(exc)) from None


def needs_amount(con, new: dict, current: dict, target: dict, check) -> None:
    """The stated rule: an open deal past its pipeline's first stage has an amount (a
    prospect may not have one yet). Checked when the save blanks the amount or moves a
    deal without one on; a deal imported without one stays editable otherwise."""
    if new["status"] != "open" or new["amount"] is not None:
        return
    if current["amount"] is None and new["stage_id"] == current["stage_id"]:
        return
    first = con.execute(
        "SELECT min(position) FROM stages WHERE pipeline = $pipeline",
        {"pipeline": target["pipeline"]},
    ).fetchone()[0]
    if target["position"] > first:
        check.add("Amount", f"is required for an open deal in {target['name']} (only a deal "
                  "in the pipeline's first stage may have none yet)")  # fmt: skip


def check_new_owner(
    con: duckdb.DuckDBPyConnection, actor: users.User, owner_id, check: validation.Collector
):
    if not permissions.can_reassign(actor):
        check.add("Owner", f"{actor.a_role} cannot reassign deals")
        return None
    owner = users.get(con, owner_id)
    if owner is None or not owner.active or owner.role not in users.DEAL_OWNER_ROLES:
        check.add("Owner", f"{owner_id!r} is not an active rep or manager")
        return None
    if not permissions.can_edit_deals_of(actor, owner):
        check.add("Owner", f"{owner.name} is not on your team")
        return None
    return owner.id


def derive(new: dict, current: dict, target: dict, at: datetime, check) -> None:
    """Fields that follow from the edit, and the rules that span several fields."""
    status = "won" if target["is_won"] else ("lost" if target["is_closed"] else "open")
    new["stage_id"], new["status"] = target["id"], status
    if new["stage_id"] != current["stage_id"]:
        new["stage_entered_at"] = at
    if status != "open" and current["status"] == "open":  # closing now
        new["closed_at"] = at
        new["forecast_category"] = None  # the closed stage's own category applies
        if new["close_date"] == current["close_date"]:
            new["close_date"] = at.date()
    if status == "open" and current["status"] != "open":  # reopened
        new["closed_at"] = None
        new["forecast_category"] = None
    if status == "lost":
        if not new["lost_reason"]:
            check.add("Lost reason", "is required when a deal is lost")
    else:
        new["lost_reason"] = None
    if status != "open" and new["close_date"] and new["close_date"] > at.date():
        check.add("Close date", "a closed deal cannot close in the future")
    if status == "open" and current["status"] == "open":
        moved_later = (
            new["close_date"] is not None
            and current["close_date"] is not None
            and new["close_date"] > current["close_date"]
        )
        new["push_count"] = current["push_count"] + int(moved_later)


_UPDATE = """
UPDATE deals SET
    name = $name, owner_id = $owner_id, stage_id = $stage_id, status = $status,
    amount = $amount, probability_override = $probability_override,
    forecast_category = $forecast_category, close_date = $close_date,
    closed_at = $closed_at, lost_reason = $lost_reason, next_step = $next_step,
    next_step_due = $next_step_due, obstacle = $obstacle, notes = $notes,
    qualification = $qualification, cost = $cost,
    stage_entered_at = $stage_entered_at, push_count = $push_count,
    updated_at = $at, updated_by = $actor, version = version + 1
WHERE id = $id AND version = $version
"""
_CLOSE_VERSION = """
UPDATE deal_history SET valid_to = $at WHERE deal_id = $id AND version = $version
"""
# The new version from the values just written: reading them back from the deals table,
# updated earlier in the same transaction, costs more than the rest of the save.
_OPEN_VERSION = """
INSERT INTO deal_history BY NAME
SELECT
    $id AS deal_id, $version + 1 AS version, $at AS valid_from, $actor AS changed_by,
    'edit' AS change_source, $external_id AS external_id, $name AS name,
    $account_id AS account_id, $owner_id AS owner_id, $stage_id AS stage_id,
    $status AS status, $amount AS amount, $currency AS currency,
    $probability_override AS probability_override, $forecast_category AS forecast_category,
    $deal_type AS deal_type, $source AS source, $created_at AS created_at,
    $close_date AS close_date, $closed_at AS closed_at, $lost_reason AS lost_reason,
    $next_step AS next_step, $next_step_due AS next_step_due, $obstacle AS obstacle,
    $notes AS notes, $qualification AS qualification, $cost AS cost
"""
# The fields of a deals row that history does not hold; every other one is versioned.
_UNVERSIONED = {
    "id",
    "version",
    "last_activity_at",
    "touches",
    "stage_entered_at",
    "push_count",
    "updated_at",
    "updated_by",
}
_WRITTEN = [
    "name",
    "owner_id",
    "stage_id",
    "status",
    "amount",
    "probability_override",
    "forecast_category",
    "close_date",
    "closed_at",
    "lost_reason",
    "next_step",
    "next_step_due",
    "obstacle",
    "notes",
    "qualification",
    "cost",
    "stage_entered_at",
    "push_count",
]


def write(
    con: duckdb.DuckDBPyConnection, actor: users.User, new: dict, at: datetime, *, was: str
) -> None:
    """Write ``new`` as the deal's next version; ``was``: its status before."""
    key = {"id": new["id"], "version": new["version"]}
    con.execute(_UPDATE, {**{f: new[f] for f in _WRITTEN}, **key, "at": at, "actor": actor.id})
    con.execute(_CLOSE_VERSION, {**key, "at": at})
    versioned = {f: value for f, value in new.items() if f not in _UNVERSIONED}
    con.execute(_OPEN_VERSION, {**versioned, **key, "at": at, "actor": actor.id})
    history.advance_clock(con, at)
    history.refresh_deal_facts(con, new, was=was)


def conflict(con: duckdb.DuckDBPyConnection, opened: dict, current: dict) -> Conflict:
    editor = users.get(con, current["updated_by"])
    who = editor.name if editor else "an import"
    return Conflict(who, current["updated_at"], differences(con, opened, current))


def differences(con: duckdb.DuckDBPyConnection, before: dict, after: dict) -> list[Difference]:
    """What changed between two versions of a deal, in words."""
    return [
        Difference(label, describe(con, field, before), describe(con, field, after))
        for field, label in TRACKED.items()
        if before.get(field) != after.get(field)
    ]


def describe(con: duckdb.DuckDBPyConnection, field: str, row: dict) -> str:
    value = row.get(field)
    if value is None:
        return "—"
    if field == "stage_id":
        found = stage(con, value)
        return found["name"] if found else f"stage {value}"
    if field == "owner_id":
        owner = users.get(con, value)
        return owner.name if owner else f"user {value}"
    if field in ("amount", "cost"):
        return money(value, row.get("currency") or "USD")
    if field == "qualification":
        return qualification.describe(value)
    if field == "probability_override":
        return f"{value * 100:g}%"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)
