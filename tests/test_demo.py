"""The demo generator: deterministic, internally consistent, realistic, always current."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest

from pipeline import db, deals, demo, query, users
from pipeline.figures import attainment, hygiene
from pipeline.query import end_of_day
from tests.conftest import database_held_by_another_process, facts_out_of_line

AS_OF = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.build(path, demo.DemoSpec(deals=3000, seed=11, as_of=AS_OF))
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def scalar(con, sql):
    return con.execute(sql).fetchone()[0]


def test_same_seed_same_data():
    first = demo.generate(demo.DemoSpec(deals=500, seed=3, as_of=AS_OF))
    second = demo.generate(demo.DemoSpec(deals=500, seed=3, as_of=AS_OF))
    other = demo.generate(demo.DemoSpec(deals=500, seed=4, as_of=AS_OF))
    for table in first:
        assert first[table].equals(second[table]), table
    assert not first["deal_history"].equals(other["deal_history"])


def test_organisation(demo_db):
    # Two regions, each above two teams; every team and region has its manager.
    tree = demo_db.execute(
        "SELECT array_to_string(path, ' › ') FROM team_tree() ORDER BY path"
    ).fetchall()
    assert [path for (path,) in tree] == [
        "East", "East › Enterprise", "East › Mid-Market East",
        "West", "West › Mid-Market West", "West › SMB",
    ]  # fmt: skip
    roles = dict(demo_db.execute("SELECT role, count(*) FROM users GROUP BY role").fetchall())
    assert roles == {"executive": 1, "admin": 1, "manager": 6, "rep": 24}
    assert scalar(demo_db, "SELECT count(*) FROM teams WHERE manager_id IS NULL") == 0
    assert scalar(demo_db, "SELECT count(*) FROM stages") == 8


def test_current_state_equals_latest_history_version(demo_db):
    mismatches = scalar(demo_db, """
        SELECT count(*) FROM deals AS d
        JOIN deal_history AS h ON h.deal_id = d.id AND h.valid_to IS NULL
        WHERE h.version <> d.version OR h.stage_id <> d.stage_id OR h.status <> d.status
           OR h.amount IS DISTINCT FROM d.amount OR h.close_date IS DISTINCT FROM d.close_date
    """)  # fmt: skip
    assert mismatches == 0
    assert scalar(demo_db, "SELECT count(*) FROM deals") == 3000


def test_versions_are_contiguous_and_ordered(demo_db):
    gaps = scalar(demo_db, """
        SELECT count(*) FROM deal_history AS a
        JOIN deal_history AS b ON b.deal_id = a.deal_id AND b.version = a.version + 1
        WHERE a.valid_to IS DISTINCT FROM b.valid_from OR b.valid_from < a.valid_from
    """)  # fmt: skip
    assert gaps == 0
    assert scalar(demo_db, "SELECT count(*) FROM deal_history WHERE valid_to IS NULL") == 3000
    assert scalar(demo_db, "SELECT max(valid_from) FROM deal_history") < end_of_day(AS_OF)


def test_realistic_shape(demo_db):
    closed = demo_db.execute("""
        SELECT count(*) FILTER (WHERE status = 'won') / count(*) FROM deals
        WHERE created_at < DATE '2026-01-01'
    """).fetchone()[0]  # fmt: skip
    assert 0.20 <= closed <= 0.35  # win rate of created deals, older cohorts
    moves = dict(demo_db.execute("""
        SELECT 'pushed', count(*) FROM deals WHERE push_count > 0
        UNION ALL SELECT 'amount changed', count(DISTINCT a.deal_id) FROM deal_history a
            JOIN deal_history b ON a.deal_id = b.deal_id AND b.version = a.version + 1
            WHERE a.amount <> b.amount
    """).fetchall())  # fmt: skip
    assert all(count > 20 for count in moves.values()), moves
    kinds = {k for (k,) in demo_db.execute("SELECT DISTINCT kind FROM activities").fetchall()}
    assert kinds == set(demo.ACTIVITY_KINDS)
    assert scalar(demo_db, "SELECT count(*) FROM activities") > 10 * 1000


def test_a_kept_pipeline_flags_a_minority_of_open_deals(demo_db):
    """A team that cleans out dead deals: each hygiene flag marks some open deals, but
    far from most; overrides sit near their stage's probability; nothing ancient tops
    the list; the demo's now is 08:00, so no deal closes later on the as-of day."""
    now = datetime(2026, 11, 22, 8)
    medians = hygiene.stage_time_medians(demo_db)
    listing = hygiene.open_deals(
        demo_db, owner_id=None, team_id=None, search=None, now=now, medians=medians
    )
    totals = listing.iloc[0]
    for flag in ("stale", "overdue", "no_next_step", "next_step_late", "stuck"):
        share = totals[f"total_{flag}"] / totals["total_deals"]
        assert 0.04 <= share <= 0.27, (flag, share)
    gaps = demo_db.execute(
        "SELECT max(abs(d.probability_override - s.probability)) FROM deals AS d "
        "JOIN stages AS s ON s.id = d.stage_id WHERE d.probability_override IS NOT NULL"
    ).fetchone()[0]
    assert gaps <= Decimal("0.15")
    oldest_on_top = demo_db.execute(
        "SELECT max(created_at) FROM deals WHERE id IN (SELECT unnest($ids))",
        {"ids": [int(i) for i in listing["id"]]},
    ).fetchone()[0]
    assert oldest_on_top > datetime(2025, 11, 22)  # the top page: under a year old
    assert scalar(demo_db, "SELECT max(closed_at) FROM deals") < now


def test_the_company_plan_adds_up_its_teams_plans(demo_db):
    # No plan of its own for the company or a region: theirs is their teams' own plans,
    # which the reps' plans add up to a little more than.
    company = scalar(
        demo_db, "SELECT count(*) FROM quotas WHERE user_id IS NULL AND team_id IS NULL"
    )
    assert company == 0
    quarter = attainment.by_period(demo_db, AS_OF).set_index("period").loc["QTD"]
    teams = scalar(demo_db, """
        SELECT sum(amount) FROM quotas JOIN teams ON teams.id = quotas.team_id
        WHERE teams.parent_id IS NOT NULL AND month >= DATE '2026-10-01'
          AND month < DATE '2027-01-01'
    """)  # fmt: skip
    assert quarter["quota"] == teams
    reps = scalar(demo_db, """
        SELECT sum(amount) FROM quotas WHERE user_id IS NOT NULL
          AND month >= DATE '2026-10-01' AND month < DATE '2027-01-01'
    """)  # fmt: skip
    assert teams < reps < teams * Decimal("1.2")


def test_some_reps_beat_quota_and_some_miss(demo_db):

    reps = attainment.by_rep(demo_db, AS_OF, "YTD").to_pandas()
    assert (reps["attainment"] >= 1).sum() >= 2
    assert (reps["attainment"] < 0.8).sum() >= 2


def test_ids_continue_after_the_bulk_load(tmp_path):
    path = demo.build(tmp_path / "ids.duckdb", demo.DemoSpec(deals=200, as_of=AS_OF))
    con = db.connect(path)
    con.execute("INSERT INTO teams (name) VALUES ('New team')")
    assert scalar(con, "SELECT id FROM teams WHERE name = 'New team'") == 7  # 4 teams, 2 regions


@pytest.mark.file_store
def test_ensure_current_creates_then_moves_forward(tmp_path):
    path = tmp_path / "sales.duckdb"
    assert "Created" in demo.ensure_current(path, date(2026, 11, 20))
    assert demo.ensure_current(path, date(2026, 11, 20)) is None
    assert "forward" in demo.ensure_current(path, date(2026, 11, 22))
    con = db.connect(path)
    assert db.get_setting(con, "demo_anchor") == "2026-11-22"
    # Once someone has changed the demo, their work is kept.
    deal = con.execute("SELECT id, owner_id, version FROM deals WHERE status = 'open'").fetchone()
    owner = users.get(con, deal[1])
    deals.save(con, owner, deal[0], deal[2], {"next_step": "Call back"})
    con.close()
    assert demo.ensure_current(path, date(2026, 11, 25)) is None


def test_a_real_database_is_never_replaced(tiny_path):
    assert demo.ensure_current(tiny_path, date(2030, 1, 1)) is None


@pytest.mark.file_store
def test_building_over_a_database_in_use_is_refused(tmp_path):
    path = demo.build(tmp_path / "busy.duckdb", demo.DemoSpec(deals=100, as_of=AS_OF))
    with database_held_by_another_process(path):
        with pytest.raises(db.DatabaseError, match="in use"):
            demo.build(path, demo.DemoSpec(deals=100, as_of=AS_OF))
    assert scalar(duckdb.connect(str(path)), "SELECT count(*) FROM deals") == 100


def test_current_state_branch_equals_history_rebuild(demo_db):
    """deals_as_of reads the deals table when nothing changed after the instant; that
    must give exactly the rows the history rebuild gives."""
    end = end_of_day(AS_OF)
    assert query.context(demo_db, AS_OF).as_of_params() == {"as_of_end": end, "current": True}
    assert query.context(demo_db, date(2026, 1, 1)).current is False
    difference = """
        SELECT count(*) FROM (
            (FROM deals_as_of($at, true) EXCEPT ALL FROM deals_as_of($at, false))
            UNION ALL
            (FROM deals_as_of($at, false) EXCEPT ALL FROM deals_as_of($at, true))
        )
    """
    assert demo_db.execute(difference, {"at": end}).fetchone()[0] == 0
    assert scalar(demo_db, "SELECT count(*) FROM deals_as_of(now(), true)") == 3000


COPY_AGAINST_HISTORY = {
    "won_as_of": """
        SELECT count(*) FROM (
            (FROM won_as_of($at, true) EXCEPT ALL FROM won_as_of($at, false))
            UNION ALL
            (FROM won_as_of($at, false) EXCEPT ALL FROM won_as_of($at, true))
        )
    """,
    "open_as_of": """
        SELECT count(*) FROM (
            (FROM open_as_of($at, true) EXCEPT ALL FROM open_as_of($at, false))
            UNION ALL
            (FROM open_as_of($at, false) EXCEPT ALL FROM open_as_of($at, true))
        )
    """,
}


@pytest.mark.parametrize("macro", sorted(COPY_AGAINST_HISTORY))
def test_won_and_open_copies_equal_the_history_rebuild(demo_db, macro):
    """won_as_of / open_as_of read the narrow copies when nothing changed after the
    instant: the same rows the history rebuild gives, for every deal of the demo."""
    assert facts_out_of_line(demo_db) == 0
    at = {"at": end_of_day(AS_OF)}
    assert demo_db.execute(COPY_AGAINST_HISTORY[macro], at).fetchone()[0] == 0
    counts = demo_db.execute(
        "SELECT (SELECT count(*) FROM won_deals), (SELECT count(*) FROM open_deals), "
        "(SELECT count(*) FILTER (WHERE status = 'won') FROM deals), "
        "(SELECT count(*) FILTER (WHERE status = 'open') FROM deals)"
    ).fetchone()
    assert counts[:2] == counts[2:] and min(counts) > 0
