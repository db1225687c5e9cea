"""What SQL a page runs: a cursor stand-in that records each statement, so the
benchmark can replay exactly those statements directly and time them (the floor)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from bench.timing import Timing, repeat


@dataclass
class Statement:
    sql: str
    params: object


@dataclass
class Registration:
    """A Python table made readable by name (None: the name dropped again)."""

    name: str
    table: object


@dataclass
class Recorder:
    statements: list[Statement | Registration] = field(default_factory=list)

    def executed(self) -> int:
        """How many SQL statements were run."""
        return sum(isinstance(s, Statement) for s in self.statements)

    def wrap(self, cursor: duckdb.DuckDBPyConnection) -> RecordingCursor:
        return RecordingCursor(cursor, self)


class RecordingCursor:
    """Forwards everything to a real cursor; execute() also notes the statement."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, recorder: Recorder):
        self._cursor = cursor
        self._recorder = recorder

    def execute(self, sql, parameters=None):
        self._recorder.statements.append(Statement(sql, parameters))
        self._cursor.execute(sql, parameters)
        return self

    def register(self, name, table):
        self._recorder.statements.append(Registration(name, table))
        return self._cursor.register(name, table)

    def unregister(self, name):
        self._recorder.statements.append(Registration(name, None))
        return self._cursor.unregister(name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._cursor.close()

    def __getattr__(self, name):
        return getattr(self._cursor, name)


def replay(
    con: duckdb.DuckDBPyConnection, statements: list[Statement | Registration], runs: int
) -> Timing:
    """Each run executes every statement and fetches its whole result as Arrow (with
    the Python tables the page made readable to them)."""

    def run_all() -> None:
        for statement in statements:
            if isinstance(statement, Registration):
                if statement.table is None:
                    con.unregister(statement.name)
                else:
                    con.register(statement.name, statement.table)
            else:
                con.execute(statement.sql, statement.params).to_arrow_table()

    run_all()  # warm DuckDB's own buffers, as the page runs they mirror were
    return repeat(run_all, runs)
