"""My deals, the deal form and sign-in under AppTest, on the tiny fixture.

Bob Rep (id 5) owns one open deal: 10, "Juno rollout", 50,000.00 in Negotiation (80%),
version 2, created 2026-10-05, closing 2026-12-15.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from pages.components.format import markdown_text
from pipeline import db, deals, users
from tests.apptest import shown, start_app

BOB, MIA, ERIN = 5, 2, 1


@pytest.fixture
def open_page(monkeypatch):
    def start(path: Path, user: int | None, page: str = "pages/my_deals.py", **query) -> AppTest:
        at = start_app(monkeypatch, path, user, **query)
        if page != "pages/overview.py":
            at.switch_page(page).run()
        return at

    yield start
    st.cache_resource.clear()


def field(widgets, name: str):
    """The deal form's widget for ``name`` (its key also carries the deal and version)."""
    return next(w for w in widgets if w.key and w.key.startswith(f"edit_{name}__"))


def table_with(at: AppTest, column: str):
    """The displayed table that has ``column`` (read-only tables carry no key in AppTest)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def deal_list(at: AppTest):
    """The list of deals (its key names the list it shows: page, search, scope)."""
    return next(frame for frame in at.dataframe if (frame.key or "").startswith("deal_list_"))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def stored(path: Path, deal_id: int) -> dict:
    con = db.connect(path)  # the app's process holds it read-write: same settings
    try:
        return deals.load(con, deal_id)
    finally:
        con.close()


def test_a_rep_sees_their_open_deals_with_flags(open_page, tiny_path):
    at = open_page(tiny_path, BOB)
    assert not at.exception
    assert metric(at, "Open deals") == "1"
    assert metric(at, "Weighted") == "$40,000"  # 50,000 x 80%
    table = deal_list(at).value
    assert list(table["Deal"]) == ["Juno rollout"]
    assert "no next step" in table["Flags"].iloc[0]
    # No account and no next step: blank cells, not "None".
    assert (table["Account"].iloc[0], table["Next step"].iloc[0]) == ("", "")


def dollars(text: str) -> int:
    return int(text.replace("$", "").replace(",", ""))


def test_editing_a_deal_saves_a_version_and_shows_everywhere(open_page, tiny_path):
    at = open_page(tiny_path, BOB, page="pages/overview.py")
    won_this_week = dollars(metric(at, "Week to date · won"))  # as of today
    at.query_params["deal"] = "10"
    at.switch_page("pages/my_deals.py").run()
    assert field(at.text_input, "amount").value == "50,000.00"
    field(at.text_input, "amount").input("55,000")
    field(at.text_input, "next_step").input("Send the order form")
    at.button(key="deal_save").click().run()
    assert not at.exception
    assert [shown(s.value) for s in at.success] == ["Saved: Amount, Next step (version 3)."]
    assert metric(at, "Weighted") == "$44,000"  # the list tile: 55,000 x 80%
    assert "**\\$55,000\\.00**" in [m.value for m in at.markdown]  # the deal's own figure
    deal = stored(tiny_path, 10)
    assert (deal["amount"], deal["next_step"], deal["version"]) == (
        Decimal("55000.00"), "Send the order form", 3,
    )  # fmt: skip
    # Winning it shows on Overview at once: today's win adds to every period to date.
    field(at.selectbox, "stage").set_value(7)
    at.button(key="deal_save").click().run()
    assert [shown(s.value) for s in at.success] == ["Saved: Stage, Close date, Status (version 4)."]
    assert metric(at, "Open deals") == "0"
    at.switch_page("pages/overview.py").run()
    assert dollars(metric(at, "Week to date · won")) == won_this_week + 55_000


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(open_page, tiny_path):
    at = open_page(tiny_path, BOB, deal="10")
    field(at.text_input, "amount").input("-5")
    field(at.text_input, "probability").input("150")
    field(at.date_input, "close_date").set_value(date(2026, 1, 1))
    field(at.selectbox, "stage").set_value(8)  # Closed Lost, without a reason
    at.button(key="deal_save").click().run()
    assert not at.exception
    message = re.sub(r"\\(.)", r"\1", at.error[0].value)  # markdown escapes removed
    for expected in (
        "**Amount**: cannot be negative",
        "**Close date**: 2026-01-01 is before the deal was created (2026-10-05)",
        "**Probability override**: must be from 0 to 100 (got 150)",
    ):
        assert expected in message
    assert field(at.text_input, "amount").value == "-5"  # what was typed is kept
    assert stored(tiny_path, 10)["version"] == 2


def test_a_stale_form_is_refused_with_who_changed_what(open_page, tiny_path):
    at = open_page(tiny_path, BOB, deal="10")
    con = db.connect(tiny_path)
    deals.save(con, users.get(con, MIA), 10, 2, {"amount": "60,000"})
    con.close()
    field(at.text_input, "next_step").input("Call the CFO")
    at.button(key="deal_save").click().run()
    assert "This deal was changed by Mia Manager at" in shown(at.error[0].value)
    assert "(Amount: $50,000.00 → $60,000.00)" in shown(at.error[0].value)
    assert stored(tiny_path, 10)["next_step"] is None
    at.button(key="deal_reload").click().run()
    assert field(at.text_input, "amount").value == "60,000.00"


def test_text_is_shown_as_text(open_page, tiny_path):
    at = open_page(tiny_path, BOB, deal="10")
    hostile = "<script>alert(1)</script> **not bold**"
    field(at.text_input, "next_step").input(hostile)
    at.button(key="deal_save").click().run()
    assert stored(tiny_path, 10)["next_step"] == hostile
    history = [m.value for m in at.markdown if "Next step" in m.value]
    assert history == [f"- Next step: — → {markdown_text(hostile)}"]
    assert shown(history[0]) == f"- Next step: — → {hostile}"  # every character escaped


def test_a_rep_cannot_open_someone_elses_deal(open_page, tiny_path):
    at = open_page(tiny_path, BOB, deal="11")  # Cal's deal
    assert "belongs to someone else" in at.warning[0].value
    assert not any((w.key or "").startswith("edit_") for w in at.text_input)


def test_logging_an_activity_and_a_forecast_call(open_page, tiny_path):
    at = open_page(tiny_path, BOB, deal="10")
    at.selectbox(key="activity_kind").set_value("call")
    at.selectbox(key="activity_outcome").set_value("connected")
    at.text_area(key="activity_note").input("Budget confirmed")
    at.button(key="activity_save").click().run()
    assert not at.exception
    assert [t.value for t in at.toast] == ["Logged a call."]
    at.text_input(key="call_commit").input("50000")
    at.text_input(key="call_best_case").input("40000")
    at.button(key="call_save").click().run()
    assert "Best case: must be at least the commit" in shown(at.error[0].value)
    at.text_input(key="call_best_case").input("80,000")
    at.button(key="call_save").click().run()
    calls = table_with(at, "Best case")
    assert calls[["Commit", "Best case"]].values.tolist() == [[50000.0, 80000.0]]
    activities = table_with(at, "Outcome")
    assert activities.iloc[0][["Kind", "Outcome", "Note"]].tolist() == [
        "call", "connected", "Budget confirmed",
    ]  # fmt: skip


def test_an_executive_has_no_deal_workspace(open_page, tiny_path):
    at = open_page(tiny_path, ERIN)
    assert not at.exception
    assert "My deals is the workspace of people who own deals" in at.info[0].value
    assert not at.get("form")  # no deal form, and no forecast call either


def test_a_manager_sees_the_team_and_may_reassign(open_page, tiny_path):
    at = open_page(tiny_path, MIA, deal="13")
    assert list(deal_list(at).value["Owner"]) == ["Bob Rep", "Ann Rep"]
    owner = field(at.selectbox, "owner")
    assert owner.options == ["Ann Rep", "Bob Rep", "Mia Manager"]
    owner.set_value(BOB)
    at.button(key="deal_save").click().run()
    assert stored(tiny_path, 13)["owner_id"] == BOB


def test_password_sign_in(open_page, tiny_path):
    con = db.connect(tiny_path)
    users.set_password(con, "bob@example.com", "correct horse")
    con.close()
    at = open_page(tiny_path, None, page="pages/overview.py")
    assert not at.metric  # nothing is shown before signing in
    at.text_input[0].input("bob@example.com")
    at.text_input[1].input("wrong horse")
    at.button[0].click().run()
    assert "do not match an active user" in at.error[0].value
    at.text_input[1].input("correct horse")
    at.button[0].click().run()
    assert not at.exception
    assert "Signed in as **Bob Rep** · rep" in [c.value for c in at.sidebar.caption]
    assert at.title[0].value == "Overview"


def test_a_database_with_no_passwords_says_how_to_add_one(open_page, tiny_path):
    at = open_page(tiny_path, None, page="pages/overview.py")
    assert "python -m pipeline users add --role admin" in at.warning[0].value


def test_a_page_reached_before_signing_in_shows_the_sign_in(open_page, tiny_path):
    """The first run of a session, straight to a page (legacy multipage mode): the frame
    runs around it and asks who is there, instead of the page failing on its filters."""
    con = db.connect(tiny_path)
    users.set_password(con, "bob@example.com", "correct horse")
    con.close()
    for page in ("pages/my_deals.py", "pages/data_settings.py", "pages/overview.py"):
        at = open_page(tiny_path, None, page=page)
        assert not at.exception, (page, at.exception)
        assert [b.label for b in at.button] == ["Sign in"]
        assert not at.metric


@pytest.mark.parametrize(
    ("user", "team", "rep", "scope"),
    [
        (BOB, 1, BOB, "Bob Rep"),  # a rep on their own figures
        (MIA, 1, 0, "East"),  # a manager on their team
        (ERIN, 0, 0, "Whole company"),  # an executive on the company
    ],
)
def test_each_person_starts_on_their_own_scope(open_page, tiny_path, user, team, rep, scope):
    at = open_page(tiny_path, user, page="pages/overview.py", as_of="2026-11-18")
    assert at.selectbox(key="filter_team").value == team
    assert at.selectbox(key="filter_rep").value == rep
    assert shown(at.caption[0].value).startswith(f"{scope} · as of")
    if user == BOB:  # Bob's own won this quarter, and his team's row in the table
        assert metric(at, "Quarter to date · won") == "$7,501"  # 7,500.75
        assert list(at.dataframe[0].value["Team"]) == ["East"]
    # A shared link's scope wins over one's own.
    linked = open_page(tiny_path, user, page="pages/overview.py", team="2")
    assert linked.selectbox(key="filter_team").value == 2
    assert linked.selectbox(key="filter_rep").value == 0


def test_a_managers_list_says_whose_deals_it_shows(open_page, tiny_path):
    at = open_page(tiny_path, MIA)
    assert "Your team's open deals as they stand now" in shown(at.caption[0].value)
    at.selectbox(key="filter_rep").set_value(BOB).run()
    assert "Bob Rep's open deals" in shown(at.caption[0].value)
    at.selectbox(key="filter_team").set_value(2).run()  # not Mia's team
    captions = [shown(c.value) for c in at.caption]
    assert "The sidebar's scope is outside your team: showing your team's deals." in captions
    assert list(deal_list(at).value["Owner"]) == ["Bob Rep", "Ann Rep"]
