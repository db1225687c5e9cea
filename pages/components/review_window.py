"""The window a pipeline review compares: since the scope's last review by default, or
any two instants. A custom window is kept in the URL (?since=…&until=…, to the minute)
so a link reproduces the exact view."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import streamlit as st

from pages.components import data, outcome
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


def load_from_url() -> None:
    """A link's custom window wins on the session's first run."""
    if MODE in st.session_state:
        return
    since, until = parse(st.query_params.get("since")), parse(st.query_params.get("until"))
    if since and until:
        st.session_state[MODE] = CUSTOM
        st.session_state["since_day"], st.session_state["since_time"] = since.date(), since.time()
        st.session_state["until_day"], st.session_state["until_time"] = until.date(), until.time()
    else:
        st.session_state[MODE] = SINCE_LAST


def choose(team_id: int | None, owner_id: int | None, now: datetime) -> dict | None:
    """The window as figure parameters, or None (with the reason shown) when the chosen
    one cannot be used. "Since the last review" runs to now: to the end of the current
    minute (``now`` is the minute's start), so a deal won a moment ago is in it."""
    load_from_url()
    default_start, default_end = data.run(
        reviews.window_for, team_id=team_id, owner_id=owner_id, now=now + timedelta(minutes=1)
    )
    mode = st.segmented_control("Window", [SINCE_LAST, CUSTOM], key=MODE) or SINCE_LAST
    if mode == SINCE_LAST:
        for name in ("since", "until"):
            st.query_params.pop(name, None)
        return {"window_start": default_start, "window_end": default_end}
    defaults = (default_start.date(), default_start.time(), default_end.date(), default_end.time())
    for name, value in zip(FIELDS, defaults, strict=True):
        st.session_state.setdefault(name, value)
    since_day, since_time, until_day, until_time = st.columns(4)
    start = datetime.combine(
        since_day.date_input("From", key="since_day", format="YYYY-MM-DD"),
        since_time.time_input("at", key="since_time", step=900) or time(0),
    )
    end = datetime.combine(
        until_day.date_input("To", key="until_day", format="YYYY-MM-DD"),
        until_time.time_input("at", key="until_time", step=900) or time(0),
    )
    try:
        reviews.check_window(start, end, now)
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
        return None
    st.query_params["since"] = start.strftime(URL_FORMAT)
    st.query_params["until"] = end.strftime(URL_FORMAT)
    return {"window_start": start, "window_end": end}
