"""The benchmark on PostgreSQL (``python -m bench --postgres URL``), beside the file
store's figures of the same run:

- every page warm and after a write, the app's DuckDB reading PostgreSQL's tables;
- a save made by another replica (a DuckDB instance of its own, as a second app
  process has) until every open page of this one shows it;
- 50 sessions spread by HAProxy over 1, 2 and 4 replicas, against the single file-store
  server at the same scale.

URL names a server whose user may create databases; the benchmark's databases
(``bench_<deals>``) are copied there from the file store's once, then reused.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench import load, pages, timing, writes
from bench.timing import Timing
from deploy.replicas import replicas
from pipeline import copying, db

REPLICA_COUNTS = (1, 2, 4)


@dataclass(frozen=True)
class ReplicaLoad:
    replicas: int  # 0: the file store's single server
    result: load.LoadResult


@dataclass(frozen=True)
class FullRead:
    """Every activity read once: what bounds a figure over all of them."""

    rows: int
    file: Timing
    postgres: Timing


@dataclass(frozen=True)
class PostgresResult:
    pages: list[pages.PageResult]
    save: writes.SaveResult
    load: list[ReplicaLoad]
    full_read: FullRead


READ_ALL_ACTIVITIES = "SELECT count(*), min(done_at), max(deal_id) FROM activities"


def database(server: str, file_path: Path) -> str:
    """The PostgreSQL copy of the benchmark database ``file_path``, made on first use."""
    name = "bench_" + file_path.stem.removeprefix("demo_")
    url = urlunsplit(urlsplit(server)._replace(path="/" + name))
    with psycopg.connect(server, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    con = db.connect(url)
    try:
        filled = copying.has_data(con)
    finally:
        con.close()
    if not filled:
        print(f"Copying {file_path} to PostgreSQL {name} (once)…", flush=True)
        copying.copy_database(file_path, url)
    return url


def measure(
    server: str,
    file_path: Path,
    load_path: Path,
    targets: list[load.LoadTarget],
    sessions: int,
    seconds: float,
    runs: int,
    empty: Timing,
) -> PostgresResult:
    url = database(server, file_path)
    con = db.connect(url)
    try:
        cases = pages.cases(con)
    finally:
        con.close()
    page_results = []
    for case in cases.values():
        page_results.append(pages.measure(url, case, runs, empty))
        print(f"PostgreSQL: {case.name} ({case.who}) warm p50 "
              f"{page_results[-1].warm.p50:.0f} ms, after a write "
              f"{page_results[-1].after_write.p50:.0f} ms", flush=True)  # fmt: skip
    # The saves come from a DuckDB instance of their own (one per database address in
    # a process, so the same database under another application name), as another
    # replica's process has; the sessions run on this process's app connection.
    save = writes.save_to_visible(url, runs, writer=url + "?application_name=other_replica")
    print(f"PostgreSQL: save visible on another replica p50 {save.visible.p50:.0f} ms", flush=True)
    rows, on_file = read_everything(file_path, runs)
    full_read = FullRead(rows, on_file, read_everything(url, runs)[1])
    print(f"PostgreSQL: every activity read in {full_read.postgres.p50:.0f} ms", flush=True)
    load_url = database(server, load_path)
    overview = targets[0]
    loads = []
    with load.server(pages.ROOT / "dashboard.py", load_path) as port:
        loads.append(ReplicaLoad(0, asyncio.run(load.drive(port, overview, sessions, seconds))))
    for count in REPLICA_COUNTS:
        with replicas(load_url, count) as (port, _, _):
            result = asyncio.run(load.drive(port, overview, sessions, seconds))
        loads.append(ReplicaLoad(count, result))
        print(f"PostgreSQL: {count} replicas, {result.throughput:.1f} reruns/s", flush=True)
    return PostgresResult(page_results, save, loads, full_read)


def read_everything(location: Path | str, runs: int) -> tuple[int, Timing]:
    """How many activities ``location`` holds, and the time to read them all."""
    con = db.connect(location)
    try:
        found = []
        read = timing.repeat(
            lambda: found.append(con.execute(READ_ALL_ACTIVITIES).fetchone()), runs
        )
        return found[-1][0], read
    finally:
        con.close()
