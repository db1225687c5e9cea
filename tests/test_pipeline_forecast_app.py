"""Pipeline & forecast under AppTest, on the tiny fixture, as each role."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline import db, forecast_calls, users
from tests.apptest import shown, start_app

PAGE = "pages/pipeline_forecast.py"
ERIN, MIA, BOB = 1, 2, 5


@pytest.fixture
def open_page(monkeypatch):
    def start(path: Path, user: int, **query) -> AppTest:
        at = start_app(monkeypatch, path, user, as_of="2026-11-18", **query)
        return at.switch_page(PAGE).run()

    yield start
    st.cache_resource.clear()


def section(at: AppTest, name: str) -> AppTest:
    at.session_state["forecast_section"] = name
    return at.run()


def table(at: AppTest, column: str):
    """The shown table with ``column`` (read-only tables carry no key in AppTest)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


@pytest.mark.parametrize("user", [ERIN, MIA, BOB])
def test_every_section_runs_for_every_role(open_page, tiny_path, user):
    at = open_page(tiny_path, user)
    assert not at.exception
    for name in ("Coverage", "Forecast calls", "Statistical forecast", "Accuracy"):
        assert not section(at, name).exception, name


def test_the_executive_reads_the_quarter_and_the_next(open_page, tiny_path):
    at = open_page(tiny_path, ERIN)
    rollups = table(at, "Roll-up").set_index("Roll-up")
    assert rollups.loc["Commit forecast", "Amount"] == 93501.0
    assert rollups.loc["Commit forecast", "Gap to quota"] == -18501.0
    at.selectbox(key="deals_of_stage").set_value(6).run()  # Negotiation's deals
    deals = table(at, "category")
    assert list(deals["name"]) == ["Juno rollout", "Gale add-on"]
    at.selectbox(key="focus_quarter").select_index(5).run()  # next quarter
    assert at.query_params["quarter"] == "2027-01-01"
    rollups = table(at, "Roll-up").set_index("Roll-up")
    assert rollups.loc["Closed + open pipeline", "Amount"] == 10000.0
    assert any("No quota plan covers this quarter yet" in shown(c.value) for c in at.caption)


def test_a_manager_submits_the_teams_call(open_page, tiny_path):
    at = section(open_page(tiny_path, MIA), "Forecast calls")
    at.text_input(key="manager_call_commit").input("33,000")
    at.text_input(key="manager_call_best").input("40,000")
    at.button(key="manager_call_save").click().run()
    assert not at.exception
    assert [shown(s.value) for s in at.success] == ["Call submitted."]
    con = db.connect(tiny_path)
    assert con.execute(
        "SELECT commit_amount, best_case_amount FROM forecast_calls WHERE user_id = 2"
    ).fetchall() == [(33000, 40000)]
    con.close()


def test_a_reps_scope_shows_their_own_call(open_page, tiny_path):
    con = db.connect(tiny_path)
    forecast_calls.submit(
        con, users.get(con, BOB), commit="20000", best_case="25000",
        now=datetime(2026, 11, 16, 9),  # before the end of the as-of day, 18 Nov
    )  # fmt: skip
    con.close()
    at = section(open_page(tiny_path, BOB), "Forecast calls")
    reps = table(at, "call_commit")
    assert list(reps["rep"]) == ["Bob Rep"]
    assert reps.iloc[0]["call_commit"] == "$20,000.00"
