"""Named SQL files, run with bound parameters: the layer every figure stands on.

A query is one file, ``pipeline/sql/<family>/<name>.sql``, named "<family>/<name>"
(e.g. "attainment/won_by_period"). It reads the staging macros of
``pipeline/sql/staging`` (the state as of an instant, the scope of a team subtree,
prorating), which every connection has. Amounts come back as exact decimals.

Every run is noted for the calls made inside ``recording()``, so a test can check that
a figure declares exactly the queries it runs.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources

import pandas as pd
import pyarrow as pa

from pipeline import engine, plan_cache
from pipeline.engine import Connection

_recorded: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "recorded_queries", default=None
)
_NAME = re.compile(r"^[a-z_]+/[a-z0-9_]+$")


@cache
def sql_text(name: str) -> str:
    """The text of the query ``name`` ("<family>/<name>")."""
    if not _NAME.match(name):
        raise ValueError(f"not a query name: {name!r}")
    family, _, file = name.partition("/")
    return (resources.files("pipeline.sql") / family / f"{file}.sql").read_text(encoding="utf-8")


def execute(con: Connection, name: str, params: dict):
    """Run the query ``name`` with bound parameters; the DuckDB result."""
    noted = _recorded.get()
    if noted is not None:
        noted.append(name)
    return con.execute(sql_text(name), params)


def frame(con: Connection, name: str, **params) -> pd.DataFrame:
    """The query's rows as a DataFrame; decimals stay exact."""
    return table(con, name, **params).to_pandas()


def table(con: Connection, name: str, **params) -> pa.Table:
    """The query's rows as an Arrow table: amounts stay exact decimals without becoming
    thousands of Python Decimal objects (what a large table shown on a page needs)."""
    return execute(con, name, params).to_arrow_table()


def rows(con: Connection, name: str, **params) -> list[dict]:
    """Every row as a dict of plain Python values (column name -> value)."""
    result = execute(con, name, params)
    names = [column[0] for column in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def row(con: Connection, name: str, **params) -> dict | None:
    """The first row as a dict, or None."""
    found = rows(con, name, **params)
    return found[0] if found else None


@contextlib.contextmanager
def recording() -> Iterator[list[str]]:
    """Within the block, the names of the queries run (in this thread), in order."""
    noted: list[str] = []
    token = _recorded.set(noted)
    try:
        yield noted
    finally:
        _recorded.reset(token)


# ---------------------------------------------------------------------- staging macros

_MACRO = re.compile(r"CREATE OR REPLACE MACRO (\w+)")


@cache
def staging_macros() -> dict[str, str]:
    """Each staging macro's name and its definition (with the comment above it)."""
    found = {}
    for entry in sorted((resources.files("pipeline.sql") / "staging").iterdir(), key=str):
        if not entry.name.endswith(".sql"):
            continue
        text = entry.read_text(encoding="utf-8")
        starts = [match.start() for match in _MACRO.finditer(text)]
        for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
            statement = text[begin:end].strip()
            comment = _comment_before(text, begin)
            found[_MACRO.match(statement).group(1)] = (comment + statement).strip()
    return found


def _comment_before(text: str, position: int) -> str:
    lines = text[:position].rstrip("\n").split("\n")
    comment = []
    for line in reversed(lines):
        if not line.startswith("--"):
            break
        comment.insert(0, line)
    return "\n".join(comment) + "\n" if comment else ""


def macros_used(sql: str) -> list[str]:
    """The staging macros ``sql`` calls, and the ones those call, in order of first use."""
    known = staging_macros()
    found: list[str] = []

    def visit(text: str) -> None:
        for name in re.findall(r"\b(\w+)\s*\(", text):
            if name in known and name not in found:
                found.append(name)
                visit(known[name].split(" AS ", 1)[-1])

    visit(sql)
    return found


# ------------------------------------------------------------------- figure context


def end_of_day(day: date) -> datetime:
    """The instant the as-of day ends: figures include everything before it."""
    return datetime.combine(day + timedelta(days=1), time())


@dataclass(frozen=True)
class Context:
    """What a figure's figures depend on besides its own query (reference/context)."""

    as_of_end: datetime
    current: bool  # no deal version begins at or after as_of_end
    fiscal_start: int
    plan: tuple  # the key quota results are kept under (pipeline.plan_cache)

    def as_of_params(self) -> dict:
        """The parameters of deals_as_of and friends: the instant, and whether the
        current-state tables can be read instead of rebuilding the state from history
        (same rows, far less to scan)."""
        return {"as_of_end": self.as_of_end, "current": self.current}


def context(con: Connection, day: date, fiscal_start: int | None = None) -> Context:
    """The context of figures as of the end of ``day``, read in one statement. Figures
    taking ``ctx`` read it themselves unless given it (the app reads it once per data
    version and day)."""
    end = end_of_day(day)
    found = execute(con, "reference/context", {"deal_kinds": plan_cache.DEAL_KINDS}).fetchone()
    last_change, stored_start, path, instance, plan_version = found
    return Context(
        as_of_end=end,
        current=last_change is None or last_change < end,
        fiscal_start=fiscal_start or int(stored_start or 1),
        plan=(path, instance, plan_version),
    )


def planned(ctx: Context, con: Connection, name: str, **params) -> pa.Table:
    """The quota query ``name`` as an Arrow table, kept per plan version: a deal save,
    an activity or a forecast call cannot change it (see plan_cache)."""
    return plan_cache.cached(ctx.plan, name, params, lambda: table(con, name, **params))


def with_rows(con: Connection, name: str, rows_name: str, rows: pa.Table, **params) -> pa.Table:
    """table() of a query that reads ``rows`` as the table ``rows_name``."""
    with engine.rows_as(con, rows_name, rows):
        return table(con, name, **params)
