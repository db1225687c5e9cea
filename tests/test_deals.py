"""The deal write path on the tiny fixture: validation, permissions, versions, history.

Open deals in tests/fixtures/tiny.sql: 10 (Bob, v2, 50,000.00, Negotiation, closing
2026-12-15, created 2026-10-05), 11 (Cal), 12 (Dee), 13 (Ann, v1, 8,000.00,
Qualification, closing 2026-12-01, created 2026-11-17). Users: 1 Erin (executive),
2 Mia (manager, East: Ann 4, Bob 5), 3 Walt (manager, West: Cal 6, Dee 7).
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest

from pipeline import db, deals, engine, permissions, users, validation
from tests.conftest import facts_out_of_line

NOW = datetime(2026, 11, 20, 10, 0)
ADMIN = users.User(99, "Ada Admin", "ada@example.com", "admin", None, None, True)


def user(con, user_id: int) -> users.User:
    return users.get(con, user_id)


def row(con, deal_id: int) -> dict:
    return deals.load(con, deal_id)


def history(con, deal_id: int) -> list[tuple]:
    return con.execute(
        "SELECT version, valid_from, valid_to, changed_by, change_source, amount "
        "FROM deal_history WHERE deal_id = $id ORDER BY version",
        {"id": deal_id},
    ).fetchall()


def refused_fields(excinfo) -> list[str]:
    return [problem.field for problem in excinfo.value.problems]


def test_a_rep_saves_their_deal_as_a_new_version(tiny):
    before = db.data_version(tiny)
    saved = deals.save(tiny, user(tiny, 4), 13, 1, {"amount": "12,500"}, now=NOW)
    assert saved == deals.Saved(13, 2, ["Amount"])
    deal = row(tiny, 13)
    assert (deal["amount"], deal["version"], deal["updated_by"]) == (Decimal("12500.00"), 2, 4)
    assert deal["updated_at"] == NOW
    assert history(tiny, 13) == [
        (1, datetime(2026, 11, 17), NOW, None, "demo", Decimal("8000.00")),
        (2, NOW, None, 4, "edit", Decimal("12500.00")),
    ]
    assert db.data_version(tiny) == before + 1
    assert tiny.execute(
        "SELECT user_id, kind, deal_id, summary FROM change_log ORDER BY id DESC LIMIT 1"
    ).fetchone() == (4, "deal", 13, "Amount")


def test_saving_nothing_new_writes_nothing(tiny):
    before = db.data_version(tiny)
    saved = deals.save(tiny, user(tiny, 4), 13, 1, {"amount": "8,000.00"}, now=NOW)
    assert saved == deals.Saved(13, 1, [])
    assert len(history(tiny, 13)) == 1
    assert db.data_version(tiny) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12500", "12500.00"),
        ("12,500", "12500.00"),
        ("12,500.5", "12500.50"),
        (" $12,500.00 ", "12500.00"),
        ("12500 USD", "12500.00"),
        ("0", "0.00"),
        ("1,000,000,000,000", "1000000000000.00"),
        (12500, "12500.00"),
    ],
)
def test_amounts_people_type_are_accepted(tiny, typed, stored):
    deals.save(tiny, user(tiny, 4), 13, 1, {"amount": typed}, now=NOW)
    assert row(tiny, 13)["amount"] == Decimal(stored)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "cannot be negative"),
        ("nan", "is not an amount in USD"),
        ("inf", "is not an amount in USD"),
        (float("nan"), "is not an amount"),
        (float("inf"), "is not an amount"),
        ("1e13", "is not an amount in USD"),
        ("1000000000000.01", "above 1,000,000,000,000"),
        ("99999999999999", "above 1,000,000,000,000"),
        ("12.500,00", "is not an amount in USD"),
        ("1,2,3", "is not an amount in USD"),
        ("€100", "is not an amount in USD"),
        ("12.345", "more than two decimal places"),
        ("twelve", "is not an amount in USD"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(tiny, typed, message):
    before = db.data_version(tiny)
    with pytest.raises(validation.ValidationError, match=message) as excinfo:
        deals.save(tiny, user(tiny, 4), 13, 1, {"amount": typed}, now=NOW)
    assert refused_fields(excinfo) == ["Amount"]
    assert row(tiny, 13)["amount"] == Decimal("8000.00")
    assert len(history(tiny, 13)) == 1
    assert db.data_version(tiny) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"close_date": "31/12/2026"}, "Close date", "is not a date"),
        ({"close_date": "2026-02-30"}, "Close date", "is not a date"),
        ({"close_date": "2026-11-16"}, "Close date", "before the deal was created"),
        ({"close_date": date(2031, 11, 21)}, "Close date", "is after 2031-11-20"),
        ({"next_step_due": "2020-01-01"}, "Next step due", "before the deal was created"),
        ({"stage_id": 99}, "Stage", "is not a stage"),
        ({"probability_override": "101"}, "Probability override", "from 0 to 100"),
        ({"probability_override": "-1"}, "Probability override", "from 0 to 100"),
        ({"probability_override": "high"}, "Probability override", "is not a number"),
        ({"probability_override": "nan"}, "Probability override", "from 0 to 100"),
        ({"forecast_category": "Closed"}, "Forecast category", "is not one of"),
        ({"stage_id": 8}, "Lost reason", "is required when a deal is lost"),
        ({"notes": "x" * 10_001}, "Notes", "is 10,001 characters; the limit is 10,000"),
        ({"next_step": "x" * 1_001}, "Next step", "the limit is 1,000"),
        ({"name": "   "}, "Deal name", "is required"),
        ({"owner_id": 5}, "Owner", "a rep cannot reassign deals"),
    ],
)
def test_each_bad_field_is_named(tiny, changes, field, message):
    with pytest.raises(validation.ValidationError, match=message) as excinfo:
        deals.save(tiny, user(tiny, 4), 13, 1, changes, now=NOW)
    assert refused_fields(excinfo) == [field]
    assert row(tiny, 13)["version"] == 1
    assert len(history(tiny, 13)) == 1


def test_every_problem_is_reported_at_once(tiny):
    with pytest.raises(validation.ValidationError) as excinfo:
        deals.save(
            tiny,
            user(tiny, 4),
            13,
            1,
            {"amount": "-1", "close_date": "soon", "probability_override": "200"},
            now=NOW,
        )
    assert refused_fields(excinfo) == ["Amount", "Close date", "Probability override"]


def test_limits_are_inclusive_and_text_is_stored_verbatim(tiny):
    hostile = "'); DROP TABLE deals; -- <script>alert('x')</script> **bold** $x$"
    deals.save(
        tiny,
        user(tiny, 4),
        13,
        1,
        {"notes": "n" * 10_000, "next_step": hostile, "probability_override": "35%"},
        now=NOW,
    )
    deal = row(tiny, 13)
    assert deal["notes"] == "n" * 10_000
    assert deal["next_step"] == hostile
    assert deal["probability_override"] == Decimal("0.3500")
    assert tiny.execute("SELECT count(*) FROM deals").fetchone()[0] == 13


def test_losing_a_deal_closes_it_with_its_reason(tiny):
    deals.save(tiny, user(tiny, 4), 13, 1, {"stage_id": 8, "lost_reason": "No budget"}, now=NOW)
    deal = row(tiny, 13)
    assert (deal["status"], deal["lost_reason"], deal["closed_at"]) == ("lost", "No budget", NOW)
    assert deal["close_date"] == date(2026, 11, 20)  # closed today, not on the planned date
    assert deal["stage_entered_at"] == NOW
    # Reopening clears what only a lost deal has.
    deals.save(tiny, user(tiny, 4), 13, 2, {"stage_id": 3}, now=NOW.replace(hour=11))
    deal = row(tiny, 13)
    assert (deal["status"], deal["lost_reason"], deal["closed_at"]) == ("open", None, None)


def in_copies(con, deal_id: int) -> tuple[bool, bool]:
    """Whether the deal is in won_deals, and in open_deals."""
    return con.execute(
        "SELECT $id IN (SELECT deal_id FROM won_deals), $id IN (SELECT deal_id FROM open_deals)",
        {"id": deal_id},
    ).fetchone()


def test_the_won_and_open_copies_follow_every_status_change(tiny):
    """Winning, losing, reopening and editing a deal each move it between the narrow
    copies the attainment and forecast figures read, in the save's transaction."""
    ann = user(tiny, 4)
    assert in_copies(tiny, 13) == (False, True)
    deals.save(tiny, ann, 13, 1, {"stage_id": 7}, now=NOW)  # won
    assert in_copies(tiny, 13) == (True, False)
    deals.save(tiny, ann, 13, 2, {"stage_id": 8, "lost_reason": "Price"}, now=NOW)  # lost
    assert in_copies(tiny, 13) == (False, False)
    deals.save(tiny, ann, 13, 3, {"stage_id": 3}, now=NOW.replace(hour=11))  # reopened
    assert in_copies(tiny, 13) == (False, True)
    deals.save(tiny, ann, 13, 4, {"amount": "8100"}, now=NOW.replace(hour=12))  # open edit
    assert tiny.execute("SELECT amount FROM open_deals WHERE deal_id = 13").fetchone() == (
        Decimal("8100.00"),
    )
    assert facts_out_of_line(tiny) == 0


def test_a_closed_deal_cannot_close_in_the_future(tiny):
    with pytest.raises(validation.ValidationError, match="cannot close in the future"):
        deals.save(tiny, user(tiny, 4), 13, 1, {"stage_id": 7, "close_date": "2026-12-05"}, now=NOW)


def test_moving_the_close_date_later_counts_a_push(tiny):
    assert row(tiny, 10)["push_count"] == 0  # the fixture only pulled it in
    deals.save(tiny, user(tiny, 5), 10, 2, {"close_date": "2027-01-15"}, now=NOW)
    deals.save(tiny, user(tiny, 5), 10, 3, {"close_date": "2026-12-20"}, now=NOW)  # pulled in
    assert row(tiny, 10)["push_count"] == 1


@pytest.mark.parametrize(
    ("actor_id", "deal_id", "allowed"),
    [
        (4, 13, True),  # Ann, her own deal
        (4, 10, False),  # Ann, Bob's deal
        (2, 10, True),  # Mia manages East (Bob)
        (3, 10, False),  # Walt manages West
        (3, 11, True),  # Walt, Cal's deal
        (1, 13, False),  # the executive reads, never edits
    ],
)
def test_who_may_edit_which_deal(tiny, actor_id, deal_id, allowed):
    version = row(tiny, deal_id)["version"]
    change = {"next_step": "Call"}
    if allowed:
        assert deals.save(tiny, user(tiny, actor_id), deal_id, version, change, now=NOW).changed
    else:
        with pytest.raises(permissions.PermissionDenied, match="may not edit deals owned by"):
            deals.save(tiny, user(tiny, actor_id), deal_id, version, change, now=NOW)
        assert row(tiny, deal_id)["version"] == version


def test_a_disabled_user_edits_nothing(tiny):
    users.set_active(tiny, "ann@example.com", False)
    with pytest.raises(permissions.PermissionDenied):
        deals.save(tiny, user(tiny, 4), 13, 1, {"next_step": "Call"}, now=NOW)


def test_managers_reassign_only_within_their_team(tiny):
    mia = user(tiny, 2)
    with pytest.raises(validation.ValidationError, match="Cal Rep is not on your team"):
        deals.save(tiny, mia, 13, 1, {"owner_id": 6}, now=NOW)
    with pytest.raises(validation.ValidationError, match="not an active rep or manager"):
        deals.save(tiny, mia, 13, 1, {"owner_id": 1}, now=NOW)
    deals.save(tiny, mia, 13, 1, {"owner_id": 5}, now=NOW)
    assert row(tiny, 13)["owner_id"] == 5
    deals.save(tiny, ADMIN, 13, 2, {"owner_id": 6}, now=NOW.replace(hour=11))
    assert row(tiny, 13)["owner_id"] == 6


def test_a_stale_form_gets_who_changed_what_and_when(tiny):
    deals.save(tiny, user(tiny, 2), 10, 2, {"amount": "55,000"}, now=NOW)
    with pytest.raises(deals.Conflict) as excinfo:
        deals.save(tiny, user(tiny, 5), 10, 2, {"close_date": "2026-12-31"}, now=NOW)
    assert str(excinfo.value) == (
        "This deal was changed by Mia Manager at 2026-11-20 10:00 since you opened it "
        "(Amount: $50,000.00 → $55,000.00). Nothing was saved: reload the deal and make "
        "your change again."
    )
    assert [v[0] for v in history(tiny, 10)] == [1, 2, 3]
    assert row(tiny, 10)["close_date"] == date(2026, 12, 15)


def test_a_deal_reassigned_meanwhile_is_a_conflict_then_off_limits(tiny):
    ann = user(tiny, 4)
    deals.save(tiny, user(tiny, 2), 13, 1, {"owner_id": 5}, now=NOW)
    with pytest.raises(deals.Conflict, match="Owner: Ann Rep → Bob Rep"):
        deals.save(tiny, ann, 13, 1, {"amount": "9000"}, now=NOW)
    with pytest.raises(permissions.PermissionDenied):
        deals.save(tiny, ann, 13, 2, {"amount": "9000"}, now=NOW)


def test_a_deal_deleted_meanwhile_is_reported(tiny):
    tiny.execute("DELETE FROM deals WHERE id = 13")
    with pytest.raises(deals.DealGone, match="Deal 13 no longer exists"):
        deals.save(tiny, user(tiny, 4), 13, 1, {"amount": "9000"}, now=NOW)


def test_versions_stay_ordered_within_one_clock_tick(tiny):
    deals.save(tiny, user(tiny, 4), 13, 1, {"amount": "1"}, now=NOW)
    deals.save(tiny, user(tiny, 4), 13, 2, {"amount": "2"}, now=NOW)
    versions = history(tiny, 13)
    assert versions[2][1] > versions[1][1] == versions[1][1]
    assert versions[1][2] == versions[2][1]  # each version ends where the next begins


def test_two_sessions_saving_at_once_exactly_one_wins(tiny):
    ann, mia = user(tiny, 4), user(tiny, 2)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def session(name: str, actor, amount: str) -> None:
        con = engine.cursor(tiny)
        start.wait()
        try:
            outcomes[name] = deals.save(con, actor, 13, 1, {"amount": amount})
        except deals.Conflict as exc:
            outcomes[name] = exc

    threads = [
        threading.Thread(target=session, args=("ann", ann, "9,000")),
        threading.Thread(target=session, args=("mia", mia, "11,000")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [name for name, outcome in outcomes.items() if isinstance(outcome, deals.Saved)]
    lost = [name for name, outcome in outcomes.items() if isinstance(outcome, deals.Conflict)]
    assert len(won) == 1 and len(lost) == 1
    winner_amount = {"ann": Decimal("9000.00"), "mia": Decimal("11000.00")}[won[0]]
    assert [(v[0], v[5]) for v in history(tiny, 13)] == [
        (1, Decimal("8000.00")),
        (2, winner_amount),
    ]
    assert row(tiny, 13)["amount"] == winner_amount
    assert "Amount: $8,000.00 → " in str(outcomes[lost[0]])


def test_eight_writers_two_hundred_edits_each_all_land_exactly(tmp_path):
    from pipeline import demo

    path = demo.build(
        tmp_path / "stress.duckdb", demo.DemoSpec(deals=300, as_of=date(2026, 11, 18))
    )
    con = db.connect(path)
    picked = con.execute(
        "SELECT id, owner_id, version FROM deals WHERE status = 'open' ORDER BY id LIMIT 8"
    ).fetchall()
    versions_before = con.execute("SELECT count(*) FROM deal_history").fetchone()[0]
    failures: list[BaseException] = []

    def writer(thread: int, deal_id: int, owner_id: int, version: int) -> None:
        cursor = engine.cursor(con)
        owner = users.get(cursor, owner_id)
        try:
            for edit in range(200):
                amount = Decimal(1000 + edit) + Decimal(thread) / 100  # e.g. 1199.03 at the end
                saved = deals.save(cursor, owner, deal_id, version, {"amount": str(amount)})
                version = saved.version
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            failures.append(exc)

    threads = [
        threading.Thread(target=writer, args=(thread, *deal)) for thread, deal in enumerate(picked)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    ids = [deal_id for deal_id, _, _ in picked]
    # Each deal ends at 1,199 plus its thread's cents: 8 x 1,199 + (0+1+...+7)/100.
    total = con.execute("SELECT sum(amount) FROM deals WHERE list_contains($ids, id)", {"ids": ids})
    assert total.fetchone()[0] == Decimal("9592.28")
    # Every edit is a version: sum over edits of (1000 + edit) = 200,000 + 19,900 per deal,
    # plus 200 x thread/100 cents: 8 x 219,900 + 2 x 28 = 1,759,256.
    edits = con.execute(
        "SELECT count(*), sum(amount) FROM deal_history WHERE change_source = 'edit'"
    ).fetchone()
    assert edits == (1600, Decimal("1759256.00"))
    assert con.execute("SELECT count(*) FROM deal_history").fetchone()[0] == versions_before + 1600
    assert (
        con.execute(
            "SELECT count(*) FROM deals d JOIN deal_history h ON h.deal_id = d.id "
            "AND h.valid_to IS NULL AND h.version = d.version AND h.amount = d.amount"
        ).fetchone()[0]
        == con.execute("SELECT count(*) FROM deals").fetchone()[0]
    )
    assert facts_out_of_line(con) == 0


def test_an_open_deal_past_its_first_stage_keeps_an_amount(tiny):
    bob = user(tiny, 5)
    with pytest.raises(validation.ValidationError) as refused:
        deals.save(tiny, bob, 10, 2, {"amount": ""}, now=NOW)
    assert refused_fields(refused) == ["Amount"]
    assert "is required for an open deal in Negotiation" in str(refused.value)
    assert row(tiny, 10)["amount"] == Decimal("50000.00")
    # A prospect may have none yet (the stated rule), and a deal without one (imported)
    # takes other edits: only what the save changes is checked.
    ann = user(tiny, 4)
    deals.save(tiny, ann, 13, 1, {"stage_id": 1}, now=NOW)
    assert deals.save(tiny, ann, 13, 2, {"amount": ""}, now=NOW).changed == ["Amount"]
    assert deals.save(tiny, ann, 13, 3, {"next_step": "Call", "amount": ""}, now=NOW).changed
    with pytest.raises(validation.ValidationError, match="is required for an open deal"):
        deals.save(tiny, ann, 13, 4, {"stage_id": 2, "amount": ""}, now=NOW)


def test_a_deal_imported_closing_before_it_was_created_stays_editable(tiny):
    tiny.execute("UPDATE deals SET close_date = DATE '2026-11-01' WHERE id = 13")  # created 17th
    saved = deals.save(
        tiny, user(tiny, 4), 13, 1, {"next_step": "Fix the date", "close_date": date(2026, 11, 1)},
        now=NOW,
    )  # fmt: skip
    assert saved.changed == ["Next step"]
    with pytest.raises(validation.ValidationError, match="before the deal was created"):
        deals.save(tiny, user(tiny, 4), 13, 2, {"close_date": date(2026, 11, 2)}, now=NOW)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "Half \udc80 a pair"}, "Deal name", "broken character"),
        ({"stage_id": "Closed Won"}, "Stage", "'Closed Won' is not one of the choices"),
        ({"owner_id": "bob"}, "Owner", "'bob' is not one of the choices"),
    ],
)
def test_odd_input_is_refused_in_words_not_a_raw_error(tiny, changes, field, message):
    with pytest.raises(validation.ValidationError, match=message) as refused:
        deals.save(tiny, ADMIN, 13, 1, changes, now=NOW)
    assert refused_fields(refused) == [field]
    assert row(tiny, 13)["version"] == 1
