"""Several replicas on one PostgreSQL database: separate processes saving at once, and
replicas killed mid-write. Run with ``--store postgres`` (skipped on DuckDB files,
which one process at a time may write)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.request
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bench import crm_export, load
from bench.run import persona_label
from deploy.replicas import replicas
from pipeline import db, demo
from tests.conftest import facts_out_of_line

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 18)


@pytest.fixture
def shared(tmp_path, store) -> str:
    """A PostgreSQL demo database (300 deals) the replicas share."""
    if store != "postgres":
        pytest.skip("replicas share PostgreSQL; run with --store postgres")
    return demo.build(tmp_path / "shared.duckdb", demo.DemoSpec(deals=300, as_of=AS_OF))


def replica(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.replica_work", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def start_together(processes: list[subprocess.Popen]) -> list[dict]:
    """Tell every waiting replica to go at once, then collect each one's result."""
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    return [json.loads(process.communicate(timeout=600)[0]) for process in processes]


def open_deals(url: str, count: int) -> list[tuple]:
    con = db.connect(url)
    try:
        return con.execute(
            "SELECT id, version, amount FROM deals WHERE status = 'open' ORDER BY id LIMIT $n",
            {"n": count},
        ).fetchall()
    finally:
        con.close()


def test_two_replicas_saving_the_same_deal_one_wins_the_other_is_told(shared):
    (deal_id, version, amount), (other_id, other_version, _) = open_deals(shared, 2)
    first = replica("save", shared, str(deal_id), str(version), "1111.11")
    second = replica("save", shared, str(deal_id), str(version), "2222.22")
    # ...while a third saves another deal: different deals never conflict.
    third = replica("save", shared, str(other_id), str(other_version), "3333.33")
    for process in (first, second, third):
        assert process.stdout.readline().strip() == "ready"
    outcomes = start_together([first, second, third])
    assert outcomes[2] == {"saved": other_version + 1}
    won = [o for o in outcomes[:2] if "saved" in o]
    told = [o for o in outcomes[:2] if "conflict" in o]
    assert len(won) == 1 and len(told) == 1
    assert won[0] == {"saved": version + 1}
    winner = "1111.11" if outcomes[0] is won[0] else "2222.22"
    # The loser hears who saved the deal and what they changed (the demo's rep).
    assert f"Amount: ${amount:,.2f} → ${Decimal(winner):,.2f}" in told[0]["conflict"]
    con = db.connect(shared)
    assert con.execute(
        "SELECT amount, version FROM deals WHERE id = $id", {"id": deal_id}
    ).fetchone() == (
        Decimal(winner),
        version + 1,
    )


def test_four_replicas_racing_500_edits_over_50_deals_lose_no_update(shared):
    picked = open_deals(shared, 50)
    ids = [str(deal_id) for deal_id, _, _ in picked]
    con = db.connect(shared)
    before = con.execute(
        "SELECT (SELECT sum(amount) FROM deals), (SELECT count(*) FROM deal_history), "
        "(SELECT count(*) FROM change_log WHERE kind = 'deal')"
    ).fetchone()
    # The same seed: the racers walk the deals in the same order, so they keep opening
    # and saving the same deal at the same moment.
    racers = [replica("race", shared, "7", *ids) for _ in range(4)]
    results = start_together(racers)
    saved = sum(result["saved"] for result in results)
    print("saved", saved, "conflicts", 500 - saved)
    assert sum(result["saved"] + result["conflicts"] for result in results) == 500
    assert saved > 0
    after = con.execute(
        "SELECT (SELECT sum(amount) FROM deals), (SELECT count(*) FROM deal_history), "
        "(SELECT count(*) FROM change_log WHERE kind = 'deal')"
    ).fetchone()
    # Every save added exactly one cent, one version and one change-log entry.
    assert after[0] - before[0] == saved * Decimal("0.01")
    assert after[1] - before[1] == saved
    assert after[2] - before[2] == saved
    # Each deal's versions run 1..n without a gap, the last one open and equal to the
    # deals row; won/open copies and the history clock agree.
    broken = con.execute(
        "SELECT count(*) FROM deals AS d WHERE d.version <> "
        "(SELECT count(*) FROM deal_history AS h WHERE h.deal_id = d.id) "
        "OR d.version <> (SELECT max(version) FROM deal_history AS h WHERE h.deal_id = d.id) "
        "OR d.amount IS DISTINCT FROM (SELECT amount FROM deal_history AS h "
        "WHERE h.deal_id = d.id AND h.valid_to IS NULL)"
    ).fetchone()[0]
    assert broken == 0
    assert facts_out_of_line(con) == 0


def render(port: int, persona: str) -> list:
    """One run of Overview on the server at ``port``, signed in through the demo's
    persona picker as ``persona`` (its label); its messages."""

    async def run():
        target = load.LoadTarget("Overview", "", persona)
        websocket = await load.warm_session(port, target)
        try:
            return await load.rerun(websocket, load.rerun_message(""))
        finally:
            await websocket.close()

    return asyncio.run(run())


def exceptions(messages: list) -> list[str]:
    return [
        m.delta.new_element.exception.message
        for m in messages
        if m.WhichOneof("type") == "delta"
        and m.delta.WhichOneof("type") == "new_element"
        and m.delta.new_element.WhichOneof("type") == "exception"
    ]


def test_a_replica_killed_mid_save_and_mid_import_loses_nothing(shared, tmp_path):
    con = db.connect(shared)
    deal_id, _, _ = open_deals(shared, 1)[0]
    counts = "SELECT (SELECT count(*) FROM deals), (SELECT count(*) FROM imports)"
    with replicas(shared, 2) as (balancer, servers, ports):
        # A replica saving the same deal over and over, killed between two saves.
        saver = replica("keep-saving", shared, str(deal_id))
        for _ in range(20):
            assert saver.stdout.readline().strip() == "saved"
        os.kill(saver.pid, signal.SIGKILL)
        saver.wait()
        # A replica importing 20,000 deals, killed while it writes them.
        deals_before = con.execute(counts).fetchone()
        files = crm_export.write(tmp_path / "export", 20_000)
        importer = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "import", "--db", shared, "--source",
             "salesforce", *map(str, files)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        for line in importer.stdout:
            if "Writing deals" in line:
                break
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait()
        # PostgreSQL holds what was committed: every finished save, no part of the import.
        assert con.execute(counts).fetchone() == deals_before
        row = con.execute(
            "SELECT version, (SELECT count(*) FROM deal_history WHERE deal_id = $id) "
            "FROM deals WHERE id = $id",
            {"id": deal_id},
        ).fetchone()
        assert row[0] >= 21 and row[0] == row[1]
        assert facts_out_of_line(con) == 0
        # Kill one app server: the balancer sends new sessions to the other, which serves.
        os.kill(servers[0].pid, signal.SIGKILL)
        servers[0].wait()
        with urllib.request.urlopen(f"http://127.0.0.1:{ports[1]}/_stcore/health") as reply:
            assert reply.status == 200
        executive = con.execute("SELECT min(id) FROM users WHERE role = 'executive'")
        messages = render(balancer, persona_label(con, executive.fetchone()[0]))
        assert exceptions(messages) == []
        assert any(m.WhichOneof("type") == "delta" for m in messages)
