"""Pipeline review in a real browser: a manager runs the Monday meeting from a link,
steps through two deals, edits one, adds an action item, saves the review, exports it
as Markdown and Excel, and finds it again."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.browser import (
    browser_pages,
    choose,
    require_chromium,
    settle,
    sign_in,
    streamlit_server,
    with_passwords,
)
from tests.test_review import week

pytestmark = pytest.mark.browser
LINK = "pipeline_review?since=2026-11-23T09:00&until=2026-11-30T09:00"


@pytest.fixture(autouse=True)
def chromium():
    require_chromium()


def download(page, key: str) -> Path:
    with page.expect_download() as started:
        page.locator(f".st-key-{key}").get_by_role("button").click()
    return Path(started.value.path())


def test_a_manager_runs_saves_and_exports_the_weekly_review(tmp_path):
    path = with_passwords(week(tmp_path / "week.duckdb"), "mia.manager@example.com")
    with streamlit_server(path) as base, browser_pages(1) as (mia,):
        mia.goto(f"{base}/{LINK}")
        sign_in(mia, "mia.manager@example.com")
        mia.get_by_role("heading", name="Pipeline review").wait_for()
        mia.get_by_text("End $12,700.00", exact=False).wait_for()
        settle(mia)

        mia.get_by_role("tab", name="Meeting").click()
        mia.get_by_role("button", name="Start the meeting").wait_for()
        settle(mia)
        agenda = download(mia, "agenda_md").read_text(encoding="utf-8")
        assert "## What changed" in agenda and "- Moved out: -$9,000.00" in agenda
        assert "1. **Grown** (Ann Rep, Demo, $5,500.00, closes 18 Dec 2026)" in agenda

        mia.get_by_role("button", name="Start the meeting").click()
        mia.get_by_role("heading", name="Grown").wait_for()
        settle(mia)
        mia.get_by_role("button", name="Next").click()
        mia.get_by_role("heading", name="Slipped").wait_for()
        mia.get_by_text("Close date: 2026-12-10 → 2027-01-15").wait_for()  # what changed
        settle(mia)

        mia.get_by_text("Edit the deal (saved as a new version)").click()
        mia.get_by_label("Next step", exact=True).fill("Re-date after the call")
        settle(mia)  # submit on a quiet page: a click during a run can draw no outcome
        mia.get_by_role("button", name="Save changes").click()
        mia.get_by_text("Saved: Next step (version 3).").wait_for()
        settle(mia)

        mia.get_by_label("Note on this deal").fill("Customer asked for January")
        mia.get_by_label("Decision").fill("Out of the commit")
        settle(mia)
        mia.get_by_label("Action item").fill("Re-date the close")
        choose(mia, "Who does it", "Bob Rep")
        mia.get_by_role("button", name="Add the action item").click()
        mia.get_by_text("Action: Re-date the close — Bob Rep").wait_for()
        settle(mia)
        mia.get_by_label("Who attended").fill("Mia, Ann, Bob")
        settle(mia)
        mia.get_by_role("button", name="Save the review").click()
        mia.get_by_text("Review saved", exact=False).wait_for()
        settle(mia)

        mia.get_by_role("tab", name="Past reviews").click()
        mia.get_by_text("attended: Mia, Ann, Bob").wait_for()
        settle(mia)
        outcomes = download(mia, "saved_review_md")
        text = outcomes.read_text(encoding="utf-8")
        assert "Attended: Mia, Ann, Bob" in text
        assert "- **Slipped**: note: Customer asked for January; decision: Out of the commit" in (
            text
        )
        assert "- [ ] Re\\-date the close (on Slipped) — Bob Rep" in text
        workbook = pd.read_excel(download(mia, "saved_review_xlsx"), sheet_name=None)
        assert workbook["Action items"][["action_item", "owner", "deal"]].values.tolist() == [
            ["Re-date the close", "Bob Rep", "Slipped"]
        ]

        mia.goto(f"{base}/pipeline_review")  # the next review starts from this one
        mia.get_by_text("Open action items from earlier reviews").wait_for()
        mia.get_by_text("Re-date the close · on Slipped · Bob Rep", exact=False).wait_for()
        assert mia.locator("[data-testid='stException']").count() == 0
