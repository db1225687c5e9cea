"""Funnel & conversion and Planning in a real browser, on the deals of
tests/test_funnel.py: a manager switches the win-rate definition (the figure, its label
and the link change together), then previews her team's plan for next year and saves
it, and the Overview of next January shows the new quota."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import (
    browser_pages,
    click_until,
    require_chromium,
    settle,
    sign_in,
    streamlit_server,
    with_passwords,
)
from tests.test_funnel import build

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SHOTS")  # a folder for screenshots, when a person wants to look


@pytest.fixture(autouse=True)
def chromium():
    require_chromium()


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_manager_reads_win_rates_both_ways_and_saves_a_plan(tmp_path):
    path = with_passwords(build(tmp_path / "funnel.duckdb"), "mia.manager@example.com")
    with streamlit_server(path) as base, browser_pages(1) as (mia,):
        mia.goto(f"{base}/funnel?as_of=2026-11-18&period=QTD")
        sign_in(mia, "mia.manager@example.com")
        mia.get_by_role("heading", name="Funnel & conversion").wait_for()
        settle(mia)
        shot(mia, "funnel")
        mia.get_by_role("tab", name="Conversion").click()
        closed = mia.get_by_test_id("stMetric").filter(has_text="Win rate, of deals closed")
        closed.get_by_text("60.0%").wait_for()  # 3 won / (3 won + 2 lost)
        settle(mia)
        created = mia.get_by_test_id("stMetric").filter(has_text="Win rate, of deals created")
        switch = mia.get_by_text("Of deals created", exact=True)
        click_until(mia, switch, created.get_by_text("33.3%"))  # 2 of the 6 created
        mia.get_by_text("win rate: won / created, deals created").wait_for()
        settle(mia)
        assert "win=created" in mia.url
        assert closed.count() == 0
        shot(mia, "conversion")

        # Next year has no quota yet: January 2027's Overview says so.
        mia.goto(f"{base}/?as_of=2027-01-31&team=2")
        mia.get_by_text("No quota set for this scope and period.").first.wait_for()
        settle(mia)

        mia.goto(f"{base}/planning?as_of=2026-11-18")
        mia.get_by_role("heading", name="Planning").wait_for()
        mia.get_by_text("x 1.10 = $40,700.00 for FY2027").wait_for()
        settle(mia)
        growth = mia.get_by_label("Growth on the last 12 months (%)")
        growth.fill("20")
        growth.press("Enter")
        mia.get_by_text("x 1.20 = $44,400.00 for FY2027").wait_for()
        settle(mia)
        shot(mia, "plan")
        mia.get_by_role("button", name="Save the plan").click()
        mia.get_by_text("Plan saved: 24 monthly quotas changed.").wait_for()
        settle(mia)
        # Ann is the team's one rep and nothing shapes its months yet: $44,400 / 12 a month.
        mia.goto(f"{base}/?as_of=2027-01-31&team=2")
        mia.get_by_text("of $3,700.00 quota").first.wait_for()
        assert mia.get_by_text("No quota set for this scope and period.").count() == 0
        shot(mia, "overview_after_plan")
        mia.goto(f"{base}/planning?as_of=2026-11-18")
        mia.get_by_role("heading", name="Planning").wait_for()
        settle(mia)
        mia.get_by_role("tab", name="Reverse funnel").click()
        mia.get_by_text("Wins needed").wait_for()
        settle(mia)
        shot(mia, "reverse")
