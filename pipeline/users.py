"""People who sign in: lookup, creation, passwords (stored only as bcrypt hashes) and
which sign-in mode a database uses."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import bcrypt
import duckdb

from pipeline import db, engine, validation

ROLES = ("rep", "manager", "executive", "admin")
DEAL_OWNER_ROLES = ("rep", "manager")
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    email: str
    role: str
    team_id: int | None
    manager_id: int | None
    active: bool
    # Their team and every team above it, from the top of the tree down: a manager
    # whose team is on this path manages this person.
    team_path: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})"

    @property
    def a_role(self) -> str:
        """'a rep', 'a manager', 'an executive', 'an admin'."""
        return ("an " if self.role[0] in "aeiou" else "a ") + self.role


_SELECT = """
SELECT person.id, person.name, person.email, person.role, person.team_id,
       person.manager_id, person.active,
       coalesce(path.teams, []) AS team_path
FROM users AS person
LEFT JOIN (
    SELECT team_id, list(ancestor_id ORDER BY depth DESC) AS teams
    FROM team_ancestry() GROUP BY team_id
) AS path ON path.team_id = person.team_id
"""


def user_of(row) -> User:
    *fields, path = row
    return User(*fields, tuple(path))


def get(con: duckdb.DuckDBPyConnection, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    row = con.execute(_SELECT + " WHERE person.id = $id", {"id": user_id}).fetchone()
    return user_of(row) if row else None


def by_email(con: duckdb.DuckDBPyConnection, email: str) -> User | None:
    row = con.execute(
        _SELECT + " WHERE lower(person.email) = lower($email)", {"email": email.strip()}
    ).fetchone()
    return user_of(row) if row else None


def active_users(con: duckdb.DuckDBPyConnection) -> list[User]:
    rows = con.execute(
        _SELECT + " WHERE person.active ORDER BY list_position($roles, person.role), person.name",
        {"roles": list(ROLES)},
    ).fetchall()
    return [user_of(row) for row in rows]


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, hashed: str | None) -> bool:
    if not hashed or len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        return False
    return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Password: use at least {MIN_PASSWORD} characters"
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        return f"Password: at most {MAX_PASSWORD_BYTES} bytes"
    return None


def add(
    con: duckdb.DuckDBPyConnection,
    *,
    name: str,
    email: str,
    role: str,
    password: str,
    team: str | None = None,
) -> User:
    """Create a user who signs in with ``password``, in a transaction of its own.
    Raises ValidationError naming every bad field; nothing is written then."""
    con.execute("BEGIN TRANSACTION")
    try:
        user_id = create(con, name=name, email=email, role=role, password=password, team=team)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return get(con, user_id)


def create(
    con: duckdb.DuckDBPyConnection,
    *,
    name: str,
    email: str,
    role: str,
    password: str,
    team: str | None = None,
) -> int:
    """Check and insert a user with a password inside the caller's transaction (an
    import that replaces the demo creates its first admin this way). Returns the id."""
    check = validation.Collector()
    name = check.take(validation.text, name, "Name", 200)
    if not name:
        check.add("Name", "is required")
    if not _EMAIL.match(email.strip()):
        check.add("Email", f"{email!r} is not an e-mail address")
    elif by_email(con, email):
        check.add("Email", f"{email.strip()} already has an account")
    if role not in ROLES:
        check.add("Role", f"{role!r} is not one of {', '.join(ROLES)}")
    problem = password_problem(password)
    if problem:
        check.add("Password", problem.removeprefix("Password: "))
    team_id = None
    if team:
        row = con.execute("SELECT id FROM teams WHERE name = $name", {"name": team}).fetchone()
        if row is None:
            check.add("Team", f"no team is called {team!r}")
        else:
            team_id = row[0]
    check.raise_if_any()
    manager = None
    if team_id is not None:
        manager = con.execute(
            "SELECT manager_id FROM teams WHERE id = $id", {"id": team_id}
        ).fetchone()[0]
    user_id = engine.next_id(con, "user_ids")
    con.execute(
        "INSERT INTO users (id, name, email, role, team_id, manager_id, password_hash) "
        "VALUES ($id, $name, $email, $role, $team_id, $manager_id, $hash)",
        {
            "id": user_id,
            "name": name,
            "email": email.strip().lower(),
            "role": role,
            "team_id": team_id,
            "manager_id": manager if role != "manager" else None,
            "hash": hash_password(password),
        },
    )
    db.record_change(con, "users", summary=f"Added {role} {email.strip().lower()}")
    return user_id


def set_password(con: duckdb.DuckDBPyConnection, email: str, password: str) -> None:
    problem = password_problem(password)
    user = by_email(con, email)
    if problem or user is None:
        raise validation.ValidationError(
            [validation.FieldError("Password", problem.removeprefix("Password: "))]
            if problem
            else [validation.FieldError("Email", f"no user has the e-mail {email!r}")]
        )
    con.execute(
        "UPDATE users SET password_hash = $hash WHERE id = $id",
        {"hash": hash_password(password), "id": user.id},
    )
    db.record_change(con, "users", summary=f"Password set for {user.email}")


def set_active(con: duckdb.DuckDBPyConnection, email: str, active: bool) -> User:
    user = by_email(con, email)
    if user is None:
        raise validation.ValidationError(
            [validation.FieldError("Email", f"no user has the e-mail {email!r}")]
        )
    con.execute(
        "UPDATE users SET active = $active WHERE id = $id", {"active": active, "id": user.id}
    )
    verb = "Enabled" if active else "Disabled"
    db.record_change(con, "users", summary=f"{verb} {user.email}")
    return get(con, user.id)


def listing(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(email, name, role, team, active, has password) for every user."""
    return con.execute(
        "SELECT u.email, u.name, u.role, t.name, u.active, u.password_hash IS NOT NULL "
        "FROM users u LEFT JOIN teams t ON t.id = u.team_id "
        "ORDER BY list_position($roles, u.role), u.name",
        {"roles": list(ROLES)},
    ).fetchall()


def credentials(con: duckdb.DuckDBPyConnection) -> dict:
    """Active users with a password, in the shape streamlit-authenticator expects
    (the e-mail address is the username)."""
    rows = con.execute(
        "SELECT email, name, password_hash FROM users WHERE active AND password_hash IS NOT NULL"
    ).fetchall()
    return {
        "usernames": {
            email: {"email": email, "first_name": name, "last_name": "", "password": hashed}
            for email, name, hashed in rows
        }
    }


def sign_in_mode(con: duckdb.DuckDBPyConnection) -> str:
    """'demo' (pick a persona, no password) only for the generated demo database;
    every other database signs in with a password, whatever its settings say."""
    return sign_in_mode_of(db.all_settings(con))


def sign_in_mode_of(stored: dict[str, str]) -> str:
    """sign_in_mode from the stored settings (the app reads them once per plan)."""
    if "demo_anchor" in stored and stored.get("auth_mode") == "demo":
        return "demo"
    return "password"


def cookie_key(con: duckdb.DuckDBPyConnection) -> str:
    """The secret that signs the sign-in cookie, made once per database."""
    key = db.get_setting(con, "auth_cookie_key")
    if key is None:
        key = secrets.token_urlsafe(32)
        db.set_setting(con, "auth_cookie_key", key)
    return key
