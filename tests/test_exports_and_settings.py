"""Formula-safe downloads, the full export, data health and settings edits."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from bench import peer
from pipeline import db, exporting, health, permissions, settings, users, validation


def test_text_that_a_spreadsheet_would_run_is_neutralised():
    frame = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "+1-555", "-x", "@cmd", "\tTab", "Plain", None],
            "amount": [Decimal("-5.00"), Decimal("1.50"), None, None, None, None, None],
        }
    )
    text = exporting.to_csv(frame).decode("utf-8-sig").splitlines()
    assert text == [
        "name,amount",
        '"\'=HYPERLINK(""http://x"")",-5.00',
        "'+1-555,1.50",
        "'-x,",
        "'@cmd,",
        "'\tTab,",
        "Plain,",
        ",",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(exporting.to_excel(frame, "deals"))).active
    assert [cell.value for cell in sheet["A"]][:5] == [
        "name",
        '\'=HYPERLINK("http://x")',
        "'+1-555",
        "'-x",
        "'@cmd",
    ]
    assert sheet["B2"].value == -5.0  # numbers stay numbers, negatives included


def test_full_export_holds_every_table_without_passwords(tiny):
    users.set_password(tiny, "ann@example.com", "a-long-password")
    archive = zipfile.ZipFile(io.BytesIO(exporting.backup(tiny, None)))
    every_table = set(db.user_tables(tiny)) - {"meta"} - exporting.DERIVED  # meta: the version
    assert sorted(archive.namelist()) == sorted(f"{name}.csv" for name in every_table)
    people = pd.read_csv(archive.open("users.csv"), encoding="utf-8-sig")
    assert "password_hash" not in people.columns
    assert len(people) == 7
    deals = pd.read_csv(archive.open("deals.csv"), encoding="utf-8-sig")
    assert len(deals) == tiny.execute("SELECT count(*) FROM deals").fetchone()[0]


def test_data_health_counts(tiny):
    # tiny.sql: 13 deals (4 open), none with an account; Dee owns Harbor upgrade and
    # Lumen trial.
    tiny.execute("UPDATE users SET active = false WHERE email = 'dee@example.com'")
    tiny.execute("UPDATE deals SET amount = NULL WHERE name = 'Maple long shot'")
    tiny.execute("UPDATE deals SET close_date = NULL WHERE name IN ('Kite analytics', 'Iris bid')")
    tiny.execute("UPDATE deals SET name = 'Acme renewal' WHERE name = 'Birch expansion'")
    tiny.execute("UPDATE deals SET close_date = '2026-11-01' WHERE name = 'Lumen trial'")
    # Missing from an import: Kite (open) awaits a decision, Juno was kept, Iris is lost.
    tiny.execute(
        "INSERT INTO missing_deals (deal_id, import_id, kept_at) "
        "SELECT id, 1, CASE WHEN name = 'Juno rollout' THEN now() END FROM deals "
        "WHERE name IN ('Kite analytics', 'Juno rollout', 'Iris bid')"
    )
    found = health.report(tiny)
    assert (found["deals"], found["open_deals"]) == (13, 4)
    assert dict(found["checks"].itertuples(index=False)) == {
        "Deals whose owner is Unassigned or no longer active": 2,
        "Deals without an amount": 1,
        "Open deals without a close date": 1,
        "Closed deals without a close date": 1,
        "Deals closing before they were created": 1,
        "Deals with the same name and account as another": 1,
        "Deals without an account": 13,
        "Open deals an import no longer held (close or keep them)": 1,
    }
    assert len(found["imports"]) == 0
    # The benchmark's pandas peer counts the same.
    assert peer.data_health(peer.load(tiny)) == {
        "deals": 13,
        "open_deals": 4,
        "without_active_owner": 2,
        "without_amount": 1,
        "open_without_close_date": 1,
        "closed_without_close_date": 1,
        "closing_before_creation": 1,
        "duplicate_names": 1,
        "without_account": 13,
        "missing_from_import": 1,
    }


def admin(con) -> users.User:
    return users.add(
        con, name="Ada Admin", email="ada@example.com", role="admin", password="a-long-password"
    )


def test_settings_are_validated_and_recorded(tiny):
    ada = admin(tiny)
    values = settings.current(tiny) | {"fiscal_year_start_month": "13", "currency": "dollars"}
    with pytest.raises(validation.ValidationError) as refused:
        settings.save(tiny, ada, values)
    assert [p.field for p in refused.value.problems] == [
        "Fiscal year starts in month (1-12)",
        "Currency (ISO code, e.g. USD)",
    ]
    assert db.get_setting(tiny, "fiscal_year_start_month") == "1"
    version = db.data_version(tiny)
    changed = settings.save(tiny, ada, settings.current(tiny) | {"fiscal_year_start_month": "4"})
    assert changed == ["Fiscal year starts in month (1-12)"]
    assert db.get_setting(tiny, "fiscal_year_start_month") == "4"
    assert db.data_version(tiny) > version
    rep = users.get(tiny, 4)
    with pytest.raises(permissions.PermissionDenied):
        settings.save(tiny, rep, settings.current(tiny))


def test_stage_edits(tiny):
    ada = admin(tiny)
    frame = settings.stages(tiny)
    frame.loc[frame["name"] == "Prospecting", "probability"] = 12.5
    assert settings.save_stages(tiny, ada, frame) == 1
    assert tiny.execute("SELECT probability FROM stages WHERE name = 'Prospecting'").fetchone() == (
        Decimal("0.1250"),
    )
    frame.loc[frame["name"] == "Prospecting", "probability"] = 120
    with pytest.raises(validation.ValidationError, match="probability must be from 0 to 100"):
        settings.save_stages(tiny, ada, frame)
