"""The executive's journey in a real browser against a real server (headless Chromium)."""

from __future__ import annotations

import pytest

from tests.browser import (
    browser_page,
    choose,
    require_chromium,
    sign_in,
    streamlit_server,
    wait_for_app,
    with_passwords,
)

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
