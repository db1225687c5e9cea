"""`python -m pipeline import`: the report, exit codes, a held database, and a kill -9
in the middle of a large import leaving the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench import crm_export
from pipeline import db, health
from tests.conftest import database_held_by_another_process
from tests.test_import import SALESFORCE, needs_salesforce, salesforce_files

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True
    )


def counts(path: Path) -> dict[str, int]:
    con = db.connect(path, read_only=True)
    try:
        return dict(health.row_counts(con))
    finally:
        con.close()


@needs_salesforce
def test_import_the_salesforce_sample(tmp_path):
    files = [str(SALESFORCE / n) for n in ("Opportunity.csv", "OpportunityHistory.csv")]
    done = cli("import", "--db", str(tmp_path / "s.duckdb"), "--source", "salesforce", *files)
    assert done.returncode == 0, done.stderr
    assert "Imported: 36 deals added, 0 changed, 0 unchanged; 73 history versions." in done.stdout
    again = cli("import", "--db", str(tmp_path / "s.duckdb"), "--source", "salesforce", *files)
    assert "Imported: 0 deals added, 0 changed, 36 unchanged; 0 history versions." in again.stdout


def test_problems_exit_1_and_write_nothing(tmp_path):
    bad = tmp_path / "deals.csv"
    bad.write_text("id,stage,amount\nA,Open,12abc\n", encoding="utf-8")
    done = cli("import", "--db", str(tmp_path / "b.duckdb"), "--source", "other", str(bad))
    assert done.returncode == 1
    assert "deals.csv, row 2, amount: '12abc' not an amount" in done.stdout
    assert counts(tmp_path / "b.duckdb")["deals"] == 0


@pytest.mark.file_store
def test_a_database_held_by_another_process_is_named(tmp_path):
    path = tmp_path / "held.duckdb"
    db.connect(path).close()
    files = [str(p) for p in salesforce_files(tmp_path)]
    with database_held_by_another_process(path) as pid:
        done = cli("import", "--db", str(path), "--source", "salesforce", *files)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ")
    assert str(pid) in done.stderr


def test_kill_9_during_a_large_import_leaves_the_database_as_before(tmp_path):
    path = tmp_path / "k.duckdb"
    small = [str(p) for p in salesforce_files(tmp_path)]
    assert cli("import", "--db", str(path), "--source", "salesforce", *small).returncode == 0
    before = counts(path)
    large = crm_export.write(tmp_path / "export", 200_000)
    importing = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "import", "--db", str(path), "--source",
         "salesforce", *map(str, large)],
        cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    for line in importing.stderr:
        if "Writing deals" in line:  # inside the transaction, rows being written
            break
    else:
        raise AssertionError("the import ended before it started writing")
    os.kill(importing.pid, signal.SIGKILL)
    importing.wait()
    assert importing.returncode == -signal.SIGKILL
    assert counts(path) == before
