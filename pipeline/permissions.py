"""Who may do what. Checked by the write path itself, so hiding a widget is never the
only guard.

- rep: edits their own deals, logs activities on them, submits their forecast call
- manager: the same for every deal owned by someone on their team (or reporting to them)
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
            or (actor.team_id is not None and owner.team_id == actor.team_id)
        )
    return False


def can_submit_forecast(actor: User) -> bool:
    return actor.active and actor.role in ("rep", "manager", "admin")


def can_reassign(actor: User) -> bool:
    return actor.active and actor.role in ("manager", "admin")


def works_deals(actor: User) -> bool:
    """Whether the user has a deal workspace (My deals) at all."""
    return actor.role in ("rep", "manager", "admin")


def deal_scope(actor: User) -> dict:
    """Which deals the user's workspace lists: {'owner_id', 'team_id'} (None = any)."""
    if actor.role == "rep":
        return {"owner_id": actor.id, "team_id": None}
    if actor.role == "manager":
        return {"owner_id": None, "team_id": actor.team_id}
    return {"owner_id": None, "team_id": None}


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def manages_data(actor: User) -> bool:
    """Imports, settings, quotas and full exports: admins only."""
    return actor.active and actor.role == "admin"
