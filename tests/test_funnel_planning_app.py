"""Funnel & conversion and Planning under AppTest, on the deals of tests/test_funnel.py
(and, for planning, the year of tests/test_planning.py's figures worked out again here
through the page)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline import db
from tests import test_funnel
from tests.apptest import shown, start_app

FUNNEL, PLANNING = "pages/funnel.py", "pages/planning.py"
QUERY = {"as_of": "2026-11-18", "period": "QTD"}
MIA, ANN = test_funnel.MIA, test_funnel.ANN
Q4_QUOTA = [{"user_id": ANN, "month": date(2026, m, 1), "amount": 30000} for m in (10, 11, 12)]


@pytest.fixture
def funnel_path(tmp_path) -> Path:
    return test_funnel.build(tmp_path / "funnel.duckdb", Q4_QUOTA)


@pytest.fixture
def open_page(monkeypatch):
    def start(path: Path, page: str, user: int, **query) -> AppTest:
        at = start_app(monkeypatch, path, user, **query)
        return at.switch_page(page).run()

    yield start
    st.cache_resource.clear()


def tab(at: AppTest, key: str, name: str) -> AppTest:
    at.session_state[key] = name
    return at.run()


def metrics(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("user", [MIA, ANN])
def test_every_funnel_section_runs(open_page, funnel_path, user):
    at = open_page(funnel_path, FUNNEL, user, **QUERY)
    assert not at.exception
    for name in (
        "Funnels",
        "Conversion",
        "Time in stage",
        "Loss reasons",
        "Qualification",
        "Profitability",
    ):
        assert not tab(at, "funnel_section", name).exception, name


def test_the_win_rate_switch_changes_the_figure_and_its_label(open_page, funnel_path):
    at = tab(open_page(funnel_path, FUNNEL, MIA, **QUERY), "funnel_section", "Conversion")
    assert metrics(at)["Win rate, of deals closed"] == "60.0%"  # 3 / (3 + 2)
    assert "win rate: won / (won + lost), deals closed" in at.caption[0].value
    at.segmented_control(key="win_definition").set_value("created").run()
    assert metrics(at)["Win rate, of deals created"] == "33.3%"  # 2 of 6
    assert metrics(at)["Loss rate, of deals created"] == "33.3%"
    assert "Win rate, of deals closed" not in metrics(at)
    assert "win rate: won / created, deals created" in at.caption[0].value
    assert at.query_params["win"] == "created"


def test_a_cut_narrows_every_figure_and_stays_in_the_url(open_page, funnel_path):
    at = tab(open_page(funnel_path, FUNNEL, MIA, **QUERY), "funnel_section", "Conversion")
    at.selectbox(key="cut_size").select("large").run()
    assert metrics(at)["Win rate, of deals closed"] == "100.0%"  # deals 1 and 2, both won
    assert at.query_params["size"] == "large"


def test_a_second_pipeline_is_chosen_by_link_and_kept_across_pages(open_page, funnel_path):
    """With two pipelines the page offers the box: a link picks one, the choice holds
    after a visit to another page, and the default pipeline leaves the URL."""
    con = db.connect(funnel_path)
    con.execute(
        "INSERT INTO stages (id, pipeline, position, name, probability, forecast_category) "
        "VALUES (30, 'partner', 1, 'Partner intro', 0.1, 'Pipeline')"
    )
    con.close()
    at = open_page(funnel_path, FUNNEL, MIA, **QUERY, pipeline="partner")
    assert at.selectbox(key="cut_pipeline").value == "partner"
    assert at.query_params["pipeline"] == "partner"
    at.switch_page("pages/overview.py").run()
    at.switch_page(FUNNEL).run()
    assert not at.exception
    assert at.selectbox(key="cut_pipeline").value == "partner"
    at.selectbox(key="cut_pipeline").select("default").run()
    assert at.selectbox(key="cut_pipeline").value == "default"
    assert "pipeline" not in at.query_params


def test_loss_reasons_list_the_deals_behind_a_bar(open_page, funnel_path):
    at = tab(open_page(funnel_path, FUNNEL, MIA, **QUERY), "funnel_section", "Loss reasons")
    table = next(f.value for f in at.dataframe if "reason" in f.value.columns)
    assert table[["reason", "deals"]].values.tolist() == [["Price", 1], ["(no reason)", 1]]
    at.selectbox(key="loss_reason").select("(no reason)").run()
    lost = next(f.value for f in at.dataframe if "lost_reason" in f.value.columns)
    assert list(lost["name"]) == ["Deal 6"]


def test_the_reverse_funnel_for_a_rep(open_page, funnel_path):
    at = open_page(funnel_path, PLANNING, ANN, **QUERY)
    at = tab(at, "planning_section", "Reverse funnel")
    assert not at.exception
    shown = metrics(at)
    assert (shown["Quota"], shown["Won so far"], shown["Gap"], shown["Wins needed"]) == (
        "$90,000.00", "$37,000.00", "$53,000.00", "5",
    )  # fmt: skip
    table = next(f.value for f in at.dataframe if "Short" in f.value.columns)
    assert table["Short"].tolist() == [7, 5, 5, 4, 5, 5]


def test_a_rep_cannot_plan(open_page, funnel_path):
    at = open_page(funnel_path, PLANNING, ANN, **QUERY)
    assert not at.exception
    assert any("choose one in the sidebar" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "plan_save"]


def test_a_manager_previews_and_saves_her_teams_plan(open_page, funnel_path):
    at = open_page(funnel_path, PLANNING, MIA, **QUERY)
    assert not at.exception and at.query_params["team"] == "2"
    # Ann won 37,000 in the last 12 months (deals 1, 2 and 7); at 10% growth: 40,700.
    captions = [shown(c.value) for c in at.caption]
    assert any("won $37,000.00" in c and "x 1.10 = $40,700.00" in c for c in captions)
    at.number_input(key="plan_growth").set_value(20.0).run()
    assert any("x 1.20 = $44,400.00" in shown(c.value) for c in at.caption)
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert any("Plan saved: 24 monthly quotas changed." in shown(s.value) for s in at.success)
    con = db.connect(funnel_path)  # the app holds it read-write: same settings
    try:
        total = con.execute(
            "SELECT sum(amount) FROM quotas WHERE team_id = 2 AND month >= DATE '2027-01-01'"
        ).fetchone()[0]
    finally:
        con.close()
    assert str(total) == "44400.00"
