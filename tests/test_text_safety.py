"""Every text from people or imported files reaches the screen as text, never as
Markdown or HTML. The tiny fixture's every text field is given a payload of markup (a
bold, a link, a remote image, HTML); every page is run as every role with its tabs,
pop-overs and a deal open, and every element Streamlit would render as Markdown is
checked: the payload must arrive escaped. A browser test checks the rendered page too
(tests/test_browser_security.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from pipeline import db
from tests.apptest import start_app

PAYLOAD = "**B** [x](https://evil.example/a) ![p](https://evil.example/p.png) <b>h</b> :red[r]"
# What the payload looks like when it would render: any of these in Markdown is a hole.
RENDERED = ("**B**", "](https://evil", "<b>h</b>", ":red[r]")
# Fields Streamlit shows as plain text (never Markdown): a select box's options, what a
# text box holds, code blocks, the text of st.text; plotly specs are checked apart.
PLAIN = {"options", "value", "default", "codeText", "placeholder", "rawValue", "rawValues"}
ADMIN = 99
REVIEW_WINDOW = {"since": "2026-11-01T00:00", "until": "2026-11-20T00:00"}

TEXT_COLUMNS = {
    "teams": ["name"],
    "users": ["name"],
    "stages": ["name", "entry_criteria", "exit_checklist"],
    "deals": ["name", "next_step", "obstacle", "notes", "lost_reason", "source"],
    "deal_history": ["name", "next_step", "obstacle", "notes", "lost_reason", "source"],
    "activities": ["note", "subject"],
    "forecast_calls": ["note"],
    "reviews": ["notes", "attendees"],
    "review_items": ["note", "decision", "action_item"],
}


def with_payloads(path: Path) -> Path:
    """Every text column of the tiny fixture set to the payload (plus its old value,
    which keeps names unique), an account for every deal, and an admin."""
    con = db.connect(path)
    con.execute("INSERT INTO accounts (id, name, segment, industry) VALUES (1, $t, $t, $t)",
                {"t": PAYLOAD})  # fmt: skip
    statements = {
        "teams": "UPDATE teams SET name = $t || ' ' || name",
        "users": "UPDATE users SET name = $t || ' ' || name",
        "stages": "UPDATE stages SET name = $t || ' ' || name, entry_criteria = $t, "
        "exit_checklist = $t",
        "deals": "UPDATE deals SET name = $t || ' ' || name, next_step = $t, obstacle = $t, "
        "notes = $t, lost_reason = CASE WHEN status = 'lost' THEN $t END, source = $t, "
        "account_id = 1",
        "deal_history": "UPDATE deal_history SET name = $t || ' ' || name, next_step = $t, "
        "obstacle = $t, notes = $t, lost_reason = CASE WHEN status = 'lost' THEN $t END, "
        "source = $t, account_id = 1",
        "activities": "UPDATE activities SET note = $t, subject = $t",
        "forecast_calls": "INSERT INTO forecast_calls (user_id, quarter_start, submitted_at, "
        "commit_amount, best_case_amount, note) SELECT 5, DATE '2026-10-01', now(), 1, 2, $t",
        "reviews": "INSERT INTO reviews (id, team_id, review_date, created_by, notes, "
        "window_start, window_end, quarter_start, attendees, saved_at) VALUES (1, 1, "
        "DATE '2026-11-16', 2, $t, TIMESTAMP '2026-11-09 09:00', TIMESTAMP '2026-11-16 09:00', "
        "DATE '2026-10-01', $t, TIMESTAMP '2026-11-16 10:00')",
        "review_items": "INSERT INTO review_items (review_id, kind, position, deal_id, note, "
        "decision, action_item, owner_id) VALUES (1, 'deal', 1, 10, $t, $t, NULL, NULL), "
        "(1, 'action', NULL, 10, NULL, NULL, $t, 5)",
    }
    for table, statement in statements.items():
        assert set(TEXT_COLUMNS[table]) <= set(column_names(con, table))
        con.execute(statement, {"t": PAYLOAD})
    con.execute(
        "INSERT INTO users (id, name, email, role) VALUES ($id, $t, 'ada@example.com', 'admin')",
        {"id": ADMIN, "t": PAYLOAD + " Ada"},
    )
    con.close()
    return path


def column_names(con, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $t", {"t": table}
    ).fetchall()
    return [name for (name,) in rows]


def elements(node):
    """Every element of an AppTest tree, depth first."""
    if getattr(node, "proto", None) is not None and not hasattr(node, "children"):
        yield node
    for child in getattr(node, "children", {}).values():
        yield from elements(child)


def markdown_strings(value, key: str = ""):
    """(field, text) for every string in a proto's fields, but the plain-text ones."""
    if isinstance(value, dict):
        for name, inner in value.items():
            if name not in PLAIN:
                yield from markdown_strings(inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from markdown_strings(inner, key)
    elif isinstance(value, str):
        yield key, value


def rendered_payloads(at: AppTest) -> list[tuple[str, str, str]]:
    """(element type, field, text) wherever the payload would render as markup."""
    found = []
    for element in elements(at._tree):
        if element.type == "plotly_chart":
            spec = json.loads(element.proto.spec)
            texts = [("spec", json.dumps(spec))]
            found += [(element.type, f, t) for f, t in texts if "<b>h</b>" in t]
            continue
        if element.type in ("arrow_data_frame", "dataframe"):
            continue  # cells are drawn as text by the grid
        fields = MessageToDict(element.proto, preserving_proto_field_name=False)
        for field, text in markdown_strings(fields):
            if any(mark in text for mark in RENDERED):
                found.append((element.type, field, text))
    return found


@pytest.fixture
def payload_path(tiny_path):
    return with_payloads(tiny_path)


@pytest.fixture
def app(monkeypatch):
    def start(path: Path, user: int, page: str, **query) -> AppTest:
        at = start_app(monkeypatch, path, user, **query)
        if page != "pages/overview.py":
            at.switch_page(page).run()
        return at

    yield start
    st.cache_resource.clear()


def open_everything(at: AppTest):
    """The page as it opens, then with each pop-over and each tab that is drawn on
    demand opened, one at a time: yields a description of what is open after each
    run (the AppTest object then shows that run)."""
    yield "as it opens"
    for key in [w.key for w in at.get("popover") if getattr(w, "key", None)]:
        at.session_state[key] = True
        at.run()
        assert at.code, f"{key} opened but drew no SQL"
        yield key
        at.session_state[key] = False
    for tabs_key, labels in (
        ("attainment_tab", ["By rep"]),
        ("data_tab", ["Data health", "Settings", "Quotas", "Export"]),
        ("forecast_section", ["Coverage", "Forecast calls", "Statistical forecast", "Accuracy"]),
        (
            "review_section",
            [
                "Top deals",
                "Hygiene",
                "Won, lost & new",
                "Past reviews",
                "My 1:1 reviews",
                "Meeting",
            ],
        ),
        ("activity_section", ["Touches", "Pipeline generated", "Health", "Clean-out"]),
        (
            "funnel_section",
            ["Conversion", "Time in stage", "Loss reasons", "Qualification", "Profitability"],
        ),
        ("planning_section", ["Reverse funnel"]),
    ):
        for label in labels:
            if tabs_key in at.session_state and not (label == "My 1:1 reviews") ^ (
                "My 1:1 reviews" in tabs_labels(at)
            ):
                at.session_state[tabs_key] = label
                at.run()
                yield label
    if any(button.key == "meeting_start" for button in at.button):
        at.button(key="meeting_start").click().run()
        yield "the meeting, at its first deal"
        at.button(key="meeting_next").click().run()
        yield "the meeting, at its second deal"


def tabs_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


@pytest.mark.parametrize(
    ("user", "page", "query"),
    [
        (1, "pages/overview.py", {"as_of": "2026-11-18"}),  # executive, whole company
        (2, "pages/overview.py", {"as_of": "2026-11-18", "team": "1"}),  # manager, team
        (5, "pages/my_deals.py", {"deal": "10"}),  # rep, their deal open
        (2, "pages/my_deals.py", {"deal": "10"}),  # manager, a team deal open
        (ADMIN, "pages/my_deals.py", {"deal": "9"}),  # admin, a lost deal with a reason
        (ADMIN, "pages/data_settings.py", {}),
        (1, "pages/pipeline_forecast.py", {"as_of": "2026-11-18"}),
        (2, "pages/pipeline_forecast.py", {"as_of": "2026-11-18"}),
        (2, "pages/pipeline_review.py", REVIEW_WINDOW),  # manager, with the meeting
        (1, "pages/pipeline_review.py", REVIEW_WINDOW),  # executive, reading
        (5, "pages/pipeline_review.py", REVIEW_WINDOW),  # rep, their 1:1 and action item
        (2, "pages/activities_health.py", {"as_of": "2026-11-18"}),  # manager, clean-out
        (1, "pages/activities_health.py", {"as_of": "2026-11-18"}),
        (2, "pages/funnel.py", {"as_of": "2026-11-18", "period": "YTD"}),
        (ADMIN, "pages/planning.py", {"as_of": "2026-11-18"}),  # admin, the company's plan
        (2, "pages/planning.py", {"as_of": "2026-11-18"}),  # manager, their team's plan
    ],
)
def test_no_payload_is_rendered_on_any_page(app, payload_path, user, page, query):
    at = app(payload_path, user, page, **query)
    assert not at.exception, at.exception
    opened = []
    for what in open_everything(at):
        assert not at.exception, (what, at.exception)
        assert rendered_payloads(at) == [], what
        opened.append(what)
    assert len(opened) > 1
    # The check can fail: the payload is on the page, escaped, where it belongs.
    every = [text for e in elements(at._tree) for _, text in markdown_strings(
        MessageToDict(e.proto)) if e.type not in ("plotly_chart",)]  # fmt: skip
    assert any("\\*\\*B\\*\\*" in text for text in every)


def test_the_check_finds_a_payload_rendered_raw(app, payload_path):
    """The walk itself: a page that writes the payload raw into Markdown is caught."""
    at = AppTest.from_string(f"import streamlit as st\nst.caption({PAYLOAD!r})")
    at.run()
    assert rendered_payloads(at) == [("caption", "body", PAYLOAD)]
