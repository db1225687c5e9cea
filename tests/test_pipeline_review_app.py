"""Pipeline review under AppTest, on the week of tests/test_review.py, as each role."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pipeline import db, reviews
from tests.apptest import shown, start_app
from tests.test_review import ADA, ALPHA, ANN, BOB, ERIN, MIA, week

PAGE = "pages/pipeline_review.py"
WINDOW = {"since": "2026-11-23T09:00", "until": "2026-11-30T09:00"}
SECTIONS = ("Top deals", "Hygiene", "Won, lost & new", "Meeting", "Past reviews")


@pytest.fixture
def week_path(tmp_path) -> Path:
    return week(tmp_path / "week.duckdb")


@pytest.fixture
def open_page(monkeypatch):
    def start(path: Path, user: int, **query) -> AppTest:
        at = start_app(monkeypatch, path, user, **query)
        return at.switch_page(PAGE).run()

    yield start
    st.cache_resource.clear()


def section(at: AppTest, name: str) -> AppTest:
    at.session_state["review_section"] = name
    return at.run()


def captions(at: AppTest) -> str:
    return "\n".join(shown(caption.value) for caption in at.caption)


@pytest.mark.parametrize("user", [ERIN, MIA, ADA, ANN])
def test_every_section_runs_for_every_role(open_page, week_path, user):
    at = open_page(week_path, user, **WINDOW)
    assert not at.exception
    labels = [tab.label for tab in at.tabs]
    if user == ANN:
        assert labels[-1] == "My 1:1 reviews" and "Meeting" not in labels
    for name in labels[1:]:
        assert not section(at, name).exception, name


def test_the_manager_reads_her_teams_week_from_a_link(open_page, week_path):
    at = open_page(week_path, MIA, **WINDOW)
    assert at.query_params["team"] == str(ALPHA)  # her own team, kept in the address
    assert at.query_params["since"] == WINDOW["since"]
    text = captions(at)
    assert "Alpha · changes from 23 Nov 2026 09:00 – 30 Nov 2026 09:00" in text
    assert "Start $28,200.00 · New +$2,000.00 · Pulled in +$3,000.00" in text
    assert "Lost -$8,000.00 · Moved in $0.00 · Moved out -$9,000.00 · End $12,700.00" in text
    at.selectbox(key="waterfall_bar").select("moved out").run()
    behind = next(f.value for f in at.dataframe if "Owner" in f.value.columns)
    assert behind[["Deal", "Owner", "Change"]].values.tolist() == [
        ["Handed over", "Ann Rep → Cal Rep", -9000.0]
    ]
    section(at, "Won, lost & new")
    assert "**Top 5 lost** (1 in the window)" in [m.value for m in at.markdown]


def test_a_reversed_window_is_refused_with_the_reason(open_page, week_path):
    at = open_page(week_path, MIA, since="2026-11-30T09:00", until="2026-11-23T09:00")
    assert [shown(e.value) for e in at.error] == ["Window: its end is not after its start"]
    assert not at.tabs  # nothing is drawn on a window that cannot be


def test_the_meeting_is_run_saved_and_its_action_item_done_by_the_rep(
    open_page, week_path, monkeypatch
):
    at = open_page(week_path, MIA, **WINDOW)
    section(at, "Meeting")
    at.button(key="meeting_start").click().run()
    agenda = at.session_state["review_meeting"]["agenda"]
    assert agenda[:3] == [5, 4, 3]  # the top deals by amount, then flagged ones
    assert [s.value for s in at.subheader] == ["Grown"]
    at.button(key="meeting_next").click().run()
    assert [s.value for s in at.subheader] == ["Slipped"]
    at.text_area(key="meeting_note_4").input("Customer asked for January").run()
    at.text_input(key="meeting_decision_4").input("Out of the commit").run()
    at.text_input(key="action_text_4").input("Re-date the close")
    at.selectbox(key="action_owner_4").select(BOB)
    at.button(key="action_add_4").click().run()
    at.text_input(key="meeting_attendees").input("Mia, Ann, Bob")
    at.button(key="meeting_save").click().run()
    assert not at.exception
    assert "Review saved" in at.success[0].value
    con = db.connect(week_path)
    try:
        saved = reviews.reviews_of(con, ALPHA, None)
        assert saved[["deals", "actions", "attendees"]].values.tolist() == [
            [len(agenda), 1, "Mia, Ann, Bob"]
        ]
        items = reviews.items_of(con, int(saved.iloc[0]["id"]))
        note = items[items["deal_id"] == 4].dropna(subset=["note"])
        assert note[["note", "decision"]].values.tolist() == [
            ["Customer asked for January", "Out of the commit"]
        ]
    finally:
        con.close()
    # The action item is listed first on Bob's page, and he marks it done there.
    bob = open_page(week_path, BOB, **WINDOW)
    assert any("Re\\-date the close" in m.value for m in bob.markdown)
    item = next(b for b in bob.button if b.key and b.key.startswith("action_done_"))
    item.click().run()
    assert [shown(s.value) for s in bob.success] == ["Action item marked done."]
    assert not any("Re\\-date the close" in m.value for m in bob.markdown)


def test_the_executive_reads_but_does_not_run_a_review(open_page, week_path):
    at = section(open_page(week_path, ERIN, **WINDOW), "Meeting")
    assert not [b for b in at.button if b.key == "meeting_start"]
    assert any("run by the scope's manager" in c.value for c in at.caption)
