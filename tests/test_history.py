"""Deal history and what is derived from it (pipeline/history.py): the current deals
table, its denormalised fields, the narrow won/open copies and the clock."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pipeline import db, history
from tests.conftest import facts_out_of_line
from tests.given import Deal, Version, given


def deal_with_a_story(tmp_path):
    """Deal 1: created in Discovery on 1 Oct, pushed out twice (15 -> 30 Nov -> 15 Dec),
    pulled in once (-> 10 Dec), Proposal on 20 Oct; touched on 5 and 12 Nov."""
    return given(
        tmp_path / "story.duckdb",
        users=[{"id": 5, "name": "Bo Rep", "role": "rep"}],
        deals=[
            Deal(
                1,
                5,
                "Story",
                [
                    Version(datetime(2026, 10, 1, 9), "Discovery", "1000", date(2026, 11, 15)),
                    Version(datetime(2026, 10, 10, 9), "Discovery", close_date=date(2026, 11, 30)),
                    Version(datetime(2026, 10, 20, 9), "Proposal", "1200"),
                    Version(datetime(2026, 11, 2, 9), "Proposal", close_date=date(2026, 12, 15)),
                    Version(datetime(2026, 11, 9, 9), "Proposal", close_date=date(2026, 12, 10)),
                ],
            ),
            Deal(
                2,
                5,
                "Won",
                [
                    Version(datetime(2026, 9, 1, 9), "Negotiation", "500", date(2026, 9, 30)),
                    Version(datetime(2026, 9, 29, 16), "Closed Won"),
                ],
            ),
        ],  # fmt: skip
        activities=[
            {
                "id": 1,
                "deal_id": 1,
                "owner_id": 5,
                "kind": "call",
                "done_at": datetime(2026, 11, 5),
            },
            {
                "id": 2,
                "deal_id": 1,
                "owner_id": 5,
                "kind": "email",
                "done_at": datetime(2026, 11, 12, 15),
            },
        ],  # fmt: skip
    )


def test_the_current_row_is_the_open_version_with_what_follows_from_history(tmp_path):
    con = db.connect(deal_with_a_story(tmp_path))
    row = con.execute(
        "SELECT version, amount, close_date, stage_entered_at, push_count, last_activity_at, "
        "updated_at FROM deals WHERE id = 1"
    ).fetchone()
    assert row == (
        5,
        Decimal("1200.00"),
        date(2026, 12, 10),
        datetime(2026, 10, 20, 9),  # entered Proposal
        2,  # moved later twice; the pull-in does not count
        datetime(2026, 11, 12, 15),  # the latest activity
        datetime(2026, 11, 9, 9),
    )
    assert facts_out_of_line(con) == 0
    assert con.execute("SELECT * FROM won_deals").fetchall() == [
        (2, 5, datetime(2026, 9, 29, 16), Decimal("500.00"))
    ]
    assert con.execute("SELECT deal_id, close_date FROM open_deals").fetchall() == [
        (1, date(2026, 12, 10))
    ]
    assert con.execute("SELECT max(last_change) FROM history_clock").fetchone()[0] == datetime(
        2026, 11, 9, 9
    )


def test_rebuilding_gives_the_same_rows(tmp_path):
    con = db.connect(deal_with_a_story(tmp_path))
    before = con.execute("SELECT * FROM deals ORDER BY id").fetchall()
    con.execute("BEGIN TRANSACTION")
    assert history.rebuild_current_deals(con) == 2
    con.execute("COMMIT")
    assert con.execute("SELECT * FROM deals ORDER BY id").fetchall() == before
    assert facts_out_of_line(con) == 0


def test_filling_a_range_adds_only_the_deals_missing_from_it(tmp_path):
    con = db.connect(deal_with_a_story(tmp_path))
    con.execute("DELETE FROM deals WHERE id = 2")
    assert history.fill_current_deals(con, (2, 2)) == 1
    assert history.fill_current_deals(con, (1, 2)) == 0  # both there already
    assert facts_out_of_line(con) == 0


def test_the_state_as_of_the_end_of_a_day(tmp_path):
    """A version beginning exactly at the next midnight belongs to the next day."""
    path = given(
        tmp_path / "midnight.duckdb",
        users=[{"id": 5, "name": "Bo Rep", "role": "rep"}],
        deals=[
            Deal(
                1,
                5,
                "Won at midnight",
                [
                    Version(datetime(2024, 4, 1), "Proposal", "1000", date(2024, 5, 1)),
                    Version(datetime(2024, 5, 1), "Closed Won"),
                ],
            ),
            Deal(
                2,
                5,
                "Created at midnight",
                [
                    Version(datetime(2024, 5, 1), "Demo", "5000", date(2024, 6, 1)),
                ],
            ),
        ],  # fmt: skip
    )
    con = db.connect(path)
    end_of_april = datetime(2024, 5, 1)
    state = con.execute(
        "SELECT deal_id, status FROM deals_as_of($end, false) ORDER BY deal_id",
        {"end": end_of_april},
    ).fetchall()
    assert state == [(1, "open")]  # deal 1 not yet won; deal 2 not yet created
    assert (
        con.execute(
            "SELECT count(*) FROM won_as_of($end, false)", {"end": end_of_april}
        ).fetchone()[0]
        == 0
    )
    may_day_end = datetime(2024, 5, 2)
    assert con.execute(
        "SELECT deal_id, status FROM deals_as_of($end, false) ORDER BY deal_id",
        {"end": may_day_end},
    ).fetchall() == [(1, "won"), (2, "open")]
