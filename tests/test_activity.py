"""Activities & health, exact on a quarter worked out by hand.

As of Wednesday 18 November 2026, 10:00; the period is Q4 to date (1 October to 18
November). Alpha (Ann 10, Bob 11; Mia 2 manages it) and Beta (Cal 12; Max 3). Every
activity is at noon.

 deal  owner  created  status (close)          amount  activities on it
    1  Ann    1 Sep    open (15 Dec)           10,000  calls 5 Oct connected, 2 Nov
                                                       connected, 3 Nov no answer
    2  Ann    1 Oct    won 10 Nov 12:00         5,000  meeting 20 Oct held, e-mail 10 Nov
                                                       09:00 sent
    3  Ann    2 Oct    lost 14 Nov              8,000  demo 5 Nov held, demo 6 Nov no-show,
                                                       meeting 12 Nov no-show
    4  Bob    10 Nov   open (20 Dec)           (none)  call 16 Nov left voicemail, note 17 Nov
    5  Bob    1 Aug    open (20 Sep)            4,000  -
    6  Bob    1 Aug    open (30 Oct)            2,000  -
    9  Bob    12 Nov   open (31 Dec)            1,000  -
    7  Cal    5 Oct    open (1 Dec)             6,000  call 9 Nov connected
    8  Cal    10 Sep   won 20 Oct               3,000  e-mail 15 Sep sent

Stale means no touch since 4 November 10:00 (14 days). Ann's quota is 10,000 a month.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from pipeline import activities, cleanout, db, deals, periods, permissions, users, validation
from pipeline.figures import activity, hygiene, review
from tests.given import Deal, Version, given

D = Decimal
MIA, MAX, ADA, ANN, BOB, CAL = 2, 3, 4, 10, 11, 12
ALPHA, BETA = 2, 3
AS_OF = date(2026, 11, 18)
NOW = datetime(2026, 11, 18, 10)
QTD = periods.period("QTD", AS_OF)
Q4 = date(2026, 10, 1)
NO_MEDIANS = pd.DataFrame({"stage_id": [], "median_days": []})


def noon(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12)


def day(month: int, number: int) -> date:
    return date(2026, month, number)


def created(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10)


def quarter(path, extra_deals=()):
    """The quarter above; ``extra_deals`` adds deals (a browser test's own)."""

    def act(number, deal, owner, kind, outcome, at):
        return {"id": number, "deal_id": deal, "owner_id": owner, "kind": kind,
                "outcome": outcome, "done_at": at}  # fmt: skip

    return given(
        path,
        teams=[
            {"id": ALPHA, "name": "Alpha", "manager_id": MIA},
            {"id": BETA, "name": "Beta", "manager_id": MAX},
        ],
        users=[
            {"id": MIA, "name": "Mia Manager", "role": "manager", "team_id": ALPHA},
            {"id": MAX, "name": "Max Manager", "role": "manager", "team_id": BETA},
            {"id": ADA, "name": "Ada Admin", "role": "admin"},
            {"id": ANN, "name": "Ann Rep", "role": "rep", "team_id": ALPHA, "manager_id": MIA},
            {"id": BOB, "name": "Bob Rep", "role": "rep", "team_id": ALPHA, "manager_id": MIA},
            {"id": CAL, "name": "Cal Rep", "role": "rep", "team_id": BETA, "manager_id": MAX},
        ],
        deals=[
            Deal(1, ANN, "Open one", [Version(created(9, 1), "Demo", "10000", day(12, 15),
                                              next_step="Demo")], source="Web"),
            Deal(2, ANN, "Won one", [Version(created(10, 1), "Proposal", "5000", day(11, 30)),
                                     Version(noon(11, 10), "Closed Won")], source="Web"),
            Deal(3, ANN, "Lost one", [Version(created(10, 2), "Demo", "8000", day(12, 1)),
                                      Version(noon(11, 14), "Closed Lost", lost_reason="Price")],
                 source="Partner"),
            Deal(4, BOB, "No amount", [Version(created(11, 10), "Prospecting", None,
                                               day(12, 20), next_step="Call back")]),
            Deal(5, BOB, "Long dead", [Version(created(8, 1), "Proposal", "4000", day(9, 20))]),
            Deal(6, BOB, "Lately dead", [Version(created(8, 1), "Demo", "2000", day(10, 30))]),
            Deal(9, BOB, "Fresh", [Version(created(11, 12), "Qualification", "1000",
                                           day(12, 31), next_step="Send proposal")]),
            Deal(7, CAL, "Cal open", [Version(created(10, 5), "Demo", "6000", day(12, 1),
                                              next_step="Trial")]),
            Deal(8, CAL, "Cal won", [Version(created(9, 10), "Proposal", "3000", day(10, 20)),
                                     Version(noon(10, 20), "Closed Won")]),
            *extra_deals,
        ],
        activities=[
            act(1, 1, ANN, "call", "connected", noon(10, 5)),
            act(2, 1, ANN, "call", "connected", noon(11, 2)),
            act(3, 1, ANN, "call", "no answer", noon(11, 3)),
            act(4, 2, ANN, "meeting", "held", noon(10, 20)),
            act(5, 2, ANN, "email", "sent", datetime(2026, 11, 10, 9)),
            act(6, 3, ANN, "demo", "held", noon(11, 5)),
            act(7, 3, ANN, "demo", "no-show", noon(11, 6)),
            act(8, 3, ANN, "meeting", "no-show", noon(11, 12)),
            act(9, 4, BOB, "call", "left voicemail", noon(11, 16)),
            act(10, 4, BOB, "note", None, noon(11, 17)),
            act(11, 7, CAL, "call", "connected", noon(11, 9)),
            act(12, 8, CAL, "email", "sent", noon(9, 15)),
        ],
        quotas=[{"user_id": ANN, "month": date(2026, m, 1), "amount": 10000} for m in (10, 11, 12)],
    )  # fmt: skip


@pytest.fixture
def con(tmp_path):
    connection = db.connect(quarter(tmp_path / "quarter.duckdb"))
    yield connection
    connection.close()


def test_activity_volume_and_outcomes(con):
    alpha = activity.activity(con, QTD, team_id=ALPHA)
    assert alpha.total == 10 and alpha.people == 2 and alpha.average_per_rep == 5
    assert alpha.by_kind() == {"call": 4, "email": 1, "meeting": 2, "demo": 2, "note": 1,
                               "task": 0}  # fmt: skip
    assert alpha.outcomes() == {
        "calls": 4, "connected": 2, "connect_rate": 0.5, "meetings": 2, "meetings_held": 1,
        "meetings_no_show": 1, "meetings_rescheduled": 0, "demos": 2, "demos_held": 1,
        "demo_no_show_rate": 0.5, "outbound": 5,
    }  # fmt: skip
    people = alpha.by_person().set_index("owner")
    assert people.loc["Ann Rep", ["call", "meeting", "total"]].tolist() == [3, 2, 8]
    assert people.loc["Bob Rep", "total"] == 2
    weeks = alpha.by_week()
    assert weeks.loc[date(2026, 11, 2), "call"] == 2  # 2 and 3 November, a Monday week
    company = activity.activity(con, QTD)
    assert company.total == 11 and company.outcomes()["connect_rate"] == 0.6
    cal = activity.activity(con, QTD, owner_id=CAL)
    assert cal.total == 1 and cal.people == 1  # his September e-mail is last quarter's


def test_the_trend_and_first_response(con):
    trend = activity.trend(con, AS_OF, 1, team_id=BETA)
    assert trend[["quarter_start", "kind", "activities"]].values.tolist() == [
        [date(2026, 7, 1), "email", 1], [date(2026, 10, 1), "call", 1],
    ]  # fmt: skip
    response = activity.first_response(con, QTD, team_id=ALPHA)
    # Deals 2, 3, 4 and 9 were created this quarter; 9 has had no activity. Waits: 19
    # days 2 hours (458 h), 34 days 2 hours (818 h), 6 days 2 hours (146 h).
    assert (response["deals"], response["answered"], response["median_hours"]) == (4, 3, 458.0)


def test_touches_of_open_and_closed_deals(con):
    found = activity.touches(con, QTD, NOW, team_id=ALPHA)
    counted = dict(zip(found.open_deals["label"], found.open_deals["deals"], strict=True))
    assert counted == {"0": 3, "1": 0, "2": 1, "3–4": 1, "5–7": 0, "8–12": 0, "13+": 0}
    assert found.untouched == 3  # deals 1 (last touch 3 Nov), 5 and 6; 9 is new
    assert found.closed[["id", "status", "touches"]].sort_values("id").values.tolist() == [
        [2, "won", 2], [3, "lost", 3],
    ]  # fmt: skip
    assert (found.median("won"), found.median("lost")) == (2.0, 3.0)
    buckets = found.closed_by_bucket().set_index("label")
    assert buckets.loc["2", ["won", "lost", "win_rate"]].tolist() == [1, 0, 1.0]
    assert buckets.loc["3–4", "win_rate"] == 0.0 and pd.isna(buckets.loc["0", "win_rate"])


def test_the_touch_count_kept_on_each_deal(con):
    counts = dict(con.execute("SELECT id, touches FROM deals ORDER BY id").fetchall())
    assert counts == {1: 3, 2: 2, 3: 3, 4: 2, 5: 0, 6: 0, 7: 1, 8: 1, 9: 0}
    activities.log(con, users.get(con, BOB), 5, kind="call", outcome="no answer", on=AS_OF,
                   note=None, now=NOW)  # fmt: skip
    assert con.execute("SELECT touches FROM deals WHERE id = 5").fetchone() == (1,)
    # A call after deal 2 was won is logged, and is not a touch before its close.
    activities.log(con, users.get(con, ANN), 2, kind="call", outcome="connected", on=AS_OF,
                   note=None, now=NOW)  # fmt: skip
    assert con.execute("SELECT touches FROM deals WHERE id = 2").fetchone() == (2,)


def test_pipeline_generated_against_the_period_before(con):
    found = activity.generated(con, QTD, 1, team_id=ALPHA)
    this = found[found["period"] == "this"]
    assert (int(this["deals"].sum()), this["amount"].sum()) == (4, D("14000.00"))
    assert this.groupby("source")["deals"].sum().to_dict() == {
        "(no source)": 2, "Partner": 1, "Web": 1,
    }  # fmt: skip
    before = found[found["period"] == "previous"]  # 1 July to 18 August: deals 5 and 6
    assert (int(before["deals"].sum()), before["amount"].sum()) == (2, D("6000.00"))


def test_health_per_rep_with_its_score(con):
    found = activity.rep_health(con, QTD, NOW, NO_MEDIANS, AS_OF, Q4, team_id=ALPHA).set_index(
        "rep"
    )
    ann, bob = found.loc["Ann Rep"], found.loc["Bob Rep"]
    assert ann[["open_deals", "stale", "clean"]].tolist() == [1, 1, 0]
    # Ann: nothing clean; coverage 10,000 open / (30,000 - 5,000 won) = 0.4 of a 3x
    # target: 70 x 0 + 30 x 0.4 / 3 = 4.
    assert ann["coverage"] == pytest.approx(0.4) and ann["score"] == 4
    assert bob[["open_deals", "stale", "overdue", "no_next_step", "missing_amount", "clean"]
               ].tolist() == [4, 2, 2, 2, 1, 1]  # fmt: skip
    assert bob["score"] == 48  # 70 x 1/4 + 30 (no quota: nothing left to cover) = 47.5
    assert not bob["pile_up"] and bob["generated_deals"] == 2  # 4 and 9 (5 and 6: August)
    assert activity.health_score(0, 0, None, 3) is None


def test_one_set_of_rules_on_every_page(con):
    """Health counts, the review's hygiene lists and My deals' flags: the same deals."""
    health = activity.rep_health(con, QTD, NOW, NO_MEDIANS, AS_OF, Q4, team_id=ALPHA).set_index(
        "user_id"
    )
    for rep in (ANN, BOB):
        listed = review.flagged(con, NOW, NO_MEDIANS, owner_id=rep)
        mine = hygiene.open_deals(con, owner_id=rep, team_id=None, search=None, now=NOW,
                                  medians=NO_MEDIANS)  # fmt: skip
        for rule in ("stale", "overdue", "no_next_step", "next_step_late", "stuck"):
            assert health.loc[rep, rule] == int(listed[rule].sum()) == int(mine[rule].sum()), rule
        assert health.loc[rep, "missing_amount"] == int(listed["missing_amount"].sum())


def test_dead_deals(con):
    assert list(activity.dead_deals(con, NOW, 30, team_id=ALPHA)["id"]) == [5]
    assert list(activity.dead_deals(con, NOW, 15, team_id=ALPHA)["id"]) == [5, 6]
    assert activity.dead_deals(con, NOW, 15, team_id=BETA).empty


def versions_of(con, *deal_ids) -> dict[int, int]:
    return {i: deals.load(con, i)["version"] for i in deal_ids}


def test_a_manager_cleans_out_dead_deals_in_one_go(con):
    mia = users.get(con, MIA)
    done = cleanout.close_as_lost(con, mia, versions_of(con, 5, 6), "No response", now=NOW)
    assert [(c.deal_id, c.version) for c in done] == [(5, 2), (6, 2)]
    rows = con.execute(
        "SELECT id, status, lost_reason, version FROM deals WHERE id IN (5, 6) ORDER BY id"
    ).fetchall()
    assert rows == [(5, "lost", "No response", 2), (6, "lost", "No response", 2)]
    history = con.execute(
        "SELECT deal_id, version, changed_by FROM deal_history WHERE deal_id IN (5, 6) "
        "AND valid_to IS NULL ORDER BY deal_id"
    ).fetchall()
    assert history == [(5, 2, MIA), (6, 2, MIA)]
    logged = con.execute(
        "SELECT deal_id, summary FROM change_log WHERE kind = 'deal' ORDER BY id"
    ).fetchall()
    assert logged == [(5, "Clean-out: Closed as lost: No response"),
                      (6, "Clean-out: Closed as lost: No response")]  # fmt: skip


def test_a_clean_out_is_all_or_nothing(con):
    mia, max_, bob = (users.get(con, i) for i in (MIA, MAX, BOB))
    with pytest.raises(permissions.PermissionDenied):  # Cal's deal is not Mia's to close
        cleanout.close_as_lost(con, mia, versions_of(con, 5, 7), "Dead", now=NOW)
    with pytest.raises(permissions.PermissionDenied):  # a rep does not clean out
        cleanout.push(con, bob, versions_of(con, 5), date(2027, 1, 15), now=NOW)
    with pytest.raises(permissions.PermissionDenied):
        cleanout.close_as_lost(con, max_, versions_of(con, 5), "Dead", now=NOW)
    stale = versions_of(con, 5, 6)
    deals.save(con, bob, 6, stale[6], {"next_step": "Call the CFO"}, now=NOW)
    with pytest.raises(deals.Conflict) as refused:  # Bob touched deal 6 since it was listed
        cleanout.push(con, mia, stale, date(2027, 1, 15), now=NOW + timedelta(minutes=1))
    assert "changed by Bob Rep" in str(refused.value)
    with pytest.raises(validation.ValidationError) as refused:
        cleanout.push(con, mia, versions_of(con, 5), date(2026, 11, 1), now=NOW)
    assert [str(p) for p in refused.value.problems] == [
        "New close date: 2026-11-01 has passed; a dead deal moves forward"
    ]
    with pytest.raises(validation.ValidationError):
        cleanout.close_as_lost(con, mia, versions_of(con, 5), "  ", now=NOW)
    assert con.execute("SELECT count(*) FROM deals WHERE status = 'open' AND id IN (5, 6)"
                       ).fetchone() == (2,)  # fmt: skip
    assert deals.load(con, 5)["version"] == 1
    done = cleanout.push(con, mia, versions_of(con, 5, 6), date(2027, 1, 15), now=NOW)
    assert [c.version for c in done] == [2, 3]
    assert deals.load(con, 5)["close_date"] == date(2027, 1, 15)
    assert deals.load(con, 5)["push_count"] == 1
