"""What an attacker tries: secrets out through an export, an import or export by someone
who may not, spreadsheet formulas in disguise."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from pipeline import db, exporting, health, permissions, users
from pipeline.imports import importer
from tests.test_import import salesforce_files

ADMIN_PASSWORD = "admin-pass-123"


def admin(con) -> users.User:
    return users.add(
        con, name="Ada Admin", email="ada@example.com", role="admin", password=ADMIN_PASSWORD
    )


def test_the_full_export_holds_no_secret(tiny):
    ada = admin(tiny)
    key = users.cookie_key(tiny)  # made on the first sign-in
    hashed = tiny.execute("SELECT password_hash FROM users WHERE id = $id", {"id": ada.id})
    password_hash = hashed.fetchone()[0]
    archive = zipfile.ZipFile(io.BytesIO(exporting.backup(tiny, ada)))
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8-sig")
        assert key not in text, name
        assert password_hash not in text, name
    settings = pd.read_csv(archive.open("settings.csv"), encoding="utf-8-sig")
    assert "auth_cookie_key" not in set(settings["key"])
    assert "auth_cookie_key" not in db.all_settings(tiny)  # what pages read


@pytest.mark.file_store
def test_an_upgrade_rotates_the_cookie_key(tmp_path, monkeypatch):
    """Earlier versions exported the key: opening such a file drops it, so a cookie
    signed with a leaked key no longer signs anyone in (tests/test_browser_security.py
    forges one against a real server)."""
    path = tmp_path / "old.duckdb"
    old = [(v, sql) for v, sql in db.migrations() if v < 10]
    monkeypatch.setattr(db, "migrations", lambda: old)
    monkeypatch.setattr(db, "create_staging", lambda con: None)  # the old code had none
    con = db.connect(path)
    db.set_setting(con, "auth_cookie_key", "leaked-key")
    con.close()
    monkeypatch.undo()
    con = db.connect(path)
    assert db.schema_version(con) == db.latest_version()
    assert db.get_setting(con, "auth_cookie_key") is None
    assert users.cookie_key(con) not in ("leaked-key", None)
    con.close()


def test_only_admins_import_and_nothing_is_written_otherwise(tiny, tmp_path):
    before = dict(health.row_counts(tiny))
    rep = users.get(tiny, 5)
    request = importer.Request("salesforce", salesforce_files(tmp_path))
    with pytest.raises(permissions.PermissionDenied, match="rep cannot import"):
        importer.run(tiny, request, actor=rep)
    assert dict(health.row_counts(tiny)) == before
    report = importer.run(tiny, request, actor=admin(tiny))
    assert report.written and report.added == 3


@pytest.mark.parametrize("who", [1, 2, 5])  # executive, manager, rep
def test_only_admins_export_the_whole_database(tiny, who):
    with pytest.raises(permissions.PermissionDenied):
        exporting.backup(tiny, users.get(tiny, who))


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        " =1+1",  # a leading space
        "\u00a0@SUM(A1)",  # a no-break space
        "\u200b=HYPERLINK()",  # a zero-width space
        "\ufeff+1",  # a byte-order mark
        "\u202e-2",  # a direction mark
        "\t=1",
        "\r=1",
        "＝1+1",  # full-width equals
        "＋1",
        "－1",
        "＠cmd",
        "﹦1",  # small equals
        "−5",  # the minus sign
        "–5",  # an en dash
    ],
)
def test_disguised_formulas_are_neutralised(text):
    assert exporting.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["plain", "a=b", " plain", "5", "Acme - renewal", ""])
def test_ordinary_text_is_left_alone(text):
    assert exporting.neutralise(text) == text
