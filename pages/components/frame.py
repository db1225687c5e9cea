"""The frame: page setup, navigation and shared filters, run around every page.

Streamlit treats an app with a `pages/` folder in its legacy multipage mode until the
first call to st.navigation. So in the first session after a server start, a deep link
such as /overview runs pages/overview.py directly, without this frame. `ensure()`
catches that run and runs the frame around it; its st.navigation ends legacy mode for
the whole server, so the same URL then goes through the frame like any other.
"""

from __future__ import annotations

import streamlit as st

from pages.components import auth, data, filters
from pipeline import permissions, users


def pages(user: users.User | None = None) -> list:
    """Every page of the app, in navigation order. A page is listed only once it works;
    pages the signed-in user's role cannot use are kept (so their links resolve) but
    hidden, and the page itself says why.

    The default page is served at the root URL (its own url_path is only reserved), so
    Overview also gets a hidden alias at /overview for links and bookmarks that name it.
    Each page's url_path is its file name, which is also what Streamlit's legacy mode
    resolves a deep link to.
    """
    return [
        st.Page(
            "pages/overview.py",
            title="Overview",
            icon=":material/dashboard:",
            url_path="home",
            default=True,
        ),
        st.Page("pages/overview.py", title="Overview", url_path="overview", visibility="hidden"),
        st.Page(
            "pages/my_deals.py",
            title="My deals",
            icon=":material/handshake:",
            url_path="my_deals",
            visibility=shown_if(user is not None and permissions.works_deals(user)),
        ),
        st.Page(
            "pages/data_settings.py",
            title="Data & settings",
            icon=":material/settings:",
            url_path="data_settings",
            visibility=shown_if(user is not None and permissions.manages_data(user)),
        ),
    ]


def shown_if(allowed: bool) -> str:
    return "visible" if allowed else "hidden"


def run() -> None:
    st.set_page_config(page_title="Sales pipeline", page_icon=":material/insights:", layout="wide")
    problem = data.open_database()
    if problem:
        st.navigation(pages(), position="hidden")
        st.error(problem, icon="⚠️")
        st.stop()
    with data.one_version_per_run():  # sign-in and page read one data version
        user = auth.current_user()
        page = st.navigation(pages(user), position="sidebar" if user else "hidden")
        if user is None:
            auth.sign_in()
            st.stop()
        st.session_state["signed_in_user"] = user
        auth.sidebar(user)
        st.session_state["filters"] = filters.sidebar()
        page.run()


def ensure() -> None:
    """Called by pages: a run that bypassed the frame (see the module docstring) runs
    the frame here instead, which runs the page inside it, and ends. The frame marks
    its runs (data.one_version_per_run), so an unmarked page run did not come through
    it. AppTest, which starts every run in legacy mode, runs a page it switched to that
    way each time; running the frame in the same run keeps that run's clicks."""
    if not data.in_page_run():
        run()
        st.stop()
