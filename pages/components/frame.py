"""The frame: page setup, sign-in, navigation and the shared filters, run around every
page.

Streamlit treats an app with a `pages/` folder in its legacy multipage mode until the
first call to st.navigation. So in the first session after a server start, a deep link
such as /overview runs pages/overview.py directly, without this frame. `start()`, which
every page calls first, catches that run and runs the frame around it; its
st.navigation ends legacy mode for the whole server, so the same URL then goes through
the frame like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from pages.components import auth, filters, store
from pipeline import permissions, users


def every_filter(user: users.User) -> tuple[str, ...]:
    return filters.NAMES


def workspace_filters(user: users.User) -> tuple[str, ...]:
    """My deals lists today's deals: no as-of date or period; a rep's are their own."""
    return () if user.role == "rep" else ("team", "rep")


def review_filters(user: users.User) -> tuple[str, ...]:
    """A review looks at a team or one rep, now; a rep's is their own 1:1."""
    return () if user.role == "rep" else ("team", "rep")


def no_filters(user: users.User) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url_path: str
    filters: object  # (user) -> the shared filters the page uses and the sidebar shows
    allowed: object = None  # (user) -> bool; None: everyone signed in


PAGES = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "overview", every_filter),
    PageSpec(
        "pages/pipeline_forecast.py", "Pipeline & forecast", ":material/trending_up:",
        "pipeline_forecast", every_filter,
    ),
    PageSpec(
        "pages/pipeline_review.py", "Pipeline review", ":material/groups:", "pipeline_review",
        review_filters,
    ),
    PageSpec(
        "pages/funnel.py", "Funnel & conversion", ":material/filter_alt:", "funnel",
        every_filter,
    ),
    PageSpec(
        "pages/planning.py", "Planning", ":material/event_note:", "planning", every_filter,
    ),
    PageSpec(
        "pages/activities_health.py", "Activities & health", ":material/monitor_heart:",
        "activities_health", every_filter,
    ),
    PageSpec(
        "pages/my_deals.py", "My deals", ":material/handshake:", "my_deals", workspace_filters,
        permissions.works_deals,
    ),
    PageSpec(
        "pages/data_settings.py", "Data & settings", ":material/settings:", "data_settings",
        no_filters, permissions.manages_data,
    ),
)  # fmt: skip
FILTERS_OF = {spec.url_path: spec.filters for spec in PAGES} | {"": PAGES[0].filters}


def pages(user: users.User | None = None) -> list:
    """Every page of the app, in navigation order. Pages the signed-in user's role
    cannot use are kept (so their links resolve) but hidden, and the page itself says
    why.

    The default page is served at the root URL (its own url_path is only reserved), so
    Overview also gets a hidden alias at /overview for links and bookmarks that name it.
    Each page's url_path is its file name, which is also what Streamlit's legacy mode
    resolves a deep link to.
    """
    first, *rest = PAGES
    listed = [
        st.Page(first.file, title=first.title, icon=first.icon, url_path="home", default=True),
        st.Page(first.file, title=first.title, url_path=first.url_path, visibility="hidden"),
    ]
    for spec in rest:
        allowed = user is not None and (spec.allowed is None or spec.allowed(user))
        listed.append(
            st.Page(
                spec.file,
                title=spec.title,
                icon=spec.icon,
                url_path=spec.url_path,
                visibility="visible" if allowed else "hidden",
            )
        )
    return listed


def run() -> None:
    st.set_page_config(page_title="Sales pipeline", page_icon=":material/insights:", layout="wide")
    problem = store.open_database()
    if problem:
        st.navigation(pages(), position="hidden")
        st.error(problem, icon="⚠️")
        st.stop()
    with store.one_version_per_run():  # sign-in and page read one data version
        user = auth.current_user()
        page = st.navigation(pages(user), position="sidebar" if user else "hidden")
        if user is None:
            auth.sign_in()
            st.stop()
        st.session_state["signed_in_user"] = user
        auth.sidebar(user)
        shown = FILTERS_OF.get(page.url_path, no_filters)(user)
        st.session_state["filters"] = filters.sidebar(user, shown)
        page.run()


def start() -> filters.Filters | None:
    """The first call of every page: a run that bypassed the frame (see the module
    docstring) runs the frame here instead, which runs the page inside it, and ends.
    Returns the shared filters (None on a page without them).

    The frame marks its runs (store.one_version_per_run), so an unmarked page run did
    not come through it. AppTest, which starts every run in legacy mode, runs a page it
    switched to that way each time; running the frame in the same run keeps that run's
    clicks."""
    if not store.in_page_run() or "signed_in_user" not in st.session_state:
        run()
        st.stop()
    return st.session_state.get("filters")
