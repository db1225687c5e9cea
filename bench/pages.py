"""Page timings under Streamlit's AppTest: the whole script run, as a session sees it.

For each page, signed in as the person who uses it:
- cold: the first run in a fresh process state (no cached results, no connection);
- warm: later runs, results served from the cache (nothing changed meanwhile);
- after a write: each run follows a new change-log entry of a deal save: every result
  keyed by the data version is recomputed (quotas, kept per plan version, and day-long
  results are kept, as they are after a real deal save);
- floor: the SQL statements that run issued, replayed directly on the connection;
- and an empty page run, Streamlit's fixed cost per run.
Ratio = after-a-write p50 / (floor p50 + empty page p50).
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.recording import Recorder, replay
from bench.timing import Timing, elapsed_ms, repeat
from pipeline import db, plan_cache

ROOT = Path(__file__).resolve().parents[1]
EMPTY_PAGE = "import streamlit as st\n\nst.title('Empty page')\n"
TIMEOUT_S = 600


@dataclass(frozen=True)
class PageCase:
    key: str  # what the rest of the benchmark calls this case by
    name: str
    page: str  # relative to dashboard.py
    user_id: int
    who: str
    tab: tuple[str, str] | None = None  # (widget key, label) of the tab to open first


@dataclass(frozen=True)
class PageResult:
    case: PageCase
    cold_ms: float
    warm: Timing
    after_write: Timing
    floor: Timing
    statements: int
    empty: Timing

    @property
    def ratio(self) -> float:
        return self.after_write.p50 / (self.floor.p50 + self.empty.p50)


def cases(con: duckdb.DuckDBPyConnection) -> dict[str, PageCase]:
    """Overview as the executive (the whole company), My deals as the rep with the most
    open deals and as an admin (every open deal: the longest list), Data & settings as
    an admin on the tab it opens on and on data health (counts over every deal),
    Pipeline & forecast, Pipeline review and Activities & health as the executive (the
    whole company; the review over the last 7 days; activities on the tab it opens on and
    on the health per rep), and the review's meeting as the manager of the team
    with the most open deals."""
    executive = db.dict_row(con, "SELECT id, name FROM users WHERE role = 'executive' LIMIT 1", {})
    admin = db.dict_row(con, "SELECT id, name FROM users WHERE role = 'admin' LIMIT 1", {})
    rep = db.dict_row(
        con,
        """
        SELECT owner.id, owner.name, count(*) AS deals
        FROM deals AS deal JOIN users AS owner ON owner.id = deal.owner_id
        WHERE deal.status = 'open' AND owner.role = 'rep'
        GROUP BY owner.id, owner.name ORDER BY deals DESC, owner.id LIMIT 1
        """,
        {},
    )
    manager = db.dict_row(
        con,
        """
        SELECT team.manager_id AS id, count(*) AS deals
        FROM deals AS deal JOIN users AS owner ON owner.id = deal.owner_id
        JOIN teams AS team ON team.id = owner.team_id
        WHERE deal.status = 'open' AND team.manager_id IS NOT NULL
        GROUP BY team.manager_id ORDER BY deals DESC, team.manager_id LIMIT 1
        """,
        {},
    )
    found = [
        PageCase("overview", "Overview", "pages/overview.py", executive["id"],
                 "executive, whole company"),
        PageCase("my_deals", "My deals", "pages/my_deals.py", rep["id"],
                 f"rep with the most open deals ({rep['deals']:,})"),
        PageCase("my_deals_admin", "My deals", "pages/my_deals.py", admin["id"],
                 "admin, every open deal"),
        PageCase("data_settings", "Data & settings", DATA_SETTINGS, admin["id"],
                 "admin, Import tab (it opens on)"),
        PageCase("data_health", "Data & settings", DATA_SETTINGS, admin["id"],
                 "admin, Data health tab", tab=("data_tab", "Data health")),
        PageCase("pipeline_forecast", "Pipeline & forecast", "pages/pipeline_forecast.py",
                 executive["id"], "executive, whole company, this quarter"),
        PageCase("pipeline_review", "Pipeline review", REVIEW, executive["id"],
                 "executive, whole company, last 7 days"),
        PageCase("activities_health", "Activities & health", "pages/activities_health.py",
                 executive["id"], "executive, whole company, quarter to date"),
        PageCase("rep_health", "Activities & health", "pages/activities_health.py",
                 executive["id"], "executive, whole company, Health tab",
                 tab=("activity_section", "Health")),
        PageCase("funnel", "Funnel & conversion", "pages/funnel.py", executive["id"],
                 "executive, whole company, quarter to date"),
        PageCase("funnel_conversion", "Funnel & conversion", "pages/funnel.py",
                 executive["id"], "executive, whole company, Conversion tab",
                 tab=("funnel_section", "Conversion")),
        PageCase("planning", "Planning", "pages/planning.py", admin["id"],
                 "admin, the company's plan for next year"),
        PageCase("reverse_funnel", "Planning", "pages/planning.py", executive["id"],
                 "executive, whole company, Reverse funnel tab",
                 tab=("planning_section", "Reverse funnel")),
        PageCase("review_meeting", "Pipeline review", REVIEW, manager["id"],
                 f"manager of the largest team ({manager['deals']:,} open deals), Meeting tab",
                 tab=("review_section", "Meeting")),
    ]  # fmt: skip
    return {case.key: case for case in found}


REVIEW = "pages/pipeline_review.py"
DATA_SETTINGS = "pages/data_settings.py"


def open_page(case: PageCase) -> AppTest:
    """An AppTest session signed in as the case's user, switched to its page (whose next
    run is its first). Another page is reached from one run of the default page: AppTest
    switches to a page by the pages st.navigation registered in an earlier run."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT_S)
    at.session_state["user_id"] = case.user_id
    if case.page != "pages/overview.py":
        checked_run(at)
        at.switch_page(case.page)
    if case.tab:
        key, label = case.tab
        at.session_state[key] = label
    return at


def checked_run(at: AppTest) -> AppTest:
    at.run()
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].value}")
    return at


def require_frame(at: AppTest) -> AppTest:
    """The run went through the frame (sign-in, shared filters), as a browser's does."""
    if not any(widget.key == FRAME_WIDGET for widget in at.button):
        raise RuntimeError("the page ran without the frame around it")
    return at


FRAME_WIDGET = "sign_out"  # the sidebar's sign-out button (pages/components/auth.py)


def forget_everything() -> None:
    """Empty Streamlit's caches, which also lets go of the app's database connection
    (so another process, such as the load test's server, can open the file)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    plan_cache.clear()
    gc.collect()


def measure(path: Path, case: PageCase, runs: int, empty: Timing) -> PageResult:
    os.environ[db.ENV_VAR] = str(path)
    at = open_page(case)
    forget_everything()  # the cold run starts without cached results or connection

    def page_run() -> None:
        require_frame(checked_run(at))

    cold = elapsed_ms(page_run)
    warm = repeat(page_run, runs)
    con = db.connect(path)  # the same DuckDB instance the app holds (same process)
    try:
        after_write = repeat(page_run, runs, before=lambda: new_version(con))
        new_version(con)
        recorder = record_statements(at)
        floor = replay(con, recorder.statements, runs)
    finally:
        con.close()
    return PageResult(case, cold, warm, after_write, floor, recorder.executed(), empty)


def new_version(con: duckdb.DuckDBPyConnection) -> None:
    """What every deal save does to the cache: a new data version (and nothing else)."""
    db.record_change(con, "deal", summary="Benchmark: a new data version, as a deal save makes")


def record_statements(at: AppTest) -> Recorder:
    """Run the page once, noting every statement it executes."""
    from pages.components import store

    recorder = Recorder()
    real_cursor = store.cursor
    store.cursor = lambda: recorder.wrap(real_cursor())
    try:
        checked_run(at)
    finally:
        store.cursor = real_cursor
    return recorder


def meeting_steps(path: Path, case: PageCase, runs: int) -> Timing:
    """The meeting started, then Next pressed ``runs`` times: each run draws the next
    agenda deal (its card, its changes in the window, its activities) for the first
    time, with the rest of the page served from the cache."""
    os.environ[db.ENV_VAR] = str(path)
    at = open_page(case)
    require_frame(checked_run(at))
    at.button(key="meeting_start").click()
    checked_run(at)
    agenda = len(at.session_state["review_meeting"]["agenda"])
    if agenda < 2:
        raise RuntimeError("the meeting's agenda has fewer than two deals to step through")

    def step() -> None:
        at.button(key="meeting_next").click()
        require_frame(checked_run(at))

    return repeat(step, min(runs, agenda - 1))


def empty_page(runs: int) -> Timing:
    at = AppTest.from_string(EMPTY_PAGE, default_timeout=TIMEOUT_S)
    checked_run(at)
    return repeat(lambda: checked_run(at), runs)
