"""The engine: the one module that knows what the store is.

Two stores, one SQL dialect. The zero-setup store is a DuckDB file. For several app
replicas sharing one database, the store is PostgreSQL: each replica's DuckDB (in
memory) ATTACHes it as ``store`` with the postgres extension shipped on PyPI, so every
figure's SQL still runs in DuckDB and reads and writes PostgreSQL's tables. PostgreSQL
refuses DuckDB macros, so those live in the in-memory catalog beside it, and each
cursor's search path finds tables in PostgreSQL first, then the macros
(:func:`cursor`).

Opening a store (and saying in one line why it cannot be opened), running one unit of
work as one transaction (retried when the store reports a write conflict: DuckDB's own,
or PostgreSQL's serialization failure), recognising such a conflict, the data version,
id sequences, and letting a query read an in-memory table. Everything else in
``pipeline`` talks SQL through a connection and these functions.

Writes within one process take turns (a process-wide lock): DuckDB's optimistic
concurrency would otherwise fail one of two overlapping writers, and a long write (an
import) could lose every retry to a stream of short ones (saves). A save waits for the
lock for up to WAIT_SECONDS; conflicts with other processes or connections are still
retried after a short, jittered backoff.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb
import duckdb_extensions
import psycopg

T = TypeVar("T")
Connection = duckdb.DuckDBPyConnection
ATTEMPTS = 12
FIRST_DELAY = 0.002  # seconds; doubles on every retry (2 ms ... about 4 s in total)
WAIT_SECONDS = 300  # the longest a write waits for another one (a large import) to end

_write_turn = threading.RLock()
_opening = threading.Lock()


class DatabaseError(Exception):
    """A database problem explained in one line, fit to show a user as it is."""


class Busy(Exception):
    """Other writes kept this one from running; nothing was written."""


# ------------------------------------------------------------------------- locations


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# What a PostgreSQL URL may hold: it becomes a literal in ATTACH, which takes no bound
# parameters, so quotes, spaces and backslashes are refused before that.
_POSTGRES_URL = re.compile(r"^postgres(?:ql)?://[A-Za-z0-9._~%!$&()*+,;=:@/?\[\]-]*$")


def is_postgres(location: Path | str) -> bool:
    """Whether ``location`` names a PostgreSQL database (a postgresql:// URL) rather
    than a DuckDB file."""
    return str(location).startswith(POSTGRES_SCHEMES)


def describe(location: Path | str) -> str:
    """``location`` fit to show or log: a URL without its password."""
    text = str(location)
    if is_postgres(text):
        return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", text)
    return text


# ---------------------------------------------------------------------- opening stores


def open_file(path: Path, *, read_only: bool = False) -> Connection:
    """A connection to the database file at ``path`` (created when missing, unless
    read-only). Raises DatabaseError with a one-line reason."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise DatabaseError(explain_open_error(path, exc)) from None


EXTENSION_DIR = Path(__file__).resolve().parent.parent / ".duckdb-extensions"
_SEARCH_PATH = "SET search_path = 'store.public,memory.main'"


def open_postgres(url: str, prepare: Callable[[Connection, bool], None]) -> Connection:
    """A connection to the PostgreSQL database at ``url``: an in-memory DuckDB with it
    attached as ``store``. ``prepare(con, new)`` runs before any other connect of this
    process to the same database can return (``new``: this connect attached it, so
    nothing made in memory exists yet). Raises DatabaseError with a one-line reason."""
    if not _POSTGRES_URL.match(url):
        raise DatabaseError(
            "The PostgreSQL address may hold only URL characters (no quotes or spaces): "
            f"{describe(url)}"
        )
    # The extension comes from the duckdb-extension-postgres package (no download):
    # installed into a folder of the project's own, then loaded. One thread per query:
    # with more, a query that scans a PostgreSQL table several times (a recursive CTE
    # over teams) fails to prepare its COPY or hangs inside a transaction (extension
    # 1.5.5); a server's many sessions keep both cores busy anyway. No top-N: the
    # extension turns its dynamic filter into a fixed WHERE when the scan starts, so
    # "ORDER BY done_at DESC NULLS FIRST LIMIT n" read only the NULL rows. No join
    # filter pushdown: a join whose build side holds more than 50 keys (the team tree
    # of a large organisation) pushes a Bloom filter into the PostgreSQL scan, which
    # the extension cannot translate: an internal error that closes the instance.
    # One in-memory DuckDB per PostgreSQL database and process, as DuckDB keeps one
    # instance per file: a second connect reuses the loaded extension (verifying its
    # signature costs ~150 ms), the attachment and the macros.
    instance = ":memory:pg_" + hashlib.sha256(url.encode()).hexdigest()[:16]
    with _opening:
        con = duckdb.connect(
            instance,
            config={
                "extension_directory": str(EXTENSION_DIR),
                "threads": 1,
                "disabled_optimizers": "top_n,join_filter_pushdown",
            },
        )
        try:
            new = not on_postgres(con)
            if new:
                load_postgres_extension(con)
                # One query per scan, not one per range of pages: with one thread the
                # ranges bring no parallelism, and a single query lets PostgreSQL use
                # its indexes for the filters DuckDB hands it (a week of history).
                con.execute("SET GLOBAL pg_use_ctid_scan = false")
                # ATTACH takes no bound parameters; the URL matched _POSTGRES_URL above,
                # so it holds no quote that could end the literal.
                con.execute("ATTACH '" + url + "' AS store (TYPE postgres)")  # noqa: S608
            con.execute(_SEARCH_PATH)
        except duckdb.Error as exc:
            con.close()
            raise DatabaseError(
                f"Cannot open the PostgreSQL database {describe(url)}: "
                f"{first_line(_postgres_reason(str(exc)))}"
            ) from None
        try:
            prepare(con, new)
        except BaseException:
            con.close()
            raise
    return con


def load_postgres_extension(con: Connection) -> None:
    """LOAD the extension, installing it from its package first when it is not yet in
    EXTENSION_DIR (the first time, or after an upgrade of DuckDB)."""
    try:
        con.execute("LOAD postgres")
    except duckdb.IOException:
        duckdb_extensions.import_extension("postgres", con=con)
        con.execute("LOAD postgres")


def _postgres_reason(message: str) -> str:
    """PostgreSQL's own words from a DuckDB error that wraps them."""
    found = re.search(r"(?:ERROR|FATAL):\s+(.*)", message)
    return found.group(1) if found else message


def on_postgres(con: Connection) -> bool:
    """Whether ``con`` (or a cursor of it) works on PostgreSQL."""
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_databases() "
            "WHERE database_name = 'store' AND type = 'postgres'"
        ).fetchone()[0]
    )


def cursor(con: Connection) -> Connection:
    """A cursor of ``con`` with its own transaction, which finds what ``con`` finds: on
    PostgreSQL a new cursor starts in the in-memory catalog, so its search path is set
    again."""
    fresh = con.cursor()
    if on_postgres(fresh):
        fresh.execute(_SEARCH_PATH)
    return fresh


@contextlib.contextmanager
def creating_macros(con: Connection) -> Iterator[None]:
    """Within the block, CREATE MACRO puts macros where this store keeps them: the file
    itself, or (PostgreSQL refuses DuckDB macros) the in-memory catalog every cursor of
    this connection searches."""
    if not on_postgres(con):
        yield
        return
    con.execute("USE memory")
    con.execute("SET search_path = 'memory.main,store.public'")
    try:
        yield
    finally:
        con.execute("USE store")
        con.execute(_SEARCH_PATH)


def postgres_url(con: Connection) -> str:
    return con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = 'store'"
    ).fetchone()[0]


def postgres_session(con: Connection) -> psycopg.Connection:
    """A direct PostgreSQL session to ``con``'s store, for what DuckDB's SQL cannot say
    there (DDL in PostgreSQL's own dialect, sequences); autocommit."""
    return psycopg.connect(postgres_url(con), autocommit=True)


def update_statistics(con: Connection) -> None:
    """After a bulk load: have PostgreSQL count its tables (as its autovacuum does in
    time) and DuckDB plan from the new sizes. A DuckDB file keeps its own up to date."""
    if not on_postgres(con):
        return
    with postgres_session(con) as session:
        session.execute("ANALYZE")
    refresh_catalog(con)


def refresh_catalog(con: Connection) -> None:
    """After DDL run directly on PostgreSQL: make DuckDB read the tables' shape again."""
    con.execute("CALL pg_clear_cache()")


# ---------------------------------------------------------------- versions and ids


def data_version(con: Connection) -> int:
    """The id of the latest change; cached results are keyed by it. On PostgreSQL the
    query runs there (its primary key answers max(id) at once), where an attached scan
    would pull the whole column into DuckDB."""
    if on_postgres(con):
        sql = "SELECT * FROM postgres_query('store', 'SELECT coalesce(max(id), 0) FROM change_log')"
    else:
        sql = "SELECT coalesce(max(id), 0) FROM change_log"
    return int(con.execute(sql).fetchone()[0])


def reserve_ids(con: Connection, sequence: str, count: int) -> list[int]:
    """``count`` new ids from the id sequence ``sequence``, in increasing order."""
    if not count:
        return []
    if on_postgres(con):
        # Sequences are outside transactions on PostgreSQL too: ids a failed write
        # took are skipped, never given out twice.
        with postgres_session(con) as session:
            rows = session.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", (sequence, count)
            ).fetchall()
    else:
        rows = con.execute(
            "SELECT nextval($sequence) FROM range($count)", {"sequence": sequence, "count": count}
        ).fetchall()
    return sorted(id_ for (id_,) in rows)


# One new id from each sequence a write takes single ids from, on PostgreSQL: asked of
# PostgreSQL itself in the write's own session (DuckDB cannot call its nextval, and
# PostgreSQL tables take no INSERT ... RETURNING from DuckDB).
_NEXT_ID_ON_POSTGRES = {
    "activity_ids": "SELECT * FROM postgres_query('store', 'SELECT nextval(''activity_ids'')')",
    "forecast_call_ids": (
        "SELECT * FROM postgres_query('store', 'SELECT nextval(''forecast_call_ids'')')"
    ),
    "import_ids": "SELECT * FROM postgres_query('store', 'SELECT nextval(''import_ids'')')",
    "review_ids": "SELECT * FROM postgres_query('store', 'SELECT nextval(''review_ids'')')",
    "stage_ids": "SELECT * FROM postgres_query('store', 'SELECT nextval(''stage_ids'')')",
    "team_ids": "SELECT * FROM postgres_query('store', 'SELECT nextval(''team_ids'')')",
    "user_ids": "SELECT * FROM postgres_query('store', 'SELECT nextval(''user_ids'')')",
}


def next_id(con: Connection, sequence: str) -> int:
    """A new id from ``sequence``, for a row about to be inserted with it."""
    if on_postgres(con):
        return int(con.execute(_NEXT_ID_ON_POSTGRES[sequence]).fetchone()[0])
    return int(con.execute("SELECT nextval($sequence)", {"sequence": sequence}).fetchone()[0])


def advance_sequence(con: Connection, sequence: str, highest: int) -> None:
    """Move ``sequence`` past ``highest`` (after a bulk load with explicit ids)."""
    if on_postgres(con):
        with postgres_session(con) as session:
            session.execute(
                "SELECT setval(%s::regclass, greatest(%s, (SELECT last_value FROM pg_sequences "
                "WHERE sequencename = %s)))",
                (sequence, highest, sequence),
            )
        return
    given = con.execute(
        "SELECT coalesce(max(last_value), 0) FROM duckdb_sequences() "
        "WHERE sequence_name = $sequence",
        {"sequence": sequence},
    ).fetchone()[0]
    if highest > given:  # DuckDB moves a sequence on only by taking its values
        con.execute(
            "SELECT max(nextval($sequence)) FROM range($n)",
            {"sequence": sequence, "n": highest - given},
        )


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


# PostgreSQL's refusals of a transaction that overlapped another one's writes, as the
# postgres extension passes them on (a generic duckdb.Error carrying PostgreSQL's
# message): 40001 serialization failure, 40P01 deadlock.
_POSTGRES_CONFLICTS = ("could not serialize access", "deadlock detected")


def is_write_conflict(exc: Exception) -> bool:
    """Whether ``exc`` is the store refusing a transaction that overlapped another
    one's writes (it wrote nothing, so the whole unit of work can run again)."""
    text = str(exc).lower()
    if isinstance(exc, duckdb.TransactionException) and "conflict" in text:
        return True
    return isinstance(exc, duckdb.Error) and any(words in text for words in _POSTGRES_CONFLICTS)


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
