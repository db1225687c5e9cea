"""Running one write as one transaction, retried when DuckDB reports a conflict.

DuckDB uses optimistic concurrency: when two transactions change the same row, the
later one fails with "Conflict on update". Such a failure wrote nothing, so the whole
unit of work (its reads included) is run again after a short, jittered backoff.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

import duckdb

T = TypeVar("T")
ATTEMPTS = 12
FIRST_DELAY = 0.002  # seconds; doubles on every retry (2 ms ... about 4 s in total)
TICK = timedelta(microseconds=1)


class Busy(Exception):
    """Other writes kept conflicting with this one; nothing was written."""


def transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    """Run ``work()`` inside one transaction on ``con`` (a cursor of its own): all of
    it lands or none of it does."""
    for attempt in range(ATTEMPTS):
        con.execute("BEGIN TRANSACTION")
        try:
            result = work()
            con.execute("COMMIT")
            return result
        except duckdb.TransactionException as exc:
            rollback(con)
            if "conflict" not in str(exc).lower():
                raise
            time.sleep(FIRST_DELAY * 2**attempt * (0.5 + random.random()))
        except BaseException:
            rollback(con)
            raise
    raise Busy("The database stayed busy with other changes; nothing was saved. Try again.")


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # a failed COMMIT has already rolled back
        con.execute("ROLLBACK")


def stamp(now: datetime | None, after: datetime | None) -> datetime:
    """The time to record a change at: now, but always after the previous version's
    start, so versions stay strictly ordered even within one clock tick."""
    moment = now or datetime.now()
    if after is not None and moment <= after:
        moment = after + TICK
    return moment
