"""The app's one database connection and cached metric results.

One read-write connection per server process, opened lazily; every query runs on its
own cursor so concurrent sessions never share a transaction. Results are cached per
(database, data version, metric, parameters): every write bumps the data version, so
an edit shows up on every page and in every session at once. The cache holds the result
objects themselves (no copy per run: results of thousands of exact Decimals are slow
to pickle), shared by every session, so callers must never change a result in place.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import streamlit as st

from pipeline import (
    db,
    demo,
    exporting,
    health,
    metrics,
    missing_deals,
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


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the shared connection (opened by open_database)."""
    return connection(database_path()).cursor()


def data_version() -> int:
    return db.data_version(cursor())


def run(metric: str, **params):
    """The result of ``pipeline.metrics.<metric>(con, **params)`` (or, for a name such as
    "workspace.timeline", of that module's function), cached until the next write to
    the database."""
    return _cached(database_path(), data_version(), metric, tuple(sorted(params.items())))


@st.cache_resource(max_entries=512, show_spinner=False)
def _cached(path: str, version: int, metric: str, params: tuple):
    return call(metric, params)


def run_as_floats(metric: str, columns: tuple[str, ...], **params):
    """run()'s result with the exact Decimal ``columns`` as floats, for a table to show
    (downloads use run()'s exact values). Converted once per data version, not on every
    run of the page."""
    key = tuple(sorted(params.items()))
    return _cached_as_floats(database_path(), data_version(), metric, key, columns)


@st.cache_resource(max_entries=128, show_spinner=False)
def _cached_as_floats(path: str, version: int, metric: str, params: tuple, columns: tuple):
    return _cached(path, version, metric, params).astype(dict.fromkeys(columns, float))


@st.cache_resource(max_entries=64, show_spinner=False)
def _cached_daily(path: str, day: date, metric: str, params: tuple):
    return call(metric, params)


def call(metric: str, params: tuple):
    module, _, name = metric.rpartition(".")
    return getattr(READ_MODULES[module or "metrics"], name)(cursor(), **dict(params))


def run_daily(metric: str, **params):
    """Like run(), but kept for the day: for slow figures over all history (such as
    median time in stage) that one edit cannot move meaningfully."""
    return _cached_daily(database_path(), date.today(), metric, tuple(sorted(params.items())))


def setting(key: str, default: str) -> str:
    return db.get_setting(cursor(), key, default) or default


def now() -> datetime:
    """The current time to the minute: fresh enough for "overdue" and "stale", and
    stable within a minute so cached results are reused."""
    return datetime.now().replace(second=0, microsecond=0)


def is_demo() -> bool:
    return db.get_setting(cursor(), "demo_anchor") is not None


def import_files(request: importer.Request, *, write: bool, progress=None) -> importer.Report:
    """Run (or preview) an import as the signed-in user, on a cursor of its own."""
    user = st.session_state["signed_in_user"]
    return importer.run(cursor(), request, actor_id=user.id, write=write, progress=progress)


def remembered_mapping() -> fields.Mapping | None:
    return importer.remembered_mapping(cursor())


def remember_mapping(mapping: fields.Mapping) -> None:
    importer.remember_mapping(cursor(), mapping)


def save_settings(user, values: dict) -> list[str]:
    return settings.save(cursor(), user, values)


def save_stages(user, edited) -> int:
    return settings.save_stages(cursor(), user, edited)


def save_quota_plan(user, edited, year_start: date) -> int:
    return quotas.save_plan(cursor(), user, edited, year_start)


def upload_quotas(user, path, name: str) -> int:
    return quotas.upload(cursor(), user, path, name)


def close_missing_deals(user, deal_ids: list[int]) -> int:
    return missing_deals.close(cursor(), user, deal_ids)


def keep_missing_deals(user, deal_ids: list[int]) -> int:
    return missing_deals.keep(cursor(), user, deal_ids)


def deal_owners() -> list:
    """Active reps and managers: the people an import's unknown owner can map to."""
    return [u for u in users.active_users(cursor()) if u.role in users.DEAL_OWNER_ROLES]


def backup() -> bytes:
    return exporting.backup(cursor())
