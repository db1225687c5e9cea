"""Sales ops imports a Salesforce export in a real browser: upload, check, import, see it."""

from __future__ import annotations

import os

import pytest

from pipeline import db, users
from pipeline.imports import importer
from tests.browser import (
    PASSWORD,
    browser_page,
    require_chromium,
    settle,
    sign_in,
    streamlit_server,
    wait_for_app,
)
from tests.test_import import salesforce_files, without_acme

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOTS")  # a folder: save screenshots there to look at


@pytest.fixture(autouse=True)
def chromium():
    require_chromium()


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_admin_uploads_checks_and_imports_a_salesforce_export(tiny_path, tmp_path):
    con = db.connect(tiny_path)
    users.add(con, name="Ada Admin", email="ada@example.com", role="admin", password=PASSWORD)
    before = con.execute("SELECT count(*) FROM deals").fetchone()[0]
    con.close()
    files = salesforce_files(tmp_path)
    with streamlit_server(tiny_path) as base, browser_page() as page:
        page.goto(f"{base}/data_settings")
        sign_in(page, "ada@example.com")
        page.get_by_role("heading", name="Data & settings").wait_for()
        page.locator("[data-testid='stSelectbox']").filter(has_text="Exported from").click()
        page.get_by_role("option", name="Salesforce", exact=True).click()
        settle(page)
        uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Export files")
        uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            [str(path) for path in files]
        )
        page.get_by_role("button", name="Check files").wait_for()
        settle(page)
        page.get_by_role("button", name="Check files").click()
        page.get_by_text("Deals to add").wait_for()
        settle(page)
        shot(page, "import-preview")
        added = page.locator("[data-testid='stMetric']").filter(has_text="Deals to add")
        assert "3" in added.inner_text()
        # The files' owners (ada@, bob@example.com) are people here already: only the
        # stage the database lacks is new.
        assert page.get_by_text("Negotiation/Review (open, 90%)").count() == 1
        # Map it to the database's own Negotiation stage instead, and check again.
        page.get_by_role("combobox", name="Stage 'Negotiation/Review' (open)").click()
        page.keyboard.press("ArrowDown")  # opens the list (a click alone may not)
        page.get_by_role("option", name="Negotiation", exact=True).click()
        page.get_by_text("You changed how stages or owners map: check the files again.").wait_for()
        assert page.get_by_role("button", name="Import", exact=True).count() == 0
        page.get_by_role("button", name="Check files").click()
        settle(page)
        page.get_by_text("Deals to add").wait_for()
        assert page.get_by_text("Negotiation/Review (open, 90%)").count() == 0
        shot(page, "import-mapped")
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_text("Imported: 3 deals added, 0 changed, 0 unchanged").wait_for()
        shot(page, "import-done")
        page.get_by_role("tab", name="Data health").click()
        page.get_by_text("Opportunity.csv, OpportunityHistory.csv").first.wait_for(state="attached")
        shot(page, "data-health")
        page.goto(f"{base}/")
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
    con = db.connect(tiny_path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM deals").fetchone()[0] == before + 3
        assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM stages").fetchone()[0] == 8  # none added
        assert (
            con.execute(
                "SELECT count(*) FROM deal_history AS h JOIN stages AS s ON s.id = h.stage_id "
                "WHERE s.name = 'Negotiation' AND h.external_id = '006B'"
            ).fetchone()[0]
            == 1
        )  # 006B's history passed through Negotiation/Review
    finally:
        con.close()


def open_quotas_tab(page, base: str) -> None:
    page.goto(f"{base}/data_settings")
    sign_in(page, "ada@example.com")
    page.get_by_role("tab", name="Quotas").click()
    page.get_by_text("Upload quotas").first.wait_for()
    settle(page)


def dee_quotas(path) -> list[tuple]:
    con = db.connect(path, read_only=True)
    try:
        return con.execute(
            "SELECT strftime(month, '%Y-%m'), CAST(amount AS VARCHAR) FROM quotas "
            "WHERE user_id = 7 ORDER BY month"
        ).fetchall()
    finally:
        con.close()


def test_admin_types_a_quota_into_the_plan_and_saves_it(tiny_path):
    con = db.connect(tiny_path)
    users.add(con, name="Ada Admin", email="ada@example.com", role="admin", password=PASSWORD)
    con.close()
    with streamlit_server(tiny_path) as base, browser_page() as page:
        open_quotas_tab(page, base)
        # Dee's January quota: double-click her Jan 2026 cell (eighth row; the third
        # column, after Who and Level), type, Enter, save.
        grid = page.locator("[data-testid='stDataFrame']").filter(has_text="Dee Rep")
        box = grid.bounding_box()
        page.mouse.dblclick(box["x"] + 260, box["y"] + 35 + 7 * 35 + 17)
        editor = page.locator(".gdg-input")  # the cell's editor, once open
        editor.fill("1234.5")
        editor.press("Enter")
        # The grid's accessible copy holds the edit before it reaches the server.
        grid.get_by_text("1234.5", exact=True).wait_for(state="attached")
        settle(page)
        page.get_by_role("button", name="Save quotas").click()
        page.get_by_text("1 monthly quotas changed.").wait_for()
        settle(page)
        shot(page, "quotas")
        assert page.get_by_text("1 monthly quotas changed.").count() == 1  # stays shown
        assert page.locator("[data-testid='stException']").count() == 0
    assert dee_quotas(tiny_path) == [("2026-01", "1234.50")]


def test_admin_uploads_a_quota_file(tiny_path, tmp_path):
    con = db.connect(tiny_path)
    users.add(con, name="Ada Admin", email="ada@example.com", role="admin", password=PASSWORD)
    con.close()
    quota_file = tmp_path / "quotas.csv"
    quota_file.write_text("month,amount,rep\n2026-11,4321.50,dee@example.com\n", encoding="utf-8")
    with streamlit_server(tiny_path) as base, browser_page() as page:
        open_quotas_tab(page, base)
        uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Quota file")
        uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            str(quota_file)
        )
        uploader.get_by_text("quotas.csv").wait_for()  # uploaded; its rerun follows
        settle(page)
        page.get_by_role("button", name="Upload quotas").click()
        page.get_by_text("quotas.csv: 1 monthly quotas changed.").wait_for()
        assert page.locator("[data-testid='stException']").count() == 0
    assert dee_quotas(tiny_path) == [("2026-11", "4321.50")]


def test_admin_closes_a_deal_a_later_export_no_longer_holds(tiny_path, tmp_path):
    con = db.connect(tiny_path)
    users.add(con, name="Ada Admin", email="ada@example.com", role="admin", password=PASSWORD)
    importer.run(con, importer.Request("salesforce", salesforce_files(tmp_path)))
    importer.run(con, importer.Request("salesforce", [without_acme(tmp_path)]))
    con.close()
    with streamlit_server(tiny_path) as base, browser_page() as page:
        page.goto(f"{base}/data_settings")
        sign_in(page, "ada@example.com")
        page.get_by_text("Open deals missing from an import").wait_for()
        settle(page)
        grid = page.locator("[data-testid='stDataFrame']").filter(has_text="Acme renewal")
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's checkbox
        settle(page)
        shot(page, "missing-list")
        page.get_by_role("button", name="Close 1 as lost").click()
        page.get_by_text("1 deals closed as lost.").wait_for()
        settle(page)
        shot(page, "missing-closed")
        assert page.get_by_text("Open deals missing from an import").count() == 0
    con = db.connect(tiny_path, read_only=True)
    try:
        assert con.execute(
            "SELECT status, lost_reason LIKE 'Not in the CRM export imported on %' "
            "FROM deals WHERE external_id = '006A'"
        ).fetchone() == ("lost", True)
    finally:
        con.close()
