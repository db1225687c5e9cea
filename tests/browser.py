"""Helpers for browser tests: a real `streamlit run` server and Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]  # fmt: skip


def require_chromium() -> None:
    """Skip without Chromium, except where the browser tests are required (CI)."""
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing and REQUIRE_BROWSER=1")
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(database: Path):
    """A dashboard server on a free loopback port; yields its base URL. Its output goes
    to a file: a pipe nobody reads would stall the server once it filled."""
    port = free_port()
    env = {**os.environ, "SALES_DB": str(database)}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    with tempfile.TemporaryFile("w+") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                  stderr=subprocess.STDOUT, text=True)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        output.seek(0)
                        raise RuntimeError(f"streamlit did not start:\n{output.read()}") from None
                    time.sleep(0.3)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)


@contextlib.contextmanager
def browser_pages(count: int):
    """``count`` pages, each in its own browser context: separate people, separate sessions."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            pages = []
            for _ in range(count):
                context = browser.new_context(viewport={"width": 1440, "height": 1100})
                page = context.new_page()
                page.set_default_timeout(90_000)  # generous: a busy CI machine is slow
                pages.append(page)
            yield pages
        finally:
            browser.close()


@contextlib.contextmanager
def browser_page():
    with browser_pages(1) as (page,):
        yield page


def wait_for_app(page) -> None:
    """Wait until a page with figures has been drawn and its run has finished. The
    figures come first: before they appear, 'notRunning' can still be the state of the
    previous screen (the sign-in form), and reading then catches a half-drawn page."""
    page.wait_for_selector("[data-testid='stMetric']")
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick an option in the Streamlit selectbox with this label. A click sometimes only
    focuses the box (its list then opens on ArrowDown), and a rerun landing between the
    two clicks closes the list: try again after it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label)
    for attempt in range(4):
        box.click()
        wanted = page.get_by_role("option", name=option, exact=True)
        try:
            if attempt % 2:
                page.keyboard.press("ArrowDown")
            wanted.click(timeout=5_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            settle(page)
    raise AssertionError(f"could not pick {option!r} in {label!r}")


def click_until(page, target, shown, attempts: int = 3) -> None:
    """Click ``target`` until ``shown`` is visible. On a busy machine a click that lands
    while the page is being redrawn can be lost (the element clicked was replaced);
    the next attempt clicks the new one. Fails when ``shown`` never comes."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts):
        target.click()
        try:
            shown.wait_for(timeout=30_000)
            return
        except PlaywrightTimeout:
            settle(page)
    raise AssertionError(f"clicking {target} {attempts} times never showed {shown}")


PASSWORD = "browser-test-pass"


def with_passwords(path: Path, *emails: str) -> Path:
    """Give these users of the database at ``path`` the password PASSWORD."""
    from pipeline import db, users

    con = db.connect(path)
    try:
        for email in emails:
            users.set_password(con, email, PASSWORD)
    finally:
        con.close()
    return path


def sign_in(page, email: str) -> None:
    """Sign in through the password form on the page that is showing it."""
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


QUIET_MS = 600  # the app counts as settled once it has not run a script for this long


def settle(page) -> None:
    """Wait until the script run the last action started has finished: the app's script
    state must have been "not running" for QUIET_MS on end (an action's rerun can take a
    moment to start on a busy machine, so one look is not enough)."""
    page.evaluate("window.__busySince = undefined")  # the quiet spell starts now
    page.wait_for_function(
        """quiet => {
            const idle = document.querySelector("[data-test-script-state='notRunning']");
            const now = performance.now();
            if (!idle) { window.__busySince = now; return false; }
            if (window.__busySince === undefined) window.__busySince = now;
            return now - window.__busySince >= quiet;
        }""",
        arg=QUIET_MS,
        polling=100,
    )
