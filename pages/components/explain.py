"""'How is this computed?': the plain-words definitions and the SQL behind a section's
figures, read from the figure functions themselves (pipeline.figures), so they cannot
drift from what runs."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pipeline import query
from pipeline.figures import DEFINITIONS


def explanation(*figures: Callable) -> tuple[list[str], list[str], list[str]]:
    """The definitions, query files and staging macros behind ``figures``, each once,
    in the order the figures name them."""
    definitions = list(dict.fromkeys(d for f in figures for d in f.definitions))
    files = list(dict.fromkeys(name for f in figures for name in f.sql_files))
    macros = list(
        dict.fromkeys(m for name in files for m in query.macros_used(query.sql_text(name)))
    )
    return definitions, files, macros


def how_computed(key: str, *figures: Callable) -> None:
    """A popover with the definitions of the figures in a section, their SQL files and
    the staging macros those read.

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
    definitions, files, macros = explanation(*figures)
    with popover:
        for name in definitions:
            st.markdown(f"- {DEFINITIONS[name]}")
        st.caption("The exact queries, run with bound parameters on the as-of date and scope:")
        for name in files:
            st.code(query.sql_text(name), language="sql")
            st.caption(f"`pipeline/sql/{name}.sql`")
        if macros:
            st.caption(
                "The staging macros they read (`pipeline/sql/staging`): " + ", ".join(macros)
            )
            for name in macros:
                st.code(query.staging_macros()[name], language="sql")
