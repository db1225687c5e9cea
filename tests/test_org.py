"""The organisation as a tree: company > region > team > person. Scopes, quota roll-ups,
attainment tables and permissions at every level, on rows spelled out here.

    company (no plan)
    ├── R1 region (10, no plan; Rhea manages it)
    │   ├── A team (1, plan 100,000; Amos manages it) — a1: plan 30,000, won 10,000
    │   └── B team (2, no plan) ─────────────────────── b1: plan 50,000, won 20,000
    └── R2 region (11, plan 70,000)
        └── C team (3, no plan) ─────────────────────── c1: plan 60,000, won 5,000

Quotas for November 2026; every win on 10 November. A level's own plan counts when it
has one, else the sum below it, level by level: A 100,000 (its own, a1's 30,000 is not
added); B 50,000 (b1's); R1 150,000 (A + B); C 60,000; R2 70,000 (its own); company
220,000 (R1 + R2).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pipeline import db, deals, engine, permissions, users
from pipeline.figures import attainment
from pipeline.org import teams as tree_of_teams
from tests.given import Deal, Version, given

D = Decimal
AS_OF = date(2026, 11, 30)
NOV = date(2026, 11, 1)
REP_A, REP_B, REP_C, RHEA, AMOS, CARL = 21, 22, 23, 31, 32, 33


def build_org(path):
    """The organisation of this module's docstring, at ``path``."""
    won_deals = [
        Deal(id, owner, f"Deal {id}", [
            Version(datetime(2026, 10, 1, 9), "Negotiation", amount, date(2026, 11, 10)),
            Version(datetime(2026, 11, 10, 12), "Closed Won"),
        ])
        for id, owner, amount in ((1, REP_A, "10000"), (2, REP_B, "20000"), (3, REP_C, "5000"))
    ]  # fmt: skip
    open_deal = Deal(4, REP_C, "Open deal", [
        Version(datetime(2026, 11, 2, 9), "Demo", "8000", date(2026, 12, 20)),
    ])  # fmt: skip
    return given(
        path,
        teams=[
            {"id": 10, "name": "R1", "manager_id": RHEA},
            {"id": 11, "name": "R2"},
            {"id": 1, "name": "A", "parent_id": 10, "manager_id": AMOS},
            {"id": 2, "name": "B", "parent_id": 10},
            {"id": 3, "name": "C", "parent_id": 11, "manager_id": CARL},
        ],
        users=[
            {"id": 1, "name": "Erin Exec", "role": "executive"},
            {"id": REP_A, "name": "Ada Rep", "role": "rep", "team_id": 1, "manager_id": AMOS},
            {"id": REP_B, "name": "Bea Rep", "role": "rep", "team_id": 2, "manager_id": RHEA},
            {"id": REP_C, "name": "Cy Rep", "role": "rep", "team_id": 3, "manager_id": CARL},
            {"id": RHEA, "name": "Rhea Region", "role": "manager", "team_id": 10},
            {"id": AMOS, "name": "Amos Lead", "role": "manager", "team_id": 1, "manager_id": RHEA},
            {"id": CARL, "name": "Carl Lead", "role": "manager", "team_id": 3},
        ],
        quotas=[
            {"team_id": 1, "month": NOV, "amount": D("100000")},
            {"user_id": REP_A, "month": NOV, "amount": D("30000")},
            {"user_id": REP_B, "month": NOV, "amount": D("50000")},
            {"team_id": 11, "month": NOV, "amount": D("70000")},
            {"user_id": REP_C, "month": NOV, "amount": D("60000")},
        ],
        deals=[*won_deals, open_deal],
    )


@pytest.fixture
def org(tmp_path):
    con = db.connect(build_org(tmp_path / "org.duckdb"))
    yield con
    con.close()


def month(con, **scope) -> dict:
    rows = attainment.by_period(con, AS_OF, **scope).set_index("period")
    return rows.loc["MTD"].to_dict()


@pytest.mark.parametrize(
    ("scope", "won", "quota"),
    [
        ({}, "35000.00", "220000.00"),  # company: R1 150,000 + R2 70,000
        ({"team_id": 10}, "30000.00", "150000.00"),  # R1: A's own plan + B's rep
        ({"team_id": 1}, "10000.00", "100000.00"),  # A: its own plan, not a1's
        ({"team_id": 2}, "20000.00", "50000.00"),  # B: no plan of its own, b1's
        ({"team_id": 11}, "5000.00", "70000.00"),  # R2: its own plan
        ({"team_id": 3}, "5000.00", "60000.00"),  # C: c1's
        ({"owner_id": REP_A}, "10000.00", "30000.00"),  # a person: their own plan
    ],
)
def test_every_level_has_its_won_and_quota(org, scope, won, quota):
    figures = month(org, **scope)
    assert (figures["won"], figures["quota"]) == (D(won), D(quota))
    assert (figures["quota_months"], figures["period_months"]) == (1, 1)


def test_the_team_table_rolls_up_every_level_in_tree_order(org):
    table = attainment.by_team(org, AS_OF, "MTD").to_pandas()
    assert list(zip(table["team"], table["depth"], strict=True)) == [
        ("R1", 0), ("A", 1), ("B", 1), ("R2", 0), ("C", 1),
    ]  # fmt: skip
    rows = table.set_index("team")
    assert rows.loc["R1", ["won", "quota", "reps"]].tolist() == [D("30000"), D("150000"), 2]
    assert rows.loc["A", ["won", "quota", "reps"]].tolist() == [D("10000"), D("100000"), 1]
    assert rows.loc["R2", ["won", "quota", "reps"]].tolist() == [D("5000"), D("70000"), 1]
    assert rows.loc["R1", "attainment"] == pytest.approx(0.2)
    # A region's scope shows its subtree; a person's, the teams above them.
    region = attainment.by_team(org, AS_OF, "MTD", team_id=10).to_pandas()
    assert list(region["team"]) == ["R1", "A", "B"]
    person = attainment.by_team(org, AS_OF, "MTD", owner_id=REP_C).to_pandas()
    assert list(person["team"]) == ["R2", "C"]
    reps = attainment.by_rep(org, AS_OF, "MTD", team_id=10).to_pandas()
    assert list(reps["rep"]) == ["Ada Rep", "Bea Rep"]


def test_a_company_with_mixed_plans_adds_each_teams_own(tmp_path):
    """The audit's case: no company plan; team A plans 100,000; team B has no plan of
    its own but its rep plans 50,000: the company's quota is 150,000 (not 100,000)."""
    path = given(
        tmp_path / "mixed.duckdb",
        teams=[{"id": 1, "name": "A"}, {"id": 2, "name": "B"}],
        users=[
            {"id": 5, "name": "Ann", "role": "rep", "team_id": 1},
            {"id": 6, "name": "Bo", "role": "rep", "team_id": 2},
        ],
        quotas=[
            {"team_id": 1, "month": NOV, "amount": D("100000")},
            {"user_id": 6, "month": NOV, "amount": D("50000")},
        ],
    )
    con = db.connect(path)
    assert month(con)["quota"] == D("150000.00")
    con.close()


@pytest.mark.parametrize(
    ("actor", "owner", "allowed"),
    [
        (RHEA, REP_A, True),  # a region's manager: every team below it
        (RHEA, REP_B, True),
        (RHEA, REP_C, False),  # another region
        (AMOS, REP_A, True),  # a team's manager: their team
        (AMOS, REP_B, False),  # a sibling team
        (CARL, REP_C, True),
        (REP_A, REP_B, False),
    ],
)
def test_managers_edit_the_deals_of_their_whole_subtree(org, actor, owner, allowed):
    who, whose = users.get(org, actor), users.get(org, owner)
    assert permissions.can_edit_deals_of(who, whose) is allowed
    deal_id = {REP_A: 1, REP_B: 2, REP_C: 4}[owner]
    current = deals.load(org, deal_id)
    change = {"next_step": "Call the buyer"}
    if allowed:
        assert deals.save(org, who, deal_id, current["version"], change).changed
    else:
        with pytest.raises(permissions.PermissionDenied):
            deals.save(org, who, deal_id, current["version"], change)


def test_a_region_manager_works_the_regions_deals(org):
    rhea = users.get(org, RHEA)
    assert rhea.team_path == (10,)
    assert users.get(org, REP_A).team_path == (10, 1)
    assert permissions.deal_scope(rhea) == {"owner_id": None, "team_id": 10}
    assert permissions.manages_scope(org, rhea, team_id=1)
    assert permissions.manages_scope(org, rhea, owner_id=REP_B)
    assert not permissions.manages_scope(org, rhea, team_id=11)
    assert not permissions.manages_scope(org, users.get(org, AMOS), team_id=10)


def test_a_wide_organisation_lists_and_rolls_up_every_team(tmp_path):
    """Two regions of 300 teams each, every team with a rep who won 100 on 10 November:
    a team table of several pages, and a tree level wider than a join hands its probe
    side as a plain list of keys (50). PostgreSQL's team scan was then given a Bloom
    filter the extension could not read. Each region won 300 x 100 = 30,000; the tree
    lists East, its teams by name, then West and its teams."""
    numbers = range(1, 601)
    teams = [{"id": 1001, "name": "East"}, {"id": 1002, "name": "West"}]
    teams += [
        {"id": n, "name": f"Team {n:03}", "parent_id": 1001 if n <= 300 else 1002} for n in numbers
    ]
    reps = [{"id": 1000 + n, "name": f"Rep {n:03}", "role": "rep", "team_id": n} for n in numbers]
    won = [
        Deal(n, 1000 + n, f"Deal {n}", [
            Version(datetime(2026, 10, 1, 9), "Negotiation", "100", date(2026, 11, 10)),
            Version(datetime(2026, 11, 10, 12), "Closed Won"),
        ])
        for n in numbers
    ]  # fmt: skip
    con = db.connect(given(tmp_path / "wide.duckdb", teams=teams, users=reps, deals=won))
    try:
        # Table sizes known, as a server's autovacuum soon has them: the team scan is
        # then the probe side of the tree's join.
        engine.update_statistics(con)
        listed = tree_of_teams(con)
        names = [f"Team {n:03}" for n in numbers]
        assert list(listed["name"]) == ["East", *names[:300], "West", *names[300:]]
        assert list(listed["depth"]) == [0, *[1] * 300, 0, *[1] * 300]
        assert month(con, team_id=1001)["won"] == D("30000.00")
        table = attainment.by_team(con, AS_OF, "MTD").to_pandas().set_index("team")
        assert table.loc["West", ["won", "reps"]].tolist() == [D("30000"), 300]
    finally:
        con.close()
