"""The rep's journey in a real browser: sign in, update a deal, see it everywhere.

A manager (Mia) has Overview open in another browser the whole time. Bob wins his deal
10 (Juno rollout, 50,000.00) at 55,000.00; today's win adds exactly 55,000 to every
period to date, whatever today is.
"""

from __future__ import annotations

import pytest

from tests.browser import (
    browser_pages,
    require_chromium,
    settle,
    sign_in,
    streamlit_server,
    wait_for_app,
    with_passwords,
)

pytestmark = pytest.mark.browser


def week_to_date_won(page) -> int:
    tile = page.locator(".st-key-tile_WTD [data-testid='stMetricValue']")
    return int(tile.inner_text().replace("$", "").replace(",", ""))


def pick_stage(page, option: str) -> None:
    """Open the form's stage list and pick ``option``; a rerun landing between the two
    clicks closes the list, so try again after it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        page.locator("[class*='st-key-edit_stage__']").click()
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
            return
        except PlaywrightTimeout:
            settle(page)
    raise AssertionError(f"could not pick the stage {option!r}")


def test_a_rep_wins_a_deal_and_everyone_sees_it(tiny_path):
    require_chromium()
    with_passwords(tiny_path, "bob@example.com", "mia@example.com")
    with streamlit_server(tiny_path) as base, browser_pages(2) as (manager, rep):
        manager.goto(base)
        sign_in(manager, "mia@example.com")
        wait_for_app(manager)
        before = week_to_date_won(manager)

        rep.goto(f"{base}/my_deals?deal=10")
        sign_in(rep, "bob@example.com")
        rep.get_by_text("Juno rollout").first.wait_for()
        settle(rep)  # signing in sets a cookie, which reruns the page once more
        rep.locator("[class*='st-key-edit_amount__'] input").fill("55,000")
        pick_stage(rep, "Closed Won · 100%")
        rep.get_by_role("button", name="Save changes").click()
        rep.get_by_text("Saved: Stage, Amount, Close date, Status (version 3).").wait_for()
        rep.get_by_role("tab", name="History").click()
        rep.get_by_text("Amount: $50,000.00 → $55,000.00").wait_for()

        rep.get_by_role("link", name="Overview").click()
        wait_for_app(rep)
        settle(rep)
        assert week_to_date_won(rep) == before + 55_000

        # The manager's open session shows it on its next run, with no reload of anything.
        manager.get_by_role("link", name="Overview").click()
        settle(manager)
        assert week_to_date_won(manager) == before + 55_000
        for page in (manager, rep):
            assert page.locator("[data-testid='stException']").count() == 0


def click_row(page, row: int) -> None:
    """Tick the selection box of the deal list's ``row`` (0-based): the grid is drawn on
    a canvas, so the click goes to where the row is drawn."""
    grid = page.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    header, height = 35, 35  # Streamlit's grid: a header row, then rows of equal height
    page.mouse.click(box["x"] + 18, box["y"] + header + height * row + height / 2)


def test_a_deal_opens_only_when_chosen(tiny_path):
    """A manager ticks a deal, then searches: the list changes, the ticked deal closes
    and no other deal opens in its place (the row number must not carry over)."""
    require_chromium()
    with_passwords(tiny_path, "mia@example.com")
    with streamlit_server(tiny_path) as base, browser_pages(1) as (page,):
        page.goto(f"{base}/my_deals")
        sign_in(page, "mia@example.com")
        page.get_by_text("Your team's open deals").wait_for()
        settle(page)
        click_row(page, 0)  # Juno rollout, the largest weighted value
        page.get_by_role("heading", name="Juno rollout").wait_for()
        assert "deal=10" in page.url
        page.get_by_label("Search deals or accounts").fill("Maple")
        page.keyboard.press("Enter")
        page.get_by_text("Showing").or_(
            page.get_by_text("Select a row to open the deal.")
        ).wait_for()
        settle(page)
        page.get_by_role("heading", name="Juno rollout").wait_for(state="detached")
        assert page.get_by_role("heading", name="Maple long shot").count() == 0
        assert "deal=" not in page.url
        click_row(page, 0)  # now an explicit choice of the one deal listed
        page.get_by_role("heading", name="Maple long shot").wait_for()
        assert "deal=13" in page.url
