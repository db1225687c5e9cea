"""The engine: the one module that knows the store is a DuckDB file.

Opening a file (and saying in one line why it cannot be opened), running one unit of
work as one transaction (retried when DuckDB reports a write conflict), recognising
such a conflict, and letting a query read an in-memory table. Everything else in
``pipeline`` talks SQL through a connection and these functions, so another store is
an added module, not a rewrite.

Writes within one process take turns (a process-wide lock): DuckDB's optimistic
concurrency would otherwise fail one of two overlapping writers, and a long write (an
import) could lose every retry to a stream of short ones (saves). A save waits for the
lock for up to WAIT_SECONDS; conflicts with other processes or connections are still
retried after a short, jittered backoff.
"""

from __future__ import annotations

import contextlib
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb

T = TypeVar("T")
Connection = duckdb.DuckDBPyConnection
ATTEMPTS = 12
FIRST_DELAY = 0.002  # seconds; doubles on every retry (2 ms ... about 4 s in total)
WAIT_SECONDS = 300  # the longest a write waits for another one (a large import) to end

_write_turn = threading.RLock()


class DatabaseError(Exception):
    """A database problem explained in one line, fit to show a user as it is."""


class Busy(Exception):
    """Other writes kept this one from running; nothing was written."""


def open_file(path: Path, *, read_only: bool = False) -> Connection:
    """A connection to the database file at ``path`` (created when missing, unless
    read-only). Raises DatabaseError with a one-line reason."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise DatabaseError(explain_open_error(path, exc)) from None


def explain_open_error(path: Path, exc: Exception) -> str:
    message = str(exc)
    lowered = message.lower()
    if "lock" in lowered:
        holder = re.search(r"PID (\d+)", message)
        who = f" (process {holder.group(1)})" if holder else ""
        return (
            f"The database {path} is in use by another program{who}. "
            "Stop it (for example the running dashboard) and try again."
        )
    if "not a valid duckdb database" in lowered or "database file" in lowered:
        return f"{path} is not a database this dashboard can read: {first_line(message)}"
    if "permission denied" in lowered or "read-only file system" in lowered:
        return f"Cannot write to {path}: permission denied. Choose a folder you can write to."
    return f"Cannot open {path}: {first_line(message)}"


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def is_write_conflict(exc: Exception) -> bool:
    """Whether ``exc`` is DuckDB refusing a transaction that overlapped another one's
    writes (it wrote nothing, so the whole unit of work can run again)."""
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def is_storage_failure(exc: Exception) -> bool:
    """Whether ``exc`` is the file system refusing a write (read-only file, full disk)."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.IOException | duckdb.TransactionException) and any(
        words in text
        for words in ("read-only", "permission denied", "no space left", "could not write")
    )


def transaction(con: Connection, work: Callable[[], T]) -> T:
    """Run ``work()`` inside one transaction on ``con`` (a cursor of its own): all of
    it lands or none of it does. Raises Busy when it could not run."""
    if not _write_turn.acquire(timeout=WAIT_SECONDS):
        raise Busy(
            "Another change (an import) is still being written; nothing was saved. Try again."
        )
    try:
        for attempt in range(ATTEMPTS):
            con.execute("BEGIN TRANSACTION")
            try:
                result = work()
                con.execute("COMMIT")
                return result
            except duckdb.Error as exc:
                rollback(con)
                if is_storage_failure(exc):
                    raise DatabaseError(
                        f"The database could not be written ({first_line(str(exc))}); "
                        "nothing was saved."
                    ) from None
                if not is_write_conflict(exc):
                    raise
                time.sleep(FIRST_DELAY * 2**attempt * (0.5 + random.random()))
            except BaseException:
                rollback(con)
                raise
    finally:
        _write_turn.release()
    raise Busy("The database stayed busy with other changes; nothing was saved. Try again.")


def rollback(con: Connection) -> None:
    with contextlib.suppress(duckdb.Error):  # a failed COMMIT has already rolled back
        con.execute("ROLLBACK")


@contextlib.contextmanager
def rows_as(con: Connection, name: str, rows) -> Iterator[None]:
    """Within the block, queries on ``con`` read ``rows`` (a DataFrame or Arrow table)
    as the table ``name``."""
    con.register(name, rows)
    try:
        yield
    finally:
        con.unregister(name)
