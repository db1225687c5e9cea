"""The app's one database connection and cached metric results.

One read-write connection per server process, opened lazily; every query runs on its
own cursor so concurrent sessions never share a transaction. Results are cached per
(database, data version, metric, parameters): every write bumps the data version, so
an edit shows up on every page and in every session at once. The cache holds the result
objects themselves (no copy per run: results of thousands of exact Decimals are slow
to pickle), shared by every session, so callers must never change a result in place.

Within one page run (the frame wraps each in one_version_per_run) the data version is
read once and the run's results are plain dictionary look-ups; a write made through
write_cursor() makes the run read the version again.
"""

from __future__ import annotations

import functools
import inspect
import json
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from pipeline import (
    db,
    demo,
    exporting,
    health,
    metrics,
    missing_deals,
    plan_cache,
    quotas,
    settings,
    users,
    workspace,
)
from pipeline.imports import fields, importer

READ_MODULES = {
    "metrics": metrics,
    "workspace": workspace,
    "health": health,
    "settings": settings,
    "quotas": quotas,
    "missing_deals": missing_deals,
    "users": users,
}


@st.cache_resource(show_spinner="Preparing the demo database…")
def prepare(path: str) -> str | None:
    """Once per server: create the demo when there is no database, or move an untouched
    demo forward to today. Returns what was done. (No Streamlit elements in here: a
    cached function's elements are replayed on every later call.)"""
    return demo.ensure_current(path, date.today())


@st.cache_resource(show_spinner="Opening the database…")
def connection(path: str) -> duckdb.DuckDBPyConnection:
    return db.connect(path)


def database_path() -> str:
    return str(db.database_path())


def open_database() -> str | None:
    """Run by the frame before any page: prepare and open the database, telling the
    session once what preparation did. Returns the one-line reason when the database
    cannot be opened."""
    path = database_path()
    try:
        note = prepare(path)
        connection(path)
    except db.DatabaseError as exc:
        return str(exc)
    if note and not st.session_state.get("prepare_note_shown"):
        st.session_state["prepare_note_shown"] = True
        st.toast(note, icon=":material/database:")
    return None


@dataclass(frozen=True)
class RunState:
    """What a page run reads once: the connection, the data version and the results
    cached for that version."""

    connection: duckdb.DuckDBPyConnection
    version: int
    results: dict


RUN_STATE = "data_run_state"


@contextmanager
def one_version_per_run():
    """Around a page run: the data version is read once (on first use) for the whole
    run, so every figure on the page comes from the same version."""
    st.session_state[RUN_STATE] = None
    try:
        yield
    finally:
        st.session_state.pop(RUN_STATE, None)


def in_page_run() -> bool:
    """Whether this run is inside one_version_per_run (the frame's runs are)."""
    return RUN_STATE in st.session_state


def run_state() -> RunState:
    state = st.session_state.get(RUN_STATE)
    if state is not None:
        return state
    path = database_path()
    shared = connection(path)
    version = db.data_version(shared.cursor())
    state = RunState(shared, version, _results(path, version))
    if in_page_run():
        st.session_state[RUN_STATE] = state
    return state


@st.cache_resource(max_entries=4, show_spinner=False)
def _results(path: str, version: int) -> dict:
    """The results computed for one data version, by (metric, parameters). A few
    versions are kept for sessions still finishing a run on an older one."""
    return {}


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the shared connection (opened by open_database)."""
    state = st.session_state.get(RUN_STATE)
    return (state.connection if state else connection(database_path())).cursor()


def write_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for a write: after it, the run reads the data version again."""
    if st.session_state.get(RUN_STATE) is not None:
        st.session_state[RUN_STATE] = None
    return cursor()


def data_version() -> int:
    return run_state().version


def run(metric: str, **params):
    """The result of ``pipeline.metrics.<metric>(con, **params)`` (or, for a name such as
    "workspace.timeline", of that module's function), cached until the next write to
    the database."""
    return cached(run_state().results, (metric, key_of(params)), lambda: call(metric, params))


def key_of(params: dict) -> tuple:
    """Parameters as a cache key; a table parameter (such as the stage medians) by its
    content."""
    return tuple(
        (name, value) if not isinstance(value, pd.DataFrame) else (name, table_key(value))
        for name, value in sorted(params.items())
    )


def table_key(frame: pd.DataFrame) -> tuple:
    """A table's content as a key, hashed once per table object (the day's stage
    medians are passed on every run of My deals)."""
    known = _table_keys.get(id(frame))
    if known is not None and known[0]() is frame:
        return known[1]
    key = (tuple(frame.columns), tuple(pd.util.hash_pandas_object(frame, index=True)))
    with _table_keys_lock:
        for dead in [i for i, (ref, _) in _table_keys.items() if ref() is None]:
            del _table_keys[dead]
        _table_keys[id(frame)] = (weakref.ref(frame), key)
    return key


# Keys of live tables by id; the weak reference tells a reused id from the same table.
_table_keys: dict[int, tuple[weakref.ref, tuple]] = {}
_table_keys_lock = threading.Lock()


MAX_RESULTS = 1_000  # per data version: past it (many dates and scopes), start over


def cached(results: dict, key: tuple, make):
    """``results[key]``, computed by ``make()`` when missing. Two sessions missing at
    once both compute; either result is the same."""
    try:
        return results[key]
    except KeyError:
        if len(results) >= MAX_RESULTS:
            results.clear()
        return results.setdefault(key, make())


def run_for_plan(metric: str, **params):
    """Like run(), for results only the plan can move (people, teams, settings): kept
    across deal saves, activities and forecast calls (see pipeline.plan_cache), so the
    frame's sign-in, settings and filter lists are not read again after every save."""
    return plan_cache.cached(plan(), metric, params, lambda: call(metric, params))


def cached_for_plan(name: str, make):
    """``make()``, kept per plan version like run_for_plan (for values built from its
    results)."""
    return plan_cache.cached(plan(), name, {}, make)


def plan() -> tuple:
    """This data version's plan key (the day does not enter it)."""
    return context_of(date.today()).plan


def run_for_display(metric: str, columns: tuple[str, ...], **params) -> pa.Table:
    """The ``columns`` of run()'s Arrow table, with exact decimals as floats, for a table
    to show (downloads use run()'s exact values). Made once per data version."""
    exact = run(metric, **params)
    key = ("for display", metric, key_of(params), columns)
    return cached(run_state().results, key, lambda: decimals_as_floats(exact.select(columns)))


def derived(metric: str, make, *args, **params):
    """``make(run(metric, **params), *args)``: what a page builds from a metric's result
    to show it (a chart, a display table), made once per data version and shared by
    every session, so callers must not change it. Plotly validates every property as a
    figure is built, which cost a fifth of a warm Overview run; showing one only reads it."""
    result = run(metric, **params)
    key = ("derived", metric, make.__module__, make.__qualname__, args, key_of(params))
    return cached(run_state().results, key, lambda: make(result, *args))


def decimals_as_floats(table: pa.Table) -> pa.Table:
    floats = [
        pa.field(f.name, pa.float64()) if pa.types.is_decimal(f.type) else f for f in table.schema
    ]
    return table.cast(pa.schema(floats))


def call(metric: str, params: dict):
    module, _, name = metric.rpartition(".")
    function = getattr(READ_MODULES[module or "metrics"], name)
    if takes_context(function) and "as_of" in params:
        params = {**params, "ctx": context_of(params["as_of"])}
    return function(cursor(), **params)


@functools.cache
def takes_context(function) -> bool:
    return "ctx" in inspect.signature(function).parameters


def context_of(as_of: date) -> metrics.Context:
    """metrics.context for ``as_of``, read once per data version (everything in it
    moves only with a write)."""
    return cached(run_state().results, ("context", as_of), lambda: metrics.context(cursor(), as_of))


def run_daily(metric: str, **params):
    """Like run(), but kept for the day: for slow figures over all history (such as
    median time in stage) that one edit cannot move meaningfully."""
    results = _daily(database_path(), date.today())
    return cached(results, (metric, key_of(params)), lambda: call(metric, params))


@st.cache_resource(max_entries=2, show_spinner=False)
def _daily(path: str, day: date) -> dict:
    return {}


def stored_settings() -> dict[str, str]:
    return run_for_plan("settings.stored")


def setting(key: str, default: str) -> str:
    return stored_settings().get(key) or default


def now() -> datetime:
    """The current time to the minute: fresh enough for "overdue" and "stale", and
    stable within a minute so cached results are reused."""
    return datetime.now().replace(second=0, microsecond=0)


def is_demo() -> bool:
    return "demo_anchor" in stored_settings()


def import_files(request: importer.Request, *, write: bool, progress=None) -> importer.Report:
    """Run (or preview) an import as the signed-in user, on a cursor of its own."""
    user = st.session_state["signed_in_user"]
    con = write_cursor() if write else cursor()
    return importer.run(con, request, actor_id=user.id, write=write, progress=progress)


def inspect_files(
    source: str, paths: list[Path], names: list[str], mapping: fields.Mapping | None
) -> list[importer.Inspected]:
    """importer.inspect, kept for these uploaded files: the mapping form reruns the page
    on every choice, and inspecting reads each file through (about 1.7 s for two files
    of 150 MB)."""
    mapping_json = None if mapping is None else json.dumps(mapping.to_json(), sort_keys=True)
    return _inspect(source, tuple(map(str, paths)), tuple(names), mapping_json)


@st.cache_data(max_entries=16, show_spinner="Reading the files' columns…")
def _inspect(source: str, paths: tuple, names: tuple, mapping_json: str | None) -> list:
    # An upload's saved path names its upload id, so a new upload is a new key.
    mapping = None if mapping_json is None else fields.Mapping.from_json(json.loads(mapping_json))
    return importer.inspect(source, [Path(p) for p in paths], list(names), mapping)


def remembered_mapping() -> fields.Mapping | None:
    return importer.remembered_mapping(cursor())


def remember_mapping(mapping: fields.Mapping) -> None:
    importer.remember_mapping(write_cursor(), mapping)


def save_settings(user, values: dict) -> list[str]:
    return settings.save(write_cursor(), user, values)


def save_stages(user, edited) -> int:
    return settings.save_stages(write_cursor(), user, edited)


def save_quota_plan(user, edited, year_start: date) -> int:
    return quotas.save_plan(write_cursor(), user, edited, year_start)


def upload_quotas(user, path, name: str) -> int:
    return quotas.upload(write_cursor(), user, path, name)


def close_missing_deals(user, deal_ids: list[int]) -> int:
    return missing_deals.close(write_cursor(), user, deal_ids)


def keep_missing_deals(user, deal_ids: list[int]) -> int:
    return missing_deals.keep(write_cursor(), user, deal_ids)


def deal_owners() -> list:
    """Active reps and managers: the people an import's unknown owner can map to."""
    return [u for u in users.active_users(cursor()) if u.role in users.DEAL_OWNER_ROLES]


def backup() -> bytes:
    return exporting.backup(cursor())
