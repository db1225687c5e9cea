"""Pipeline & forecast in a real browser: the executive before the forecast call, and a
manager submitting the team's number."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from pipeline import db
from tests.browser import (
    browser_pages,
    choose,
    require_chromium,
    settle,
    sign_in,
    streamlit_server,
    with_passwords,
)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def chromium():
    require_chromium()


def test_the_executive_and_a_manager_before_the_forecast_call(tiny_path):
    with_passwords(tiny_path, "erin@example.com", "mia@example.com")
    with streamlit_server(tiny_path) as base, browser_pages(2) as (erin, mia):
        erin.goto(f"{base}/pipeline_forecast?as_of=2026-11-18")
        sign_in(erin, "erin@example.com")
        erin.get_by_role("heading", name="Pipeline & forecast").wait_for()
        settle(erin)
        choose(erin, "Quarter", "Q1 FY2027 (Jan – Mar 2027)")
        erin.get_by_text("No quota plan covers this quarter yet").wait_for()
        settle(erin)
        assert "quarter=2027-01-01" in erin.url
        choose(erin, "Quarter", "Q4 FY2026 (Oct – Dec 2026) · this quarter")
        erin.get_by_text("Gap = quota - the roll-up").wait_for()
        settle(erin)
        choose(erin, "Show the deals of", "Negotiation")
        settle(erin)
        with erin.expect_download() as download:
            erin.locator(".st-key-deals_behind_stage_csv").get_by_role("button").click()
        deals = pd.read_csv(download.value.path(), encoding="utf-8-sig")
        assert list(deals["name"]) == ["Juno rollout", "Gale add-on"]
        erin.get_by_role("tab", name="Accuracy").click()
        erin.get_by_text("Most reliable for Whole company").or_(
            erin.get_by_text("No quarter with won revenue has ended yet")
        ).wait_for()
        assert erin.locator("[data-testid='stException']").count() == 0

        mia.goto(f"{base}/pipeline_forecast")
        sign_in(mia, "mia@example.com")
        mia.get_by_role("heading", name="Pipeline & forecast").wait_for()
        settle(mia)
        mia.get_by_role("tab", name="Forecast calls").click()
        mia.get_by_role("button", name="Submit your team's call").wait_for()
        settle(mia)
        submit_call(mia, "mia@example.com", commit="33,000", best_case="40,000")
        assert mia.locator("[data-testid='stException']").count() == 0
    con = db.connect(tiny_path)
    try:
        stored = con.execute(
            "SELECT commit_amount, best_case_amount FROM forecast_calls WHERE user_id = 2 "
            "ORDER BY submitted_at DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert stored == (33000, 40000)


def submit_call(page, email: str, commit: str, best_case: str) -> None:
    """Fill in and submit the call, and wait for its outcome.

    In about one full CI run in three (never alone, on either store) the submit's rerun
    left the Forecast calls section undrawn: no outcome, no error, no button, and
    clicking the open tab again did not draw it. A person would reload the page and
    submit again, and so does this, once (a second submit in the same week revises the
    call). What the screen showed is kept as a warning in the test report."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    outcome = page.get_by_text("Call submitted.").or_(page.get_by_text("Revised this week's call."))
    refused = page.get_by_text("Not submitted")
    button = page.get_by_role("button", name="Submit your team's call")

    def submit() -> None:
        page.get_by_label("Commit").fill(commit)
        page.get_by_label("Best case").fill(best_case)
        button.click()

    submit()
    try:
        outcome.or_(refused).first.wait_for(timeout=45_000)
    except PlaywrightTimeout:
        settle(page)
        if not outcome.count():
            screen = page.inner_text("main")
            warnings.warn(f"a call's submit drew no outcome; on screen: {screen}", stacklevel=2)
            page.reload()
            heading = page.get_by_role("heading", name="Pipeline & forecast")
            heading.or_(page.get_by_role("textbox", name="E-mail")).first.wait_for()
            if not heading.count():
                sign_in(page, email)
            heading.wait_for()
            settle(page)
            page.get_by_role("tab", name="Forecast calls").click()
            button.wait_for()
            settle(page)
            submit()
            outcome.or_(refused).first.wait_for()
    settle(page)
    assert outcome.count() == 1, page.locator("[data-testid='stAlert']").all_inner_texts()
