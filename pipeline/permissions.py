"""Who may do what. Checked by the write path itself, so hiding a widget is never the
only guard.

- rep: edits their own deals, logs activities on them, submits their forecast call
- manager: the same for every deal owned by someone in their team's whole subtree (a
  region's manager: every team below it) or reporting to them
- executive: reads everything, edits nothing
- admin: everything
"""

from __future__ import annotations

from pipeline.users import User


class PermissionDenied(Exception):
    """The signed-in user may not make this change; nothing was written."""


def can_edit_deals_of(actor: User, owner: User | None) -> bool:
    if not actor.active:
        return False
    if actor.role == "admin":
        return True
    if owner is None:
        return False
    if actor.role == "rep":
        return owner.id == actor.id
    if actor.role == "manager":
        return (
            owner.id == actor.id
            or owner.manager_id == actor.id
            or (actor.team_id is not None and actor.team_id in owner.team_path)
        )
    return False


def can_submit_forecast(actor: User) -> bool:
    return actor.active and actor.role in ("rep", "manager", "admin")


def can_reassign(actor: User) -> bool:
    return actor.active and actor.role in ("manager", "admin")


def can_clean_out(actor: User) -> bool:
    """Closing or re-dating many dead deals at once is a manager's (or an admin's) job;
    each deal still needs can_edit_deals_of."""
    return actor.active and actor.role in ("manager", "admin")


def works_deals(actor: User) -> bool:
    """Whether the user has a deal workspace (My deals) at all."""
    return actor.role in ("rep", "manager", "admin")


def deal_scope(actor: User) -> dict:
    """Which deals the user's workspace lists: {'owner_id', 'team_id'} (None = any)."""
    if actor.role == "rep":
        return {"owner_id": actor.id, "team_id": None}
    if actor.role == "manager":  # the whole subtree of their team
        return {"owner_id": None, "team_id": actor.team_id}
    return {"owner_id": None, "team_id": None}


def manages_scope(
    con, actor: User, team_id: int | None = None, owner_id: int | None = None
) -> bool:
    """Whether a scope (a team's subtree, one person, or with neither the whole company)
    lies within what ``actor`` manages: everything for an admin, their team's subtree
    for a manager, themselves for a rep."""
    if actor.role == "admin":
        return True
    if owner_id is not None:
        owner = con.execute(
            "SELECT id, team_id, manager_id FROM users WHERE id = $id", {"id": owner_id}
        ).fetchone()
        if owner is None:
            return False
        inside = actor.team_id is not None and (
            team_within(con, owner[1], actor.team_id) or owner[2] == actor.id
        )
        return owner[0] == actor.id or (actor.role == "manager" and inside)
    if actor.role != "manager" or actor.team_id is None or team_id is None:
        return False
    return team_within(con, team_id, actor.team_id)


def team_within(con, team_id: int | None, ancestor_id: int) -> bool:
    """Whether team ``team_id`` is ``ancestor_id`` or below it."""
    if team_id is None:
        return False
    found = con.execute(
        "SELECT count(*) FROM team_ancestry() WHERE team_id = $team AND ancestor_id = $above",
        {"team": team_id, "above": ancestor_id},
    ).fetchone()[0]
    return found > 0


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def manages_data(actor: User) -> bool:
    """Imports, settings, quotas and full exports: admins only."""
    return actor.active and actor.role == "admin"
