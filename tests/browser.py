"""Helpers for browser tests: a real `streamlit run` server and Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
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
    """A dashboard server on a free loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "SALES_DB": str(database)}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"streamlit did not start:\n{server.stdout.read()}"
                    ) from None
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


@contextlib.contextmanager
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def wait_for_app(page) -> None:
    page.wait_for_selector("[data-test-script-state='notRunning']", state="attached")
    page.wait_for_selector("[data-testid='stMetric']")


def choose(page, label: str, option: str) -> None:
    """Pick an option in the Streamlit selectbox with this label."""
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
