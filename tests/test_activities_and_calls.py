"""Logging activities and submitting forecast calls, on the tiny fixture."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pipeline import activities, db, deals, forecast_calls, permissions, users, validation

NOW = datetime(2026, 11, 20, 10, 0)  # a Friday; its week began Monday 16 November


def test_logging_an_activity_touches_the_deal_but_keeps_its_version(tiny):
    bob = users.get(tiny, 5)
    before = db.data_version(tiny)
    activity_id = activities.log(
        tiny, bob, 10, kind="call", outcome="connected", on=date(2026, 11, 20), note="Agreed",
        now=NOW,
    )  # fmt: skip
    assert tiny.execute(
        "SELECT deal_id, owner_id, kind, outcome, note, done_at FROM activities WHERE id = $id",
        {"id": activity_id},
    ).fetchone() == (10, 5, "call", "connected", "Agreed", NOW)
    deal = deals.load(tiny, 10)
    assert (deal["last_activity_at"], deal["version"]) == (NOW, 2)
    assert db.data_version(tiny) == before + 1
    # An activity logged for an earlier day never moves the last touch backwards.
    activities.log(tiny, bob, 10, kind="email", outcome="sent", on="2026-11-13", note=None, now=NOW)
    assert deals.load(tiny, 10)["last_activity_at"] == NOW


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "fax", "outcome": None, "on": "2026-11-20"}, "Kind: 'fax' is not one of"),
        ({"kind": "call", "outcome": "won", "on": "2026-11-20"}, "Outcome: 'won' is not one of"),
        ({"kind": "call", "outcome": None, "on": "2026-11-21"}, "Date: 2026-11-21 is after"),
        ({"kind": "call", "outcome": None, "on": "2026-10-01"}, "before the deal was created"),
        ({"kind": "call", "outcome": None, "on": "yesterday"}, "Date: 'yesterday' is not a date"),
        ({"kind": "call", "outcome": None, "on": None}, "Date: is required"),
        ({"kind": "note", "outcome": None, "on": "2026-11-20", "note": "x" * 10_001}, "Note:"),
    ],
)
def test_bad_activities_are_refused(tiny, fields, message):
    count = tiny.execute("SELECT count(*) FROM activities").fetchone()[0]
    with pytest.raises(validation.ValidationError, match=message):
        activities.log(tiny, users.get(tiny, 5), 10, **{"note": None, **fields}, now=NOW)
    assert tiny.execute("SELECT count(*) FROM activities").fetchone()[0] == count


def test_only_people_who_may_edit_a_deal_log_on_it(tiny):
    with pytest.raises(permissions.PermissionDenied):
        activities.log(tiny, users.get(tiny, 4), 10, kind="call", outcome=None, on=NOW, note=None)


def calls(con) -> list[tuple]:
    return con.execute(
        "SELECT quarter_start, submitted_at, commit_amount, best_case_amount, note "
        "FROM forecast_calls WHERE user_id = 5 ORDER BY submitted_at"
    ).fetchall()


def test_a_forecast_call_is_revised_within_its_week_and_kept_after(tiny):
    bob = users.get(tiny, 5)
    first, revised = forecast_calls.submit(
        tiny, bob, commit="50,000", best_case="80,000", note="Juno", now=NOW
    )
    assert not revised
    again, revised = forecast_calls.submit(
        tiny, bob, commit="55000", best_case="80000", now=datetime(2026, 11, 22, 23, 59)
    )
    assert (again, revised) == (first, True)
    forecast_calls.submit(tiny, bob, commit="60000", best_case="90000", now=datetime(2026, 11, 23))
    assert calls(tiny) == [
        (date(2026, 10, 1), datetime(2026, 11, 22, 23, 59), Decimal("55000.00"),
         Decimal("80000.00"), None),
        (date(2026, 10, 1), datetime(2026, 11, 23), Decimal("60000.00"), Decimal("90000.00"),
         None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("commit", "best_case", "message"),
    [
        ("", "100", "Commit: is required"),
        ("-1", "100", "Commit: cannot be negative"),
        ("200", "100", "Best case: must be at least the commit"),
        ("100", "lots", "Best case: 'lots' is not an amount"),
    ],
)
def test_bad_forecast_calls_are_refused(tiny, commit, best_case, message):
    with pytest.raises(validation.ValidationError, match=message):
        forecast_calls.submit(tiny, users.get(tiny, 5), commit=commit, best_case=best_case)
    assert calls(tiny) == []


def test_executives_do_not_submit_forecast_calls(tiny):
    with pytest.raises(permissions.PermissionDenied):
        forecast_calls.submit(tiny, users.get(tiny, 1), commit="1", best_case="2")
