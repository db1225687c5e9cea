"""An attacker's journey in a real browser: markup in every text field, a cookie forged
with what an export gives away, the export itself."""

from __future__ import annotations

import io
import time
import zipfile

import jwt
import pandas as pd
import pytest

from pipeline import db, users
from tests.browser import (
    PASSWORD,
    browser_pages,
    require_chromium,
    settle,
    sign_in,
    streamlit_server,
    wait_for_app,
    with_passwords,
)
from tests.test_text_safety import PAYLOAD, with_payloads

pytestmark = pytest.mark.browser
COOKIE = "sales_pipeline_sign_in"  # pages/components/auth.py


@pytest.fixture(autouse=True)
def chromium():
    require_chromium()


def forged(key: str, email: str) -> str:
    """A sign-in cookie as streamlit-authenticator signs it, with ``key``."""
    expires = time.time() + 86_400
    return jwt.encode({"username": email, "exp_date": expires}, key, algorithm="HS256")


def test_markup_in_every_text_field_is_shown_as_text(tiny_path):
    with_payloads(tiny_path)
    with_passwords(tiny_path, "bob@example.com")
    requested = []
    with streamlit_server(tiny_path) as base, browser_pages(1) as (page,):
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{base}/my_deals?deal=10")
        sign_in(page, "bob@example.com")
        page.get_by_role("tab", name="History").wait_for()
        settle(page)
        for path in ("/my_deals?deal=10", "/?as_of=2026-11-18"):
            page.goto(base + path)
            page.locator("[data-testid='stSidebar']").wait_for()
            settle(page)
            assert page.locator("a[href*='evil.example']").count() == 0
            assert page.locator("img[src*='evil.example']").count() == 0
            bold = page.locator("strong, b").all_inner_texts()
            assert "B" not in bold and "h" not in bold
            assert page.locator("[data-testid='stException']").count() == 0
        # The deal's name is on the page, every character as typed.
        page.goto(f"{base}/my_deals?deal=10")
        heading = page.locator("[data-testid='stHeading']").filter(has_text="Juno rollout")
        shown = heading.inner_text().replace("\u2060", "")  # the joiners are invisible
        assert shown.startswith(PAYLOAD)
    assert not [url for url in requested if "evil.example" in url]


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # short candidates
def test_a_cookie_forged_with_what_an_export_holds_is_refused(tiny_path):
    con = db.connect(tiny_path)
    users.add(con, name="Ada Admin", email="ada@example.com", role="admin", password=PASSWORD)
    real_key = users.cookie_key(con)  # made by the first sign-in, kept in the database
    con.close()
    with streamlit_server(tiny_path) as base, browser_pages(2) as (admin, attacker):
        # The admin downloads the full export, as Data & settings offers it.
        admin.goto(f"{base}/data_settings")
        sign_in(admin, "ada@example.com")
        admin.get_by_role("tab", name="Export").click()
        with admin.expect_download() as download:
            admin.get_by_role("button", name="Download a full export").click()
        archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
        assert real_key not in b"".join(archive.read(name) for name in archive.namelist()).decode(
            "utf-8-sig", errors="replace"
        )
        settings = pd.read_csv(archive.open("settings.csv"), encoding="utf-8-sig")
        # Everything an export holds that could be a key: not one signs anyone in.
        candidates = [str(v) for v in settings["value"]] + ["auth_cookie_key"]
        for candidate in candidates:
            attacker.context.clear_cookies()
            attacker.context.add_cookies(
                [{"name": COOKIE, "value": forged(candidate, "ada@example.com"), "url": base}]
            )
            attacker.goto(f"{base}/data_settings")
            attacker.get_by_role("button", name="Sign in").wait_for()
            assert attacker.get_by_role("heading", name="Data & settings").count() == 0
        # The forgery itself works with the real key, so the refusals above mean something.
        attacker.context.clear_cookies()
        attacker.context.add_cookies(
            [{"name": COOKIE, "value": forged(real_key, "ada@example.com"), "url": base}]
        )
        attacker.goto(f"{base}/")
        wait_for_app(attacker)
        assert "Ada Admin" in attacker.locator("[data-testid='stSidebar']").inner_text()
