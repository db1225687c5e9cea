"""The frame and Overview page under Streamlit's AppTest, on real database files."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline import db, demo, query
from pipeline.figures import DEFINITIONS, attainment
from tests.apptest import start_app

EXECUTIVE = 1  # Erin Exec in tests/fixtures/tiny.sql; the demo's first user is its executive


@pytest.fixture
def app(monkeypatch):
    def start(path: Path, *, user: int | None = EXECUTIVE, **query) -> AppTest:
        return start_app(monkeypatch, path, user, **query)

    yield start
    st.cache_resource.clear()  # closes no file, but forgets the connection


def metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def shown(markdown: str) -> str:
    """Markdown source as the reader sees it: escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def open_tab(at: AppTest, label: str) -> AppTest:
    """Select a tab of the attainment tables (only the open one is computed)."""
    at.session_state["attainment_tab"] = label
    return at.run()


def progress_texts(at: AppTest) -> list[str]:
    return [shown(element.proto.text) for element in at.get("progress")]


def test_overview_on_the_tiny_fixture(app, tiny_path):
    at = app(tiny_path, as_of="2026-11-18")
    assert not at.exception
    assert metric(at, "Year to date · won").value == "$53,502"
    assert metric(at, "Quarter to date · won").value == "$42,501"
    assert metric(at, "Month to date · won").value == "$30,501"
    assert metric(at, "Week to date · won").value == "$23,000"
    assert progress_texts(at) == [
        "Attainment 17.8% of $300,000.00 quota",
        "Attainment 56.7% of $75,000.00 quota",
        "Attainment 122.0% of $25,000.00 quota",
        "Attainment 394.3% of $5,833.33 quota",
    ]
    captions = [shown(c.value) for c in at.caption]
    assert "Pace $265,000.00 · Gap $246,498.50" in captions  # YTD
    assert "Pace $2,500.00 · Gap -$17,166.67" in captions  # WTD: 5,833.33 - 23,000
    assert metric(at, "Commit forecast").value == "$93,501"
    assert metric(at, "Best-case forecast").value == "$123,501"
    assert metric(at, "Coverage").value == "2.49x"
    assert (
        "Closed $42,501.00 · Commit $51,000.00 · Best case $30,000.00 · "
        "Open pipeline $81,000.00 (weighted $55,800.00)"
    ) in captions
    assert len(at.dataframe) == 1  # the By team tab; By rep is not computed until opened
    teams = at.dataframe[0].value
    assert list(teams["Team"]) == ["East", "Empty", "West"]
    assert list(teams["Won"]) == [22501.00, 0.0, 20000.00]
    assert list(teams["Quota"].fillna(-1)) == [54000.00, -1, 24000.00]  # Empty: no quota
    open_tab(at, "By rep")
    assert not at.exception and len(at.dataframe) == 1
    reps = at.dataframe[0].value.set_index("Rep")
    assert reps.loc["Ann Rep", ["Won", "Quota", "Pace", "Gap"]].tolist() == [
        15000.25, 30000.00, 16000.00, 14999.75
    ]  # fmt: skip
    assert reps.loc["Bob Rep", "Vs pace"] == -5299.25  # 7,500.75 - (8,000 + 8,000 x 18/30)


def test_changing_a_filter_changes_the_figures(app, tiny_path):
    at = app(tiny_path, as_of="2026-11-18")
    at.selectbox(key="filter_team").select(2).run()  # West: Cal and Dee
    assert not at.exception
    assert metric(at, "Quarter to date · won").value == "$20,000"
    assert at.query_params["team"] == "2"
    assert at.selectbox(key="filter_rep").options == ["All reps", "Cal Rep", "Dee Rep"]
    at.selectbox(key="filter_rep").select(7).run()  # Dee: no quota
    assert metric(at, "Year to date · won").value == "$4,000"
    assert "No quota set for this scope and period." in [c.value for c in at.caption]
    at.date_input(key="filter_as_of").set_value(date(2026, 11, 17)).run()
    at.selectbox(key="filter_team").select(0).run()  # all teams again: the rep is cleared
    assert at.selectbox(key="filter_rep").value == 0
    assert metric(at, "Week to date · won").value == "$3,000"  # Cal's win was on the 18th


def test_filters_chosen_on_one_page_hold_on_the_next(app, tiny_path):
    """Each page draws the sidebar from a script of its own, so Streamlit sees new
    widgets: the choices made must still reach them, not their first option (YTD, all
    teams, all reps)."""
    at = app(tiny_path, as_of="2026-11-18")
    at.selectbox(key="filter_period").select("MTD").run()
    at.selectbox(key="filter_team").select(2).run()  # West: Cal and Dee
    at.selectbox(key="filter_rep").select(7).run()  # Dee
    for page in ("pages/funnel.py", "pages/pipeline_forecast.py", "pages/activities_health.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert at.selectbox(key="filter_period").value == "MTD"
        assert at.selectbox(key="filter_team").value == 2
        assert at.selectbox(key="filter_rep").value == 7
        assert at.query_params["period"] == "MTD" and at.query_params["rep"] == "7"


def test_the_url_sets_the_filters(app, tiny_path):
    at = app(tiny_path, as_of="2026-11-18", team="1", period="YTD")
    assert at.selectbox(key="filter_team").value == 1
    assert at.selectbox(key="filter_period").value == "YTD"
    # East: 5,000.50 + 12,000.25 + 3,000 + 7,500.75 + 2,000 = 29,501.50, shown whole
    assert metric(at, "Year to date · won").value == "$29,502"
    reps = open_tab(at, "By rep").dataframe[0].value
    assert list(reps["Rep"]) == ["Ann Rep", "Bob Rep"]


def test_bad_url_values_are_ignored(app, tiny_path):
    at = app(tiny_path, as_of="yesterday", team="999", rep="x", period="DTD")
    assert not at.exception
    assert at.selectbox(key="filter_team").value == 0
    assert at.date_input(key="filter_as_of").value == date.today()


def test_a_date_before_any_data(app, tiny_path):
    at = app(tiny_path, as_of="2019-06-30")
    assert not at.exception
    assert any("The first deal was created on" in w.value for w in at.warning)
    assert metric(at, "Year to date · won").value == "$0"


@pytest.mark.file_store
def test_an_unreadable_database_gets_one_line(app, tmp_path):
    path = tmp_path / "broken.duckdb"
    path.write_text("not a database" * 100)
    at = app(path)
    assert not at.exception
    assert "is not a database this dashboard can read" in at.error[0].value


def test_overview_on_the_demo_database(app, tmp_path):
    path = demo.build(tmp_path / "demo.duckdb", demo.DemoSpec(deals=1500, as_of=date.today()))
    at = app(path)
    assert not at.exception
    assert len(at.metric) == 7
    teams = at.dataframe[0].value
    # The two regions first, each above its two teams (indented); the regions hold all 24.
    assert [name.strip("\u2003└ ") for name in teams["Team"]] == [
        "East", "Enterprise", "Mid-Market East", "West", "Mid-Market West", "SMB",
    ]  # fmt: skip
    top = ~teams["Team"].str.startswith("\u2003")
    assert teams.loc[top, "Reps"].sum() == 24


@pytest.mark.file_store
def test_first_start_without_a_database_builds_the_demo(app, tmp_path):
    path = tmp_path / "data" / "sales.duckdb"
    at = app(path, user=None)
    assert not at.exception
    assert path.exists()
    assert [t.value for t in at.toast] == [f"Created a demo database at {path}."]
    # The demo offers its personas, clearly labelled, instead of a password.
    assert "Demo: choose who you are." in at.info[0].value
    persona = at.selectbox(key="demo_persona")
    assert persona.options[0].endswith("— rep, East › Enterprise")  # reps first: most people
    assert sum(option.endswith("— executive") for option in persona.options) == 1
    persona.set_value(EXECUTIVE)
    at.button(key="demo_sign_in").click().run()
    assert not at.exception
    assert at.toast == []  # the cached preparation is replayed without a new toast
    assert len(at.metric) == 7


def chart_series(at: AppTest, key: str) -> dict[str, list]:
    """A chart's series as sent to the browser: name -> values (x for the horizontal
    forecast bars, y otherwise)."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    spec = json.loads(chart.proto.spec)
    return {
        trace["name"]: trace["x"]
        if trace.get("orientation") == "h"
        or trace["name"][:4] in ("Quot", "Pace")
        and trace.get("mode") == "lines"
        and len(set(trace["x"])) == 1
        else trace["y"]
        for trace in spec["data"]
    }


def test_overview_charts_show_the_figures_and_follow_the_running_totals_toggle(app, tiny_path):
    at = app(tiny_path, as_of="2026-11-18")
    # The quarter's forecast: closed = quarter-to-date won (42,501.00), then commit and
    # best case from the open deals closing this quarter.
    forecast = chart_series(at, "forecast_chart")
    # Quota and pace are vertical lines named in the legend: Q4 quota 75,000; pace to
    # 18 Nov: October 25,000 + November 25,000 x 18/30 = 40,000.
    assert forecast == {
        "Closed": [42501.0],
        "Commit": [51000.0],
        "Best Case": [30000.0],
        "Quota $75,000": [75000.0, 75000.0],
        "Pace $40,000": [40000.0, 40000.0],
    }
    # Shown again from the same drawn figure on the next run: unchanged.
    assert chart_series(at.run(), "forecast_chart") == forecast
    # Won per month sums to the year-to-date won in the tile's help ($53,501.50); no bar
    # for December, which has not started.
    monthly = [7000.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4000.0, 12000.25, 30500.75, None]
    assert chart_series(at, "won_by_month_chart")["Won"] == monthly
    assert sum(v for v in monthly if v) == 53501.5
    assert "Won $53,501.50 in 7 deals" in shown(metric(at, "Year to date · won").proto.help)

    at.toggle(key="overview_cumulative").set_value(True).run()
    running = chart_series(at, "won_by_month_chart")
    assert running["Won"] == [7000.5] * 8 + [11000.5, 23000.75, 53501.5, None]
    assert running["Quota"] == [25000.0 * month for month in range(1, 13)]

    at.toggle(key="overview_cumulative").set_value(False).run()
    assert chart_series(at, "won_by_month_chart")["Won"] == monthly


def test_how_is_this_computed_draws_its_definitions_and_sql_only_when_opened(app, tiny_path):
    at = app(tiny_path, as_of="2026-11-18")
    assert len(at.code) == 0  # four closed popovers send nothing but their buttons
    at.session_state["how_tiles"] = True
    at.run()
    # The SQL files themselves, as shown (st.code drops the final newline).
    files = [query.sql_text(name).rstrip("\n") for name in attainment.by_period.sql_files]
    assert attainment.by_period.sql_files == (
        "attainment/won_by_period",
        "attainment/planned_for_scope",
    )
    codes = [code.value for code in at.code]
    assert codes[:2] == files
    # then the staging macros those queries read, each once
    used = query.macros_used(files[0] + files[1])
    assert {"won_as_of", "in_scope", "monthly_quota", "prorated"} <= set(used)
    assert codes[2:] == [query.staging_macros()[name] for name in used]
    shown_markdown = [element.value for element in at.markdown]
    for name in ["won", "quota", "attainment", "pace", "gap", "vs_pace"]:
        assert f"- {DEFINITIONS[name]}" in shown_markdown
    # The tiles' figures are unchanged by opening it.
    assert metric(at, "Year to date · won").value == "$53,502"


def test_deals_in_another_currency_are_named_above_the_figures(app, tiny_path):
    con = db.connect(tiny_path)
    con.execute("UPDATE deals SET currency = 'EUR' WHERE id IN (1, 2)")
    con.close()
    at = app(tiny_path, as_of="2026-11-18")
    assert not at.exception
    warnings = [shown(w.value) for w in at.warning]
    assert warnings == [
        "Some deals are not in USD (2 in EUR). The figures add their amounts as they are, "
        "without converting them to USD."
    ]
