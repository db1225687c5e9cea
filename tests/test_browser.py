"""The executive's journey in a real browser against a real server (headless Chromium)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.browser import (
    browser_page,
    choose,
    require_chromium,
    settle,
    sign_in,
    streamlit_server,
    wait_for_app,
    with_passwords,
)
from tests.test_org import build_org

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def chromium():
    require_chromium()


def test_read_attainment_and_switch_team(tiny_path):
    with_passwords(tiny_path, "erin@example.com")
    with streamlit_server(tiny_path) as base, browser_page() as page:
        page.goto(f"{base}/?as_of=2026-11-18")
        sign_in(page, "erin@example.com")
        wait_for_app(page)
        # Company YTD: won 53,501.50 of a 300,000.00 plan.
        ytd = page.locator(".st-key-tile_YTD")
        # The progress bar's label can paint a moment after the rest of the tile.
        ytd.get_by_text("Attainment 17.8% of $300,000.00 quota").wait_for()
        assert "$53,502" in ytd.inner_text()
        # The tiles' "How is this computed?" opens on the definitions and the SQL files.
        page.locator(".st-key-how_tiles").get_by_role("button").click()
        page.get_by_text("pipeline/sql/attainment/won_by_period.sql").wait_for()
        assert page.get_by_text("Won revenue: the sum of amount over deals won").is_visible()
        assert "WITH periods AS" in page.locator("[data-testid='stCode']").first.inner_text()
        page.keyboard.press("Escape")
        choose(page, "Team", "West")
        # West YTD: Cal 20,000 + Dee 4,000 against Cal's 11 x 12,000 (November is zero).
        page.get_by_text("Attainment 18.2% of $132,000.00 quota").wait_for()
        assert "team=2" in page.url
        assert "as_of=2026-11-18" in page.url


def test_deep_link_in_the_first_session_after_start(tiny_path):
    with_passwords(tiny_path, "erin@example.com")
    with streamlit_server(tiny_path) as base, browser_page() as page:
        page.goto(f"{base}/overview?as_of=2026-11-18&team=1")
        assert page.get_by_text("Page not found").count() == 0
        sign_in(page, "erin@example.com")  # the link survives signing in
        wait_for_app(page)
        # East YTD: 29,501.50 of (10,000 + 8,000) x 12.
        page.get_by_text("Attainment 13.7% of $216,000.00 quota").wait_for()
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator("[data-testid='stException']").count() == 0
        team = page.locator("[data-testid='stSelectbox']").filter(has_text="Team")
        assert team.locator("input").input_value() == "East"


def test_a_region_rolls_up_its_teams(tmp_path):
    """The organisation of tests/test_org.py: region R1 holds teams A and B."""
    path = with_passwords(build_org(tmp_path / "org.duckdb"), "erin.exec@example.com")
    with streamlit_server(path) as base, browser_page() as page:
        page.goto(f"{base}/?as_of=2026-11-30&period=MTD")
        sign_in(page, "erin.exec@example.com")
        wait_for_app(page)
        month = page.locator(".st-key-tile_MTD")
        month.get_by_text("Attainment 15.9% of $220,000.00 quota").wait_for()  # 35,000
        choose(page, "Team", "R1")
        # R1: A's 10,000 + B's 20,000 won, against A's own 100,000 + B's rep's 50,000.
        month.get_by_text("Attainment 20.0% of $150,000.00 quota").wait_for()
        settle(page)  # the whole run, the table's download button included, is R1's
        assert "team=10" in page.url
        # The table by team shows the region above its two teams (read from its CSV:
        # the grid itself is drawn on a canvas).
        with page.expect_download() as download:
            page.locator(".st-key-by_team_csv").get_by_role("button").click()
        rows = pd.read_csv(download.value.path(), encoding="utf-8-sig")
        assert list(zip(rows["team"], rows["depth"], rows["won"], strict=True)) == [
            ("R1", 0, 30000.0), ("A", 1, 10000.0), ("B", 1, 20000.0),
        ]  # fmt: skip
        assert page.locator("[data-testid='stException']").count() == 0
        # The team box lists the tree: a team under its region reads "R1 › A".
        choose(page, "Team", "R1 › A")
        month.get_by_text("Attainment 10.0% of $100,000.00 quota").wait_for()
