"""Widgets whose value the app keeps, rather than Streamlit's widget state.

A widget seeded once through st.session_state (from a link, or a default) and then
left to Streamlit can lose its value: when a click reruns the page before the browser
has drawn that widget, the rerun carries no state for it, and the widget comes back
at its first option (seen under load: a link's month-to-date view turning into year to
date). Here the value lives under a session key of the app's own; every run gives it
to the widget before the widget is drawn, and the widget's on_change brings a
person's choice back to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

VALUES = "kept_widget_values"


def widget(
    key: str,
    initial: Callable[[], Any],
    valid: Callable[[Any], bool] = lambda _: True,
    then: Callable[[], None] | None = None,
) -> dict:
    """Before drawing the widget ``key``: give it its kept value (``initial()`` the first
    time, or when the kept one is no longer ``valid``). Returns the keyword arguments
    that tie the widget to it: ``st.selectbox(..., **kept.widget(...))``. ``then`` runs
    after a person's change has been kept."""
    values = st.session_state.setdefault(VALUES, {})
    if key not in values or not valid(values[key]):
        values[key] = initial()
    st.session_state[key] = values[key]
    return {"key": key, "on_change": keep, "args": (key, then)}


def keep(key: str, then: Callable[[], None] | None = None) -> None:
    """on_change of a kept widget: the person's choice is the value to keep."""
    st.session_state.setdefault(VALUES, {})[key] = st.session_state[key]
    if then is not None:
        then()


def value(key: str) -> Any:
    """The kept value of ``key`` (drawn on this run or not)."""
    return st.session_state[VALUES][key]


def set_value(key: str, new: Any) -> None:
    """Change the kept value of ``key`` (from another widget's on_change)."""
    st.session_state.setdefault(VALUES, {})[key] = new


def seeded(key: str) -> bool:
    """Whether ``key`` has a kept value yet (a session's first look has happened)."""
    return key in st.session_state.get(VALUES, {})


def seed(key: str, value: Any) -> None:
    """Give the widget ``key`` a first value to keep, unless it has one."""
    st.session_state.setdefault(VALUES, {}).setdefault(key, value)
