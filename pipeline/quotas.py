"""Quotas: monthly plans for the company, each team and each rep, edited as a table of
one fiscal year or uploaded as a CSV, validated and recorded in one transaction.

A plan row is identified by a key: "company", "team:<id>" or "user:<id>". The upload
format is one row per plan and month (columns month, amount and optionally team and
rep), the same as the quotas download, so a plan can go to a spreadsheet and back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import db, engine, periods, permissions, users, validation
from pipeline.imports import files

COMPANY = "company"
LEVELS = {"company": "Company", "team": "Team", "user": "Rep"}
UPLOAD_COLUMNS = ("month", "amount", "team", "rep")


@dataclass(frozen=True)
class Cell:
    key: str  # "company", "team:<id>", "user:<id>"
    month: date
    amount: Decimal | None  # None: no quota for that month


def months(year_start: date) -> list[date]:
    return [periods.add_months(year_start, offset) for offset in range(12)]


def month_column(month: date) -> str:
    return f"{month:%Y-%m}"


def plan_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Who can have a quota: the company, every team (in tree order, named by its path,
    "East › Enterprise"), every active rep and manager."""
    return (
        con.execute(
            "SELECT 'company' AS key, 'Company' AS level, 'Company' AS name, 0 AS rank, '' AS path "
            "UNION ALL SELECT 'team:' || team_id, 'Team', array_to_string(path, ' › '), 1, "
            "array_to_string(path, ' › ') FROM team_tree() "
            "UNION ALL SELECT 'user:' || u.id, CASE u.role WHEN 'manager' THEN 'Manager' "
            "ELSE 'Rep' END, u.name || coalesce(' (' || t.name || ')', ''), 2, u.name "
            "FROM users AS u LEFT JOIN teams AS t ON t.id = u.team_id "
            "WHERE u.active AND u.role IN ('rep', 'manager') "
            "ORDER BY rank, path"
        )
        .df()
        .drop(columns="path")
    )


def stored(con: duckdb.DuckDBPyConnection, start: date, end: date) -> dict:
    """{(plan key, month): exact amount} for the months in [start, end)."""
    rows = con.execute(
        "SELECT CASE WHEN user_id IS NOT NULL THEN 'user:' || user_id "
        "WHEN team_id IS NOT NULL THEN 'team:' || team_id ELSE 'company' END AS key, "
        "month, sum(amount) AS amount FROM quotas "
        "WHERE month >= $start AND month < $end GROUP BY ALL",
        {"start": start, "end": end},
    ).fetchall()
    return {(key, month): amount for key, month, amount in rows}


def plan(con: duckdb.DuckDBPyConnection, year_start: date) -> pd.DataFrame:
    """The fiscal year starting at ``year_start`` as a table: one row per company, team
    and rep, one column per month (YYYY-MM), amounts as numbers (blank: no quota)."""
    table = plan_rows(con).drop(columns="rank")
    amounts = stored(con, year_start, periods.add_months(year_start, 12))
    for month in months(year_start):
        table[month_column(month)] = [
            float(amounts[(key, month)]) if (key, month) in amounts else None
            for key in table["key"]
        ]
    return table


def parse_plan(edited: pd.DataFrame, year_start: date) -> list[Cell]:
    """Every cell of an edited plan, checked; ValidationError names each bad cell."""
    check = validation.Collector()
    cells = []
    for row in edited.to_dict("records"):
        for month in months(year_start):
            label = f"{row['name']}, {month:%b %Y}"
            amount = check.take(validation.amount, as_text(row.get(month_column(month))), label)
            cells.append(Cell(row["key"], month, amount))
    check.raise_if_any()
    return cells


def as_text(value) -> str | None:
    """A cell from the table editor as text: numbers arrive as floats, whose shortest
    repr is exactly what was typed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return repr(value) if isinstance(value, float) else str(value)


def save_plan(
    con: duckdb.DuckDBPyConnection, actor: users.User, edited: pd.DataFrame, year_start: date
) -> int:
    """Store an edited fiscal-year plan; returns how many monthly quotas changed."""
    permissions.require(permissions.manages_data(actor), "Only an admin can set quotas.")
    cells = parse_plan(edited, year_start)
    return store(con, actor, cells, f"FY from {year_start:%Y-%m}")


def store(
    con: duckdb.DuckDBPyConnection, actor: users.User | None, cells: list[Cell], what: str
) -> int:
    """Replace the quota of each cell's plan and month (a blank amount removes it) in
    one transaction, leaving other months and plans alone. Returns the cells changed."""
    return engine.transaction(con, lambda: store_in_transaction(con, actor, cells, what))


def store_in_transaction(
    con: duckdb.DuckDBPyConnection, actor: users.User | None, cells: list[Cell], what: str
) -> int:
    """store(), inside the caller's open transaction (a plan saved with more)."""
    if not cells:
        return 0
    first = min(cell.month for cell in cells)
    last = periods.add_months(max(cell.month for cell in cells), 1)
    before = stored(con, first, last)
    changed = [c for c in cells if before.get((c.key, c.month)) != c.amount]
    if not changed:
        return 0
    frame = pd.DataFrame(
        [(*owner_of(cell.key), cell.month, cell.amount) for cell in changed],
        columns=["user_id", "team_id", "month", "amount"],
    ).astype({"user_id": "Int64", "team_id": "Int64", "amount": "object"})
    db.execute_with_frame(con, frame, _DELETE)
    db.execute_with_frame(con, frame, _INSERT)
    db.record_change(
        con,
        "quotas",
        user_id=actor.id if actor else None,
        summary=f"{len(changed)} monthly quotas changed ({what})",
    )
    return len(changed)


_DELETE = """
DELETE FROM quotas AS q USING frame_rows AS f
WHERE q.month = f.month
  AND q.user_id IS NOT DISTINCT FROM f.user_id
  AND q.team_id IS NOT DISTINCT FROM f.team_id
"""
_INSERT = """
INSERT INTO quotas (user_id, team_id, month, amount)
SELECT user_id, team_id, month, CAST(amount AS DECIMAL(18, 2))
FROM frame_rows WHERE amount IS NOT NULL
"""


def owner_of(key: str) -> tuple[int | None, int | None]:
    """(user_id, team_id) of a plan key."""
    level, _, number = key.partition(":")
    if level == "user":
        return int(number), None
    if level == "team":
        return None, int(number)
    return None, None


# ---------------------------------------------------------------------------- files


def download(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every quota in the upload format (month, amount, team, rep)."""
    return con.execute(
        "SELECT strftime(q.month, '%Y-%m') AS month, CAST(q.amount AS VARCHAR) AS amount, "
        "coalesce(t.name, '') AS team, coalesce(u.email, '') AS rep "
        "FROM quotas AS q LEFT JOIN teams AS t ON t.id = q.team_id "
        "LEFT JOIN users AS u ON u.id = q.user_id "
        "ORDER BY q.month, q.user_id IS NOT NULL, q.team_id IS NOT NULL, team, rep"
    ).df()


def upload(
    con: duckdb.DuckDBPyConnection,
    actor: users.User | None,
    path: Path,
    name: str | None = None,
) -> int:
    """Store the quotas of a CSV or Excel file: one row per month and plan, with columns
    month (YYYY-MM), amount, and team (a team's name) or rep (an e-mail or a unique
    name), both blank for the company. Every row is checked before anything is written;
    returns how many monthly quotas changed. ``actor`` None is the command line, which
    whoever can open the database file may use (as for imports)."""
    if actor is not None:
        permissions.require(permissions.manages_data(actor), "Only an admin can set quotas.")
    name = name or path.name
    try:
        table = files.read(con, path, name)
    except files.FileProblem as exc:
        problem = validation.FieldError(name, str(exc).removeprefix(f"{name}: "))
        raise validation.ValidationError([problem]) from None
    headers = [header.strip().lower() for header in table.headers]
    check = validation.Collector()
    for required in ("month", "amount"):
        if required not in headers:
            check.add(name, f"has no {required!r} column (expected {', '.join(UPLOAD_COLUMNS)})")
    check.raise_if_any()
    rows = con.execute("SELECT * FROM import_file").fetchall()
    people = lookup_people(con)
    teams = {key.lower(): f"team:{id_}" for key, id_ in con.execute(_TEAMS).fetchall()}
    cells, seen = [], {}
    for line, values in enumerate(rows, start=2):
        row = dict(zip(headers, values, strict=True))
        where = f"{name} line {line}"
        month = check.take(parse_month, row.get("month"), f"{where}, month")
        amount = check.take(validation.amount, row.get("amount"), f"{where}, amount")
        key = check.take(plan_key, row.get("team"), row.get("rep"), teams, people, where)
        if month is None or key is None:
            continue
        if (key, month) in seen:
            check.add(where, f"repeats the quota of line {seen[(key, month)]} for that month")
            continue
        seen[(key, month)] = line
        cells.append(Cell(key, month, amount))
    check.raise_if_any()
    return store(con, actor, cells, name)


_TEAMS = "SELECT name, id FROM teams"


def lookup_people(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """E-mail or name (lower case) -> plan key; None for a name two people share."""
    found: dict[str, str | None] = {}
    for user_id, email, person in con.execute(
        "SELECT id, email, name FROM users WHERE role IN ('rep', 'manager')"
    ).fetchall():
        found[email.lower()] = f"user:{user_id}"
        name_key = person.strip().lower()
        found[name_key] = None if name_key in found else f"user:{user_id}"
    return found


def plan_key(team, rep, teams: dict, people: dict, where: str) -> str:
    team, rep = (str(value or "").strip() for value in (team, rep))
    if rep:
        if rep.lower() not in people:
            raise validation.FieldError(f"{where}, rep", f"{rep!r} is not a rep or manager here")
        key = people[rep.lower()]
        if key is None:
            raise validation.FieldError(
                f"{where}, rep", f"two people are called {rep!r}; use the e-mail"
            )
        return key
    if team:
        if team.lower() not in teams:
            raise validation.FieldError(f"{where}, team", f"{team!r} is not a team here")
        return teams[team.lower()]
    return COMPANY


def parse_month(value, field: str) -> date:
    """'2026-01', '2026-01-01' or a spreadsheet date: the first day of that month."""
    text = str(value or "").strip()
    for pattern in ("%Y-%m", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date().replace(day=1)
        except ValueError:
            continue
    raise validation.FieldError(field, f"{text!r} is not a month (use YYYY-MM)")
