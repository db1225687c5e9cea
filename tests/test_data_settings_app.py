"""The Data & settings page under AppTest: who sees it, settings saved through the form."""

from __future__ import annotations

from pipeline import db, users
from pipeline.imports import importer
from tests.apptest import shown, start_app


def open_page(monkeypatch, path, user_id):
    at = start_app(monkeypatch, path, user_id)
    at.switch_page("pages/data_settings.py").run()
    assert not at.exception, at.exception
    return at


def open_tab(at, label: str):
    """Only the open tab is drawn: open another as a click on it would."""
    at.session_state["data_tab"] = label
    return at.run()


def test_only_admins_manage_data(monkeypatch, tiny_path):
    at = open_page(monkeypatch, tiny_path, 1)  # Erin, executive
    assert [i.value for i in at.info] == ["Imports, settings and full exports are for admins."]
    assert not at.tabs


def test_admin_saves_settings_and_sees_health(monkeypatch, tiny_path):
    con = db.connect(tiny_path)
    ada = users.add(
        con, name="Ada Admin", email="ada@example.com", role="admin", password="a-long-password"
    )
    con.close()
    at = open_page(monkeypatch, tiny_path, ada.id)
    assert [t.label for t in at.tabs] == ["Import", "Data health", "Settings", "Quotas", "Export"]
    assert not at.metric  # only the open tab (Import) is drawn
    open_tab(at, "Data health")
    # The tiny fixture's 13 deals, of which deals 10 to 13 are open.
    assert [(m.label, m.value) for m in at.metric] == [("Deals", "13"), ("Open deals", "4")]
    open_tab(at, "Settings")
    at.text_input(key="set_stale_after_days").set_value("21")
    at.text_input(key="set_currency").set_value("eur")
    form_button = next(b for b in at.button if b.label == "Save settings")
    form_button.click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Saved: A deal is stale after this many days without activity, "
        "Currency (ISO code, e.g. USD)."
    ]
    at.text_input(key="set_coverage_target").set_value("zero")
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert [shown(e.value) for e in at.error] == [
        "Pipeline coverage target (x remaining quota): 'zero' is not a whole number"
    ]
    con = db.connect(tiny_path)  # the app's own connection is open in this process too
    try:
        assert db.get_setting(con, "stale_after_days") == "21"
        assert db.get_setting(con, "currency") == "EUR"
    finally:
        con.close()


def test_other_files_are_mapped_in_a_form_that_reads_them_once(monkeypatch, tiny_path):
    con = db.connect(tiny_path)
    ada = users.add(
        con, name="Ada Admin", email="ada@example.com", role="admin", password="a-long-password"
    )
    con.close()
    reads = []
    real_inspect = importer.inspect

    def counted_inspect(*args, **kwargs):
        reads.append(args[1])
        return real_inspect(*args, **kwargs)

    monkeypatch.setattr(importer, "inspect", counted_inspect)
    at = open_page(monkeypatch, tiny_path, ada.id)
    at.selectbox(key="source").set_value("other").run()
    deals_csv = (
        "Deal ID,Title,Owner,Stage,Status,Value,Close date\n"
        'X-1,Harbor renewal,Cal Rep,Closed Won,won,"$1,200.50",2026-11-02\n'
    )
    at.file_uploader(key="uploads").set_value(("harbor.csv", deals_csv.encode(), "text/csv"))
    at.run()
    assert not at.exception
    assert [shown(e.label) for e in at.expander] == ["harbor.csv: Deals"]
    assert at.selectbox(key="map_harbor.csv_deals_amount").value == "Value"
    assert at.selectbox(key="map_harbor.csv_deals_owner").value == "Owner"
    # A choice in the form reruns the page; the file is not read again for it.
    at.selectbox(key="map_harbor.csv_deals_name").set_value("Deal ID").run()
    assert at.selectbox(key="map_harbor.csv_deals_name").value == "Deal ID"
    assert len(reads) == 1
    next(b for b in at.button if b.label == "Check files").click().run()
    assert not at.exception
    added = next(m for m in at.metric if m.label == "Deals to add")
    assert added.value == "1"
