"""What SQL a page runs: a cursor stand-in that records each statement, so the
benchmark can replay exactly those statements directly and time them (the floor)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipeline.bench.timing import Timing, repeat


@dataclass
class Statement:
    sql: str
    params: object


@dataclass
class Recorder:
    statements: list[Statement] = field(default_factory=list)

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

    def __getattr__(self, name):
        return getattr(self._cursor, name)


def replay(con: duckdb.DuckDBPyConnection, statements: list[Statement], runs: int) -> Timing:
    """Each run executes every statement and fetches its whole result as Arrow."""

    def run_all() -> None:
        for statement in statements:
            con.execute(statement.sql, statement.params).to_arrow_table()

    run_all()  # warm DuckDB's own buffers, as the page runs they mirror were
    return repeat(run_all, runs)
