"""Activities & health in a real browser: a manager cleans out three dead deals (ticks
them in the list, closes them as lost with a reason, confirms the list), and each is
saved as a new version."""

from __future__ import annotations

import pytest

from pipeline import db
from tests.browser import (
    browser_pages,
    require_chromium,
    settle,
    sign_in,
    streamlit_server,
    with_passwords,
)
from tests.given import Deal, Version
from tests.test_activity import ANN, created, day, quarter

pytestmark = pytest.mark.browser
FORGOTTEN = Deal(20, ANN, "Forgotten", [Version(created(6, 1), "Discovery", "1500", day(7, 31))])
ROW_PX = 35  # the grid's row height (and its header's)


@pytest.fixture(autouse=True)
def chromium():
    require_chromium()


def tick(page, rows: int) -> None:
    """Tick the first column of the first ``rows`` rows of the list, one row at a time:
    select the row's first cell, Space toggles its checkbox, then wait for the rerun the
    edit starts (a key pressed while the grid is redrawn on a busy machine is lost)."""
    grid = page.locator("[data-testid='stDataFrame']").first
    for row in range(rows):
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 20, box["y"] + ROW_PX * (1.5 + row))
        page.keyboard.press("Space")
        page.keyboard.press("Escape")
        settle(page)


def test_a_manager_cleans_out_three_dead_deals(tmp_path):
    path = quarter(tmp_path / "quarter.duckdb", extra_deals=[FORGOTTEN])
    with_passwords(path, "mia.manager@example.com")
    with streamlit_server(path) as base, browser_pages(1) as (mia,):
        mia.goto(f"{base}/activities_health?as_of=2026-11-18")
        sign_in(mia, "mia.manager@example.com")
        mia.get_by_role("heading", name="Activities & health").wait_for()
        settle(mia)
        mia.get_by_role("tab", name="Clean-out").click()
        mia.get_by_text("dead deals: open, their close date more than 30 days past").wait_for()
        settle(mia)
        tick(mia, 3)  # Forgotten, Long dead, Lately dead: the oldest close dates first
        mia.get_by_label("Lost reason").fill("No response since the summer")
        settle(mia)
        mia.get_by_role("button", name="Review 3 deals").click()
        confirm = mia.get_by_text("About to close as lost, reason: No response since the summer")
        confirm.wait_for()
        for name in ("Forgotten", "Long dead", "Lately dead"):
            assert mia.get_by_role("listitem").filter(has_text=name).count() == 1
        mia.get_by_role("button", name="Confirm").click()
        mia.get_by_text("Cleaned out 3 deals", exact=False).wait_for()
        assert mia.locator("[data-testid='stException']").count() == 0

    con = db.connect(path)
    try:
        rows = con.execute(
            "SELECT id, status, lost_reason, version FROM deals WHERE id IN (5, 6, 20) ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    reason = "No response since the summer"
    assert rows == [(5, "lost", reason, 2), (6, "lost", reason, 2), (20, "lost", reason, 2)]
