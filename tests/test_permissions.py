"""Who may do what, as pure rules on people (pipeline/permissions.py). The write paths
enforce them (tests/test_deals.py, test_org.py, test_security.py check that)."""

from __future__ import annotations

import pytest

from pipeline import permissions
from pipeline.users import User


def person(id: int, role: str, team: int | None = None, *, path=(), manager=None, active=True):
    return User(id, f"P{id}", f"p{id}@example.com", role, team, manager, active, tuple(path))


REGION_MANAGER = person(1, "manager", 10, path=(10,))
TEAM_MANAGER = person(2, "manager", 1, path=(10, 1))
REP_A = person(3, "rep", 1, path=(10, 1), manager=2)
REP_B = person(4, "rep", 2, path=(10, 2), manager=1)
REP_C = person(5, "rep", 3, path=(11, 3))
ADMIN = person(6, "admin")
EXECUTIVE = person(7, "executive")


@pytest.mark.parametrize(
    ("actor", "owner", "allowed"),
    [
        (REP_A, REP_A, True),
        (REP_A, REP_B, False),
        (TEAM_MANAGER, REP_A, True),  # their team
        (TEAM_MANAGER, REP_B, False),  # a sibling team
        (REGION_MANAGER, REP_A, True),  # a team below their region
        (REGION_MANAGER, REP_B, True),
        (REGION_MANAGER, REP_C, False),  # another region
        (ADMIN, REP_C, True),
        (EXECUTIVE, REP_A, False),  # reads everything, edits nothing
        (person(8, "manager", None, manager=None), REP_C, False),  # a manager without team
        (person(9, "manager", 3, path=(11, 3)), person(10, "rep", None, manager=9), True),
    ],
)
def test_who_edits_whose_deals(actor, owner, allowed):
    assert permissions.can_edit_deals_of(actor, owner) is allowed


def test_nobody_disabled_edits_or_submits():
    for role in ("rep", "manager", "admin"):
        gone = person(20, role, 1, path=(10, 1), active=False)
        assert not permissions.can_edit_deals_of(gone, gone)
        assert not permissions.can_submit_forecast(gone)
        assert not permissions.can_reassign(gone)
    assert not permissions.manages_data(person(21, "admin", active=False))


def test_what_each_role_may_do():
    assert [permissions.works_deals(p) for p in (REP_A, TEAM_MANAGER, ADMIN, EXECUTIVE)] == [
        True, True, True, False,
    ]  # fmt: skip
    assert [permissions.can_reassign(p) for p in (REP_A, TEAM_MANAGER, ADMIN, EXECUTIVE)] == [
        False, True, True, False,
    ]  # fmt: skip
    assert [permissions.manages_data(p) for p in (REP_A, TEAM_MANAGER, ADMIN, EXECUTIVE)] == [
        False, False, True, False,
    ]  # fmt: skip
    assert permissions.can_submit_forecast(REP_A) and not permissions.can_submit_forecast(EXECUTIVE)


def test_each_persons_workspace():
    assert permissions.deal_scope(REP_A) == {"owner_id": 3, "team_id": None}
    assert permissions.deal_scope(REGION_MANAGER) == {"owner_id": None, "team_id": 10}
    assert permissions.deal_scope(ADMIN) == {"owner_id": None, "team_id": None}


def test_require_raises_with_the_message():
    permissions.require(True, "never shown")
    with pytest.raises(permissions.PermissionDenied, match="not yours"):
        permissions.require(False, "not yours")
