"""Each rep's weekly forecast call for the quarter: what they commit to and their best
case. A call can be revised until its week ends; calls from earlier weeks are kept as
they were, so the trend across the quarter stays visible."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb

from pipeline import db, engine, periods, permissions, users, validation

_THIS_WEEKS_CALL = """
SELECT id FROM forecast_calls
WHERE user_id = $user_id AND quarter_start = $quarter_start AND submitted_at >= $week_start
ORDER BY submitted_at DESC
LIMIT 1
"""
_INSERT = """
INSERT INTO forecast_calls (id, user_id, quarter_start, submitted_at, commit_amount,
                            best_case_amount, note)
VALUES ($id, $user_id, $quarter_start, $at, $commit, $best_case, $note)
"""
_REVISE = """
UPDATE forecast_calls
SET submitted_at = $at, commit_amount = $commit, best_case_amount = $best_case, note = $note
WHERE id = $id
"""


def submit(
    con: duckdb.DuckDBPyConnection,
    actor: users.User,
    *,
    commit,
    best_case,
    note: str | None = None,
    now: datetime | None = None,
) -> tuple[int, bool]:
    """Record the user's call for the current fiscal quarter. Returns (id, revised):
    revised is True when this week's earlier call was replaced."""
    permissions.require(
        permissions.can_submit_forecast(actor),
        f"{actor.a_role.capitalize()} does not submit forecast calls.",
    )
    now = now or datetime.now()
    check = validation.Collector()
    commit_amount = check.take(validation.amount, commit, "Commit")
    best_amount = check.take(validation.amount, best_case, "Best case")
    for label, value in (("Commit", commit_amount), ("Best case", best_amount)):
        if value is None and not any(p.field == label for p in check.problems):
            check.add(label, "is required")
    if commit_amount is not None and best_amount is not None and best_amount < commit_amount:
        check.add("Best case", "must be at least the commit (best case includes it)")
    text = check.take(validation.text, note, "Note", validation.NOTE_LIMIT)
    check.raise_if_any()
    week_start = datetime.combine(now.date() - timedelta(days=now.weekday()), datetime.min.time())

    def work() -> tuple[int, bool]:
        quarter = periods.fiscal_quarter_start(
            now.date(), int(db.get_setting(con, "fiscal_year_start_month", "1"))
        )
        params = {"commit": commit_amount, "best_case": best_amount, "note": text, "at": now}
        found = con.execute(
            _THIS_WEEKS_CALL,
            {"user_id": actor.id, "quarter_start": quarter, "week_start": week_start},
        ).fetchone()
        if found:
            con.execute(_REVISE, {**params, "id": found[0]})
            call_id, revised = found[0], True
        else:
            call_id, revised = engine.next_id(con, "forecast_call_ids"), False
            row = {**params, "id": call_id, "user_id": actor.id, "quarter_start": quarter}
            con.execute(_INSERT, row)
        db.record_change(con, "forecast_call", user_id=actor.id, summary="Forecast call", at=now)
        return call_id, revised

    return engine.transaction(con, work)


def quarter_of_today(con: duckdb.DuckDBPyConnection, today) -> date:
    """The fiscal quarter calls are made for today."""
    start_month = int(db.get_setting(con, "fiscal_year_start_month", "1"))
    return periods.fiscal_quarter_start(today, start_month)
