"""'How is this computed?': the plain-words definition and the SQL behind a figure."""

from __future__ import annotations

import streamlit as st

from pipeline.metrics import DEFINITIONS, sql_text


def how_computed(key: str, definitions: list[str], queries: list[str]) -> None:
    """A popover with the definitions of the figures in a section and their SQL files.

    Its content is drawn only while it is open (opening it reruns the page): every
    element costs the server a message on each run, and these are a third of a page's.
    """
    popover = st.popover(
        "How is this computed?",
        icon=":material/functions:",
        key=f"how_{key}",
        on_change="rerun",
    )
    if not popover.open:
        return
    with popover:
        for name in definitions:
            st.markdown(f"- {DEFINITIONS[name]}")
        st.caption("The exact queries, run with bound parameters on the as-of date and scope:")
        for name in queries:
            st.code(sql_text(name), language="sql")
            st.caption(f"`pipeline/sql/{name}.sql`")
