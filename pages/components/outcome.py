"""Messages that must outlive the rerun that produced them."""

from __future__ import annotations

import streamlit as st

from pages.components import store
from pages.components.format import markdown_text
from pipeline import validation


def show_problems(exc: validation.ValidationError) -> None:
    """Each refused field on a line of its own, as text."""
    for problem in exc.problems:
        st.error(markdown_text(str(problem)))


def remember(key: str, text: str) -> None:
    """Keep what a save did on screen until the data changes again. A table editor
    whose data just changed reruns the page once more, which would wipe a message
    shown only in the run of the button press."""
    st.session_state[key] = (store.data_version(), text)


def show(key: str) -> None:
    version, text = st.session_state.get(key, (None, None))
    if text and version == store.data_version():
        st.success(markdown_text(text))
