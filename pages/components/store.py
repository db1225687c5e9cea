"""The app's one database connection, and the data version a page run reads.

One read-write connection per server process, opened lazily; every query runs on its
own cursor so concurrent sessions never share a transaction. Within one page run (the
frame wraps each in one_version_per_run) the data version is read once, so every
figure on the page comes from the same version; a write made through write_cursor()
makes the run read the version again.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import duckdb
import streamlit as st

from pipeline import db, demo, engine


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


@st.cache_resource(show_spinner=False)
def _prepared_note(path: str) -> dict:
    """What preparing the database did, until one session has been told."""
    return {"text": None}


def open_database() -> str | None:
    """Run by the frame before any page: prepare and open the database, telling the
    first session (only) what preparation did. Returns the one-line reason when the
    database cannot be opened."""
    path = database_path()
    try:
        note = _prepared_note(path)
        done = prepare(path)
        if done and note.get("done") != done:
            note.update(text=done, done=done)
        connection(path)
    except db.DatabaseError as exc:
        return str(exc)
    if note["text"]:
        text, note["text"] = note["text"], None
        st.toast(text, icon=":material/database:")
    return None


@dataclass
class RunState:
    """What a page run reads once: the connection and the data version, and what the
    run looks up by them (memo: the cached results of that version)."""

    path: str
    connection: duckdb.DuckDBPyConnection
    version: int
    memo: dict = field(default_factory=dict)


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
    with engine.cursor(shared) as reader:
        version = db.data_version(reader)
    state = RunState(path, shared, version)
    if in_page_run():
        st.session_state[RUN_STATE] = state
    return state


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the shared connection (opened by open_database)."""
    state = st.session_state.get(RUN_STATE)
    return engine.cursor(state.connection if state else connection(database_path()))


def write_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for a write: after it, the run reads the data version again."""
    if st.session_state.get(RUN_STATE) is not None:
        st.session_state[RUN_STATE] = None
    return cursor()


def data_version() -> int:
    return run_state().version
