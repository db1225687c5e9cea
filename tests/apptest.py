"""Starting the whole app under Streamlit's AppTest on a database file of the test's own."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def start_app(monkeypatch, path: Path, user: int | None, **query) -> AppTest:
    """Run dashboard.py on ``path`` with these URL parameters, signed in as the user with
    id ``user`` (None: not signed in). Caches are cleared so nothing leaks between tests."""
    monkeypatch.setenv("SALES_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query)
    if user is not None:
        at.session_state["user_id"] = user
    return at.run()


def shown(markdown: str) -> str:
    """Markdown source as the reader sees it: escapes and the invisible word joiners
    that keep addresses from becoming links removed (user and imported text reaches
    Markdown through pages.components.format.markdown_text)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")
