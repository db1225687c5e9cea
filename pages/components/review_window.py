"""The window a pipeline review compares: since the scope's last review by default, or
any two instants. A custom window is kept in the URL (?since=…&until=…, to the minute)
so a link reproduces the exact view."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import streamlit as st

from pages.components import data, kept, outcome
from pipeline import reviews, validation

MODE = "review_window_mode"
SINCE_LAST = "Since the last review"
CUSTOM = "Custom"
FIELDS = ("since_day", "since_time", "until_day", "until_time")
URL_FORMAT = "%Y-%m-%dT%H:%M"


def is_live() -> bool:
    """Whether the window runs to now (else it is a custom, fixed one)."""
    return st.session_state.get(MODE, SINCE_LAST) == SINCE_LAST


def parse(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text, URL_FORMAT) if text else None
    except ValueError:
        return None


def from_url() -> str:
    """The window's mode on the session's first look: a link's custom window wins (its
    instants become the From and To boxes' first values)."""
    since, until = parse(st.query_params.get("since")), parse(st.query_params.get("until"))
    if not (since and until):
        return SINCE_LAST
    instants = (since.date(), since.time(), until.date(), until.time())
    for name, value in zip(FIELDS, instants, strict=True):
        kept.seed(name, value)
    return CUSTOM


def choose(team_id: int | None, owner_id: int | None, now: datetime) -> dict | None:
    """The window as figure parameters, or None (with the reason shown) when the chosen
    one cannot be used. "Since the last review" runs to now: to the end of the current
    minute (``now`` is the minute's start), so a deal won a moment ago is in it."""
    default_start, default_end = data.run(
        reviews.window_for, team_id=team_id, owner_id=owner_id, now=now + timedelta(minutes=1)
    )
    mode = (
        st.segmented_control("Window", [SINCE_LAST, CUSTOM], **kept.widget(MODE, from_url))
        or SINCE_LAST
    )
    if mode == SINCE_LAST:
        for name in ("since", "until"):
            st.query_params.pop(name, None)
        return {"window_start": default_start, "window_end": default_end}
    defaults = dict(zip(FIELDS, (default_start.date(), default_start.time(), default_end.date(),
                                 default_end.time()), strict=True))  # fmt: skip
    boxes = {name: kept.widget(name, lambda name=name: defaults[name]) for name in FIELDS}
    since_day, since_time, until_day, until_time = st.columns(4)
    start = datetime.combine(
        since_day.date_input("From", format="YYYY-MM-DD", **boxes["since_day"]),
        since_time.time_input("at", step=900, **boxes["since_time"]) or time(0),
    )
    end = datetime.combine(
        until_day.date_input("To", format="YYYY-MM-DD", **boxes["until_day"]),
        until_time.time_input("at", step=900, **boxes["until_time"]) or time(0),
    )
    try:
        reviews.check_window(start, end, now)
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
        return None
    st.query_params["since"] = start.strftime(URL_FORMAT)
    st.query_params["until"] = end.strftime(URL_FORMAT)
    return {"window_start": start, "window_end": end}
