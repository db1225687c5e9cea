"""Cached reads: a figure's result computed once per data version and shared by every
session.

``run(figure, **params)`` calls a function of ``pipeline`` (a figure, or another read
such as ``workspace.deal_record``) by reference with a cursor, and keeps the result
under (database, data version, function, parameters). Every write bumps the data
version, so an edit shows up on every page and in every session on their next run.
The cache holds the result objects themselves (no copy per run: results of thousands of
exact Decimals are slow to pickle), shared by every session, so callers must never
change a result in place.
"""

from __future__ import annotations

import functools
import inspect
import threading
import weakref
from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
import pyarrow as pa
import streamlit as st

from pages.components import store
from pipeline import plan_cache, query, settings

MAX_RESULTS = 1_000  # per data version: past it (many dates and scopes), start over


@st.cache_resource(max_entries=4, show_spinner=False)
def _results(path: str, version: int) -> dict:
    """The results computed for one data version, by (function, parameters). A few
    versions are kept for sessions still finishing a run on an older one."""
    return {}


def results() -> dict:
    """This data version's results; looked up once per run."""
    state = store.run_state()
    found = state.memo.get("results")
    if found is None:
        found = state.memo["results"] = _results(state.path, state.version)
    return found


def name_of(function: Callable) -> tuple[str, str]:
    return function.__module__, function.__qualname__


def run(function: Callable, **params):
    """``function(cursor, **params)``, cached until the next write to the database."""
    return cached(results(), (name_of(function), key_of(params)), lambda: call(function, params))


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


def cached(found: dict, key: tuple, make):
    """``found[key]``, computed by ``make()`` when missing. Two sessions missing at
    once both compute; either result is the same."""
    try:
        return found[key]
    except KeyError:
        if len(found) >= MAX_RESULTS:
            found.clear()
        return found.setdefault(key, make())


def call(function: Callable, params: dict):
    if takes_context(function) and "as_of" in params:
        params = {**params, "ctx": context_of(params["as_of"])}
    with store.cursor() as con:
        return function(con, **params)


@functools.cache
def takes_context(function) -> bool:
    return "ctx" in inspect.signature(function).parameters


def context_of(as_of: date) -> query.Context:
    """query.context for ``as_of``, read once per data version (everything in it moves
    only with a write)."""
    return cached(results(), ("context", as_of), lambda: query.context(store.cursor(), as_of))


def run_for_plan(function: Callable, **params):
    """Like run(), for results only the plan can move (people, teams, settings): kept
    across deal saves, activities and forecast calls (see pipeline.plan_cache), so the
    frame's sign-in, settings and filter lists are not read again after every save."""
    return plan_cache.cached(
        plan(), f"{function.__module__}.{function.__qualname__}", params,
        lambda: call(function, params),
    )  # fmt: skip


def cached_for_plan(name: str, make):
    """``make()``, kept per plan version like run_for_plan (for values built from its
    results)."""
    return plan_cache.cached(plan(), name, {}, make)


def plan() -> tuple:
    """This data version's plan key (the day does not enter it)."""
    return context_of(date.today()).plan


def for_display(function: Callable, columns: tuple[str, ...], **params) -> pa.Table:
    """The ``columns`` of run()'s Arrow table, with exact decimals as floats, for a table
    to show (downloads use run()'s exact values). Made once per data version."""
    exact = run(function, **params)
    key = ("for display", name_of(function), key_of(params), columns)
    return cached(results(), key, lambda: decimals_as_floats(exact.select(columns)))


def derived(function: Callable, make, *args, **params):
    """``make(run(function, **params), *args)``: what a page builds from a figure's
    result to show it (a chart, a display table), made once per data version and shared
    by every session, so callers must not change it. Plotly validates every property as
    a figure is built, which cost a fifth of a warm Overview run; showing one only
    reads it."""
    result = run(function, **params)
    key = ("derived", name_of(function), make.__module__, make.__qualname__, args, key_of(params))
    return cached(results(), key, lambda: make(result, *args))


def decimals_as_floats(table: pa.Table) -> pa.Table:
    floats = [
        pa.field(f.name, pa.float64()) if pa.types.is_decimal(f.type) else f for f in table.schema
    ]
    return table.cast(pa.schema(floats))


def run_daily(function: Callable, **params):
    """Like run(), but kept for the day: for slow figures over all history (such as
    median time in stage) that one edit cannot move meaningfully."""
    found = _daily(store.database_path(), date.today())
    return cached(found, (name_of(function), key_of(params)), lambda: call(function, params))


@st.cache_resource(max_entries=2, show_spinner=False)
def _daily(path: str, day: date) -> dict:
    return {}


def stored_settings() -> dict[str, str]:
    return run_for_plan(settings.stored)


def setting(key: str, default: str) -> str:
    return stored_settings().get(key) or default


def now() -> datetime:
    """The current time to the minute: fresh enough for "overdue" and "stale", and
    stable within a minute so cached results are reused."""
    return datetime.now().replace(second=0, microsecond=0)


def is_demo() -> bool:
    return "demo_anchor" in stored_settings()
