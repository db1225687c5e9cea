"""The quarter in focus, shared by the pages that look at one quarter's deals."""

from __future__ import annotations

from datetime import date

import streamlit as st

from pages.components import kept
from pipeline import periods

QUARTER_KEY = "focus_quarter"


def choose(day: date, fiscal_start: int) -> date:
    """Any quarter from a year back to two ahead; the one holding ``day`` by default.
    Kept in the URL (?quarter=YYYY-MM-DD) so a link reopens it."""
    options = periods.quarters_around(day, fiscal_start, before=4, after=2)
    current = periods.fiscal_quarter_start(day, fiscal_start)

    def asked_or_current() -> date:
        asked = st.query_params.get("quarter")
        return next((q for q in options if q.isoformat() == asked), current)

    quarter = st.selectbox(
        "Quarter", options, format_func=lambda q: periods.quarter_label(q, fiscal_start)
        + (" · this quarter" if q == current else ""),
        **kept.widget(QUARTER_KEY, asked_or_current, lambda q: q in options),
    )  # fmt: skip
    if quarter == current:
        st.query_params.pop("quarter", None)
    else:
        st.query_params["quarter"] = quarter.isoformat()
    return quarter
