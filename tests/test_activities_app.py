"""Activities & health under AppTest, on the quarter of tests/test_activity.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline import db
from pipeline.figures import planning as planning_figures
from tests.apptest import shown, start_app
from tests.test_activity import ADA, ALPHA, ANN, MIA, quarter

PAGE = "pages/activities_health.py"
QUERY = {"as_of": "2026-11-18", "period": "QTD"}
SECTIONS = ("Touches", "Pipeline generated", "Health", "Clean-out")


@pytest.fixture
def quarter_path(tmp_path) -> Path:
    return quarter(tmp_path / "quarter.duckdb")


@pytest.fixture
def open_page(monkeypatch):
    def start(path: Path, user: int, **query) -> AppTest:
        at = start_app(monkeypatch, path, user, **query)
        return at.switch_page(PAGE).run()

    yield start
    st.cache_resource.clear()


def section(at: AppTest, name: str) -> AppTest:
    at.session_state["activity_section"] = name
    return at.run()


@pytest.mark.parametrize("user", [MIA, ADA, ANN])
def test_every_section_runs_for_every_role(open_page, quarter_path, user):
    at = open_page(quarter_path, user, **QUERY)
    assert not at.exception
    for name in SECTIONS:
        assert not section(at, name).exception, name


def test_the_manager_reads_her_teams_quarter(open_page, quarter_path):
    at = open_page(quarter_path, MIA, **QUERY)
    assert at.query_params["team"] == str(ALPHA)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Connect rate"] == "50%" and metrics["Outbound touches"] == "5"
    section(at, "Health")
    health = next(f.value for f in at.dataframe if "Score" in f.value.columns)
    # Flags are judged now (the as-of date sets the period): by 2 December 2026 every
    # deal of Bob's has gone stale, so none is clean and he scores 30 (coverage part only).
    assert health.set_index("Rep")["Score"].to_dict() == {"Ann Rep": 4, "Bob Rep": 30}
    at.selectbox(key="health_rep").select_index(2)  # Bob
    at.selectbox(key="health_rule").select("missing_amount").run()
    deals = next(f.value for f in at.dataframe if "days_in_stage" in f.value.columns)
    assert list(deals["name"]) == ["No amount"]
    section(at, "Clean-out")
    listed = at.data_editor[0].value if at.data_editor else None
    assert listed is not None and list(listed["Deal"])[:2] == ["Long dead", "Lately dead"]


def test_a_rep_reads_the_clean_out_list_but_cannot_act(open_page, quarter_path):
    at = section(open_page(quarter_path, ANN, **QUERY), "Clean-out")
    assert any("a manager's or an admin's" in i.value for i in at.info)


def test_pipeline_generated_is_set_against_the_reverse_funnel(open_page, quarter_path):
    """The pace of new deals and what Planning's reverse funnel says the quarter needs
    (that figure is worked out by hand in tests/test_planning.py): the page shows the
    figure's own numbers for the same scope and quarter."""
    at = section(open_page(quarter_path, MIA, **QUERY), "Pipeline generated")
    con = db.connect(quarter_path)  # the app holds it read-write: same settings
    try:
        found = planning_figures.reverse_funnel(
            con, date(2026, 11, 18), date(2026, 10, 1), "default", team_id=ALPHA
        )
    finally:
        con.close()
    assert found.quota is not None and found.needed_per_week
    expected = (
        f"{found.created_per_week:,.1f} new deals a week over the last 13 weeks; Planning's "
        f"reverse funnel needs {found.needed_per_week:,.1f} a week over the "
        f"{found.weeks_left:,.1f} weeks left to close the quarter's gap."
    )
    assert expected in [shown(c.value) for c in at.caption]
