"""Users, passwords and the sign-in mode."""

from __future__ import annotations

import pytest

from pipeline import db, demo, users, validation
from tests.conftest import AS_OF


def test_a_user_is_stored_with_a_hashed_password(tiny):
    ann = users.add(
        tiny, name="Nia New", email="Nia@Example.com", role="rep", password="correct horse",
        team="West",
    )  # fmt: skip
    assert (ann.email, ann.role, ann.team_id, ann.manager_id) == ("nia@example.com", "rep", 2, 3)
    stored = tiny.execute("SELECT password_hash FROM users WHERE id = $id", {"id": ann.id})
    hashed = stored.fetchone()[0]
    assert hashed.startswith("$2b$") and "correct horse" not in hashed
    assert users.check_password("correct horse", hashed)
    assert not users.check_password("wrong horse", hashed)
    assert users.credentials(tiny)["usernames"]["nia@example.com"]["password"] == hashed


def test_bad_new_users_are_refused_with_every_reason(tiny):
    with pytest.raises(validation.ValidationError) as excinfo:
        users.add(tiny, name="", email="ann@example.com", role="boss", password="short", team="X")
    assert [p.field for p in excinfo.value.problems] == [
        "Name",
        "Email",
        "Role",
        "Password",
        "Team",
    ]
    assert tiny.execute("SELECT count(*) FROM users").fetchone()[0] == 7


def test_a_disabled_user_cannot_sign_in(tiny):
    users.add(tiny, name="Nia", email="nia@example.com", role="rep", password="12345678")
    users.set_active(tiny, "nia@example.com", False)
    assert "nia@example.com" not in users.credentials(tiny)["usernames"]


def test_only_the_demo_database_offers_the_persona_picker(tmp_path, tiny):
    assert users.sign_in_mode(tiny) == "password"
    db.set_setting(tiny, "auth_mode", "demo")  # a real database claiming demo mode
    assert users.sign_in_mode(tiny) == "password"
    path = demo.build(tmp_path / "demo.duckdb", demo.DemoSpec(deals=100, as_of=AS_OF))
    assert users.sign_in_mode(db.connect(path)) == "demo"
