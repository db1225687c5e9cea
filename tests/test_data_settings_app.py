"""The Data & settings page under AppTest: who sees it, settings saved through the form."""

from __future__ import annotations

from pipeline import db, users
from tests.apptest import start_app


def open_page(monkeypatch, path, user_id):
    at = start_app(monkeypatch, path, user_id)
    at.switch_page("pages/data_settings.py").run()
    assert not at.exception, at.exception
    return at


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
    assert at.metric[0].label == "Deals"
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
    assert [e.value for e in at.error] == [
        "Pipeline coverage target (x remaining quota): 'zero' is not a whole number"
    ]
    con = db.connect(tiny_path)  # the app's own connection is open in this process too
    try:
        assert db.get_setting(con, "stale_after_days") == "21"
        assert db.get_setting(con, "currency") == "EUR"
    finally:
        con.close()
