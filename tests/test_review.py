"""Pipeline review, exact on a week worked out by hand.

The window runs Monday 23 November 2026 09:00 to Monday 30 November 09:00; the quarter
in focus is Q4 (October to December). East is a region over two teams: Alpha (Ann 10
and Bob 11, managed by Mia 2) and Beta (Cal 12, managed by Max 3); Reg 5 manages East.
Every deal is created on 1 October unless it says otherwise.

 deal  owner        at the window's start        in the window                     bar
    1  Ann          1,000 closing 15 Dec         (changes on 1 Dec: after it)      -
    2  Ann          (created 24 Nov)             2,000 closing 20 Dec              new +2,000
    3  Bob          3,000 closing 10 Feb 2027    close date to 5 Dec               pulled in +3,000
    4  Bob          4,000 closing 10 Dec         close date to 15 Jan 2027         pushed out -4,000
    5  Ann          5,000 closing 18 Dec         amount to 5,500                   increased +500
    6  Cal          6,000 closing 14 Dec         amount to 5,000.25                decreased -999.75
    7  Cal          7,000 closing 1 Dec          won                               won -7,000
    8  Ann          8,000 closing 11 Dec         lost (no budget)                  lost -8,000
    9  Ann -> Cal   9,000 closing 12 Dec         reassigned to Cal                 Alpha: moved out
                                                                                   Beta: moved in
   10  Bob          (created 24 Nov)             1,000, won on 29 Nov              - (neither end)
   11  Cal          11,000 closing 20 Dec        pushed to 20 Jan, back to 22 Dec  - (in at both)
   13  Bob          1,200 Proposal, 18 Dec       back to Discovery                 - (stage back)
   14  Cal          2,500 closing 16 Dec         3,000 and closing 3 Feb 2027      pushed out -2,500

Alpha: start 28,200 (1, 4, 5, 8, 9, 13) + 2,000 + 3,000 + 500 - 4,000 - 8,000 - 9,000 =
12,700 (1, 2, 3, 5, 13). Beta: 26,500 (6, 7, 11, 14) - 999.75 - 7,000 + 9,000 - 2,500 =
25,000.25 (6, 9, 11). The company: 54,700 + 2,000 + 3,000 + 500 - 999.75 - 6,500 -
7,000 - 8,000 = 37,700.25; deal 9 stays in it, unchanged in amount.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from pipeline import db, deals, permissions, review_export, reviews, users, validation
from pipeline.figures import hygiene, review
from tests.given import Deal, Version, given

D = Decimal
Q4 = date(2026, 10, 1)
START, END = datetime(2026, 11, 23, 9), datetime(2026, 11, 30, 9)
NOW = datetime(2026, 11, 30, 9)
OCT = datetime(2026, 10, 1, 10)
ERIN, MIA, MAX, ADA, REG, ANN, BOB, CAL = 1, 2, 3, 4, 5, 10, 11, 12
ALPHA, BETA, EAST = 2, 3, 1


def at(day: int, hour: int = 12, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour)


def week(path):
    dec, jan, feb = (lambda d: date(2026, 12, d)), (lambda d: date(2027, 1, d)), date(2027, 2, 3)
    return given(
        path,
        teams=[
            {"id": EAST, "name": "East", "manager_id": REG},
            {"id": ALPHA, "name": "Alpha", "parent_id": EAST, "manager_id": MIA},
            {"id": BETA, "name": "Beta", "parent_id": EAST, "manager_id": MAX},
        ],
        users=[
            {"id": ERIN, "name": "Erin Exec", "role": "executive"},
            {"id": MIA, "name": "Mia Manager", "role": "manager", "team_id": ALPHA},
            {"id": MAX, "name": "Max Manager", "role": "manager", "team_id": BETA},
            {"id": ADA, "name": "Ada Admin", "role": "admin"},
            {"id": REG, "name": "Reg Manager", "role": "manager", "team_id": EAST},
            {"id": ANN, "name": "Ann Rep", "role": "rep", "team_id": ALPHA, "manager_id": MIA},
            {"id": BOB, "name": "Bob Rep", "role": "rep", "team_id": ALPHA, "manager_id": MIA},
            {"id": CAL, "name": "Cal Rep", "role": "rep", "team_id": BETA, "manager_id": MAX},
        ],
        accounts=[
            {"id": 100, "name": "Lost Co", "segment": "SMB"},
            {"id": 101, "name": "Won Co", "segment": "SMB"},
        ],
        deals=[
            Deal(1, ANN, "Steady", [Version(OCT, "Discovery", "1000", dec(15)),
                                    Version(at(1, month=12), "Discovery", "1500")]),
            Deal(2, ANN, "Fresh", [Version(at(24), "Prospecting", "2000", dec(20))]),
            Deal(3, BOB, "Pulled", [Version(OCT, "Proposal", "3000", date(2027, 2, 10)),
                                    Version(at(25), "Proposal", close_date=dec(5))]),
            Deal(4, BOB, "Slipped", [Version(OCT, "Proposal", "4000", dec(10)),
                                     Version(at(26), "Proposal", close_date=jan(15))]),
            Deal(5, ANN, "Grown", [Version(OCT, "Demo", "5000", dec(18)),
                                   Version(at(24), "Demo", "5500")]),
            Deal(6, CAL, "Shrunk", [Version(OCT, "Demo", "6000", dec(14)),
                                    Version(at(25), "Demo", "5000.25")]),
            Deal(7, CAL, "Winner", [Version(OCT, "Negotiation", "7000", dec(1)),
                                    Version(at(27), "Closed Won")], account_id=101),
            Deal(8, ANN, "Loser", [Version(OCT, "Proposal", "8000", dec(11)),
                                   Version(at(28), "Closed Lost", lost_reason="No budget")],
                 account_id=100),
            Deal(9, ANN, "Handed over", [Version(OCT, "Demo", "9000", dec(12)),
                                         Version(at(26), "Demo", owner_id=CAL)]),
            Deal(10, BOB, "Quick win", [Version(at(24), "Negotiation", "1000", dec(30)),
                                        Version(at(29), "Closed Won")]),
            Deal(11, CAL, "Wobbly", [Version(OCT, "Proposal", "11000", dec(20)),
                                     Version(at(24), "Proposal", close_date=jan(20)),
                                     Version(at(27), "Proposal", close_date=dec(22))]),
            Deal(13, BOB, "Backwards", [Version(OCT, "Proposal", "1200", dec(18)),
                                        Version(at(25), "Discovery")]),
            Deal(14, CAL, "Bigger later", [Version(OCT, "Demo", "2500", dec(16)),
                                           Version(at(25), "Demo", "3000", feb)]),
        ],
        activities=[
            {"id": 1, "deal_id": 5, "owner_id": ANN, "kind": "call", "outcome": "connected",
             "done_at": at(27)},
            {"id": 2, "deal_id": 3, "owner_id": BOB, "kind": "email", "done_at": at(26)},
        ],
    )  # fmt: skip


@pytest.fixture
def con(tmp_path):
    connection = db.connect(week(tmp_path / "week.duckdb"))
    yield connection
    connection.close()


def waterfall(con, team_id=None, owner_id=None, start=START, end=END):
    return review.waterfall(con, start, end, Q4, team_id=team_id, owner_id=owner_id)


def bars(found: review.Waterfall) -> dict:
    return {name: value for name, value in found.bars.items() if value}


def test_the_waterfall_of_each_team_rep_and_the_company(con):
    alpha = waterfall(con, team_id=ALPHA)
    assert (alpha.start, alpha.end) == (D("28200.00"), D("12700.00"))
    assert bars(alpha) == {"new": D("2000.00"), "pulled in": D("3000.00"),
                           "increased": D("500.00"), "pushed out": D("-4000.00"),
                           "lost": D("-8000.00"), "moved out": D("-9000.00")}  # fmt: skip
    beta = waterfall(con, team_id=BETA)
    assert (beta.start, beta.end) == (D("26500.00"), D("25000.25"))
    assert bars(beta) == {"decreased": D("-999.75"), "pushed out": D("-2500.00"),
                          "won": D("-7000.00"), "moved in": D("9000.00")}  # fmt: skip
    company = waterfall(con)
    assert (company.start, company.end) == (D("54700.00"), D("37700.25"))
    assert bars(company) == {"new": D("2000.00"), "pulled in": D("3000.00"),
                             "increased": D("500.00"), "decreased": D("-999.75"),
                             "pushed out": D("-6500.00"), "won": D("-7000.00"),
                             "lost": D("-8000.00")}  # fmt: skip
    assert waterfall(con, team_id=EAST).bars == company.bars  # the region is the company here
    ann, bob, cal = (waterfall(con, owner_id=rep) for rep in (ANN, BOB, CAL))
    assert (ann.start, ann.end, bob.start, bob.end) == (
        D("23000.00"), D("8500.00"), D("5200.00"), D("4200.00"),
    )  # fmt: skip
    assert bars(cal) == bars(beta)
    for found in (alpha, beta, company, ann, bob, cal):
        assert found.reconciles, found  # start + every bar = end, to the cent


def changed(con, **scope) -> pd.DataFrame:
    return review.changed_deals(con, START, END, Q4, **scope).set_index("deal_id")


def test_the_deals_behind_the_bars(con):
    alpha = changed(con, team_id=ALPHA)
    assert alpha.loc[9, ["category", "owner_name_before", "owner_name_after"]].tolist() == [
        "moved out", "Ann Rep", "Cal Rep",
    ]  # fmt: skip
    assert 10 not in alpha.index  # created and won inside the window: in neither end
    assert alpha.loc[13, "moved_back"] and pd.isna(alpha.loc[13, "category"])
    assert (alpha.loc[13, "stage_name_before"], alpha.loc[13, "stage_name_after"]) == (
        "Proposal", "Discovery",
    )  # fmt: skip
    assert 1 not in alpha.index  # its change came after the window
    assert waterfall(con, team_id=ALPHA).unchanged == 1
    assert waterfall(con, team_id=ALPHA).deals["moved out"] == 1
    back = review.changed_deals(con, START, END, Q4, team_id=ALPHA, category="stage moved back")
    assert list(back["deal_id"]) == [13]
    pushed = review.changed_deals(con, START, END, Q4, category="pushed out")
    assert list(pushed["deal_id"]) == [4, 14]  # 4,000 then 2,500
    beta = changed(con, team_id=BETA)
    assert pd.isna(beta.loc[11, "category"]) and beta.loc[11, "change"] == 0  # and back
    assert beta.loc[14, ["category", "change"]].tolist() == ["pushed out", D("-2500.00")]


def test_a_window_reaching_now_reads_the_current_deals(con):
    found = waterfall(con, end=datetime(2026, 12, 2))
    assert found.bars["increased"] == D("1000.00")  # deal 1's 1 December rise as well
    assert found.end == D("38200.25") and found.reconciles


def test_an_empty_window(con):
    found = waterfall(con, start=datetime(2026, 11, 2), end=datetime(2026, 11, 9))
    assert found.start == found.end == D("54700.00")
    assert not any(found.bars.values()) and found.changed == 0


def test_top_deals_and_the_window_lists(con):
    medians = hygiene.stage_time_medians(con)
    top = review.top_deals(con, START, NOW, medians, team_id=ALPHA)
    assert list(top["id"]) == [5, 4, 3, 2, 1, 13]  # 5,500, 4,000, 3,000, 2,000, 1,500, 1,200
    assert dict(zip(top["id"], top["pushed_in_window"], strict=True)) == {
        5: False, 4: True, 3: False, 2: False, 1: False, 13: False,
    }  # fmt: skip
    weighted = review.top_deals(con, START, NOW, medians, team_id=ALPHA, by_weighted=True)
    assert list(weighted["id"])[:3] == [4, 5, 3]  # 4,000 x 60%, 5,500 x 40%, 3,000 x 60%
    closed = review.closed_in_window(con, START, END)
    assert list(closed["won"]["id"]) == [7, 10]
    assert closed["lost"][["id", "lost_reason"]].values.tolist() == [[8, "No budget"]]
    assert list(closed["new"]["id"]) == [2]  # deal 10 is listed as won
    assert closed["customers_lost"][["name", "lost_amount"]].values.tolist() == [
        ["Lost Co", D("8000.00")],
    ]  # fmt: skip
    assert list(review.closed_in_window(con, START, END, team_id=BETA)["won"]["id"]) == [7]


def test_the_hygiene_rules_flag_the_same_deals_as_my_deals(con):
    medians = hygiene.stage_time_medians(con)
    here = review.flagged(con, NOW, medians, team_id=ALPHA)
    mine = hygiene.open_deals(con, owner_id=None, team_id=ALPHA, search=None, now=NOW,
                              medians=medians)  # fmt: skip
    rules = ["stale", "overdue", "no_next_step", "next_step_late", "stuck"]
    flagged_there = mine[mine[rules].any(axis=1)]
    assert sorted(here["id"]) == sorted(flagged_there["id"])
    for rule in rules:
        assert sorted(here.loc[here[rule], "id"]) == sorted(mine.loc[mine[rule], "id"]), rule
    # Created 1 October without an activity: stale; 5 and 3 were touched this week.
    assert sorted(here.loc[here["stale"], "id"]) == [1, 4, 13]


def test_who_may_run_and_read_a_review(con):
    person = {i: users.get(con, i) for i in (ERIN, MIA, MAX, ADA, REG, ANN)}
    assert reviews.may_run(con, person[MIA], ALPHA, None)
    assert reviews.may_run(con, person[MIA], None, BOB)  # a 1:1 with her rep
    assert not reviews.may_run(con, person[MIA], BETA, None)
    assert not reviews.may_run(con, person[MIA], None, CAL)
    assert reviews.may_run(con, person[REG], BETA, None)  # the region holds Beta
    assert not reviews.may_run(con, person[REG], None, None)  # the company is not his
    assert reviews.may_run(con, person[ADA], None, None)
    assert not reviews.may_run(con, person[ERIN], ALPHA, None)  # reads, does not run
    assert not reviews.may_run(con, person[ANN], None, ANN)


def draft(**overrides) -> reviews.Review:
    values = {
        "team_id": ALPHA, "owner_id": None, "window_start": START, "window_end": END,
        "quarter_start": Q4, "attendees": "Mia, Ann, Bob",
        "agenda": [reviews.AgendaDeal(5, "Champion is keen", "Commit it"),
                   reviews.AgendaDeal(4)],
        "actions": [reviews.ActionItem("Re-date the close", BOB, date(2026, 12, 2), 4),
                    reviews.ActionItem("Send the order form", ANN, None, 5)],
    }  # fmt: skip
    return reviews.Review(**(values | overrides))


def test_a_saved_review_is_reopened_and_the_next_starts_from_it(con):
    mia, ann, bob = (users.get(con, i) for i in (MIA, ANN, BOB))
    assert reviews.window_for(con, ALPHA, None, NOW) == (NOW - timedelta(days=7), NOW)
    review_id = reviews.save(con, mia, draft(), now=NOW)
    items = reviews.items_of(con, review_id)
    agenda = items[items["kind"] == "deal"]
    assert agenda[["deal", "note", "decision"]].fillna("").values.tolist() == [
        ["Grown", "Champion is keen", "Commit it"], ["Slipped", "", ""],
    ]  # fmt: skip
    listed = reviews.reviews_of(con, ALPHA, None)
    assert listed[["deals", "actions", "open_actions", "run_by"]].values.tolist() == [
        [2, 2, 2, "Mia Manager"],
    ]  # fmt: skip
    later = NOW + timedelta(days=7)
    assert reviews.window_for(con, ALPHA, None, later) == (END, later)  # from where it looked
    assert reviews.window_for(con, BETA, None, later)[0] == later - timedelta(days=7)
    actions = reviews.open_actions(con, ALPHA, None)
    assert list(actions["action_item"]) == ["Re-date the close", "Send the order form"]
    assert list(reviews.open_actions(con, assignee=ANN)["action_item"]) == ["Send the order form"]
    item = int(actions.iloc[0]["id"])  # Bob's
    with pytest.raises(permissions.PermissionDenied):
        reviews.mark_done(con, ann, item)
    assert reviews.mark_done(con, bob, item, now=later) is True
    assert reviews.mark_done(con, mia, item) is False  # done already
    assert list(reviews.open_actions(con, ALPHA, None)["action_item"]) == ["Send the order form"]
    kinds = con.execute(
        "SELECT summary FROM change_log WHERE kind = 'review' ORDER BY id"
    ).fetchall()
    assert kinds == [("Review saved: 2 deals, 2 action items",), ("Action item done",)]
    # Ann reads the review that gave her an action item; Cal does not.
    saved = reviews.get(con, review_id)
    assert reviews.may_read(con, ann, saved)
    assert not reviews.may_read(con, users.get(con, CAL), saved)
    assert reviews.may_read(con, users.get(con, ERIN), saved)


def test_a_refused_review_writes_nothing(con):
    mia = users.get(con, MIA)
    con.execute("UPDATE users SET active = false WHERE id = $id", {"id": BOB})
    bad = draft(
        actions=[reviews.ActionItem("  ", ANN, None), reviews.ActionItem("Call", BOB, None)]
    )
    with pytest.raises(validation.ValidationError) as refused:
        reviews.save(con, mia, bad, now=NOW)
    assert [str(p) for p in refused.value.problems] == [
        "Action item 1: says nothing to do",
        "Action item 2: its owner is not an active person here",
    ]
    for start, end, said in (
        (END, START, "Window: its end is not after its start"),
        (START, NOW + timedelta(days=1), "Window: ends 2026-12-01 09:00, which has not come yet"),
    ):
        with pytest.raises(validation.ValidationError) as refused:
            reviews.save(con, mia, draft(window_start=start, window_end=end, actions=[]), now=NOW)
        assert [str(p) for p in refused.value.problems] == [said]
    with pytest.raises(permissions.PermissionDenied):
        reviews.save(con, users.get(con, MAX), draft(), now=NOW)
    assert con.execute("SELECT count(*) FROM reviews").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM review_items").fetchone() == (0,)


def test_an_edit_in_the_meeting_over_the_reps_newer_change_is_refused(con):
    mia, ann = users.get(con, MIA), users.get(con, ANN)
    opened = deals.load(con, 5)["version"]  # the manager opens deal 5 in the meeting
    deals.save(con, ann, 5, opened, {"next_step": "Security review"}, now=NOW)
    with pytest.raises(deals.Conflict) as refused:
        deals.save(con, mia, 5, opened, {"amount": "6000"}, now=NOW + timedelta(minutes=5))
    assert "changed by Ann Rep" in str(refused.value)
    assert "Next step: — → Security review" in str(refused.value)
    assert deals.load(con, 5)["amount"] == D("5500.00")


def test_the_exported_agenda_and_outcomes(con):
    found = waterfall(con, team_id=ALPHA)
    steps = [("Start", found.start), *found.bars.items(), ("End", found.end)]
    agenda = reviews.agenda_deals(con, [4, 5]).assign(flags=["pushed in window", ""])
    outcomes = pd.DataFrame({"deal": ["Grown"], "note": ["=HYPERLINK(1)"], "decision": [None]})
    actions = pd.DataFrame({
        "action_item": ["Call [them](http://x.test)"], "owner": ["Ann Rep"],
        "due_date": [date(2026, 12, 2)], "deal": ["Grown"], "done": [""],
    })  # fmt: skip
    pack = review_export.ReviewPack("Pipeline review · Alpha", "23 Nov – 30 Nov", "USD", steps,
                                    agenda, outcomes, actions, "Mia, *Ann*")  # fmt: skip
    text = review_export.markdown(pack)
    assert "- Start: $28,200.00" in text and "- lost: -$8,000.00" in text
    assert "1. **Slipped** (Bob Rep, Proposal, $4,000.00, closes 15 Jan 2027)" in text
    assert "Attended: Mia, \\*Ann\\*" in text
    # A link typed in stays text (escaped, and the address broken with a word joiner).
    assert "- [ ] Call \\[them\\]\\(http\\:\u2060//x\\.test\\) (on Grown)" in text
    workbook = pd.read_excel(pd.io.common.BytesIO(review_export.excel(pack)), sheet_name=None)
    assert list(workbook) == ["What changed", "Agenda", "Notes and decisions", "Action items"]
    assert workbook["What changed"].iloc[0].tolist() == ["Start", 28200.0]
    assert workbook["Notes and decisions"]["note"].tolist() == ["'=HYPERLINK(1)"]
