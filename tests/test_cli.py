"""python -m pipeline, as a user runs it."""

from __future__ import annotations

import subprocess
import sys

import duckdb


def run(*args: str, env_db=None):
    env = None
    if env_db is not None:
        import os

        env = {**os.environ, "SALES_DB": str(env_db)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, env=env
    )


def test_demo_builds_a_database(tmp_path):
    path = tmp_path / "cli.duckdb"
    result = run(
        "demo", "--db", str(path), "--deals", "300", "--seed", "5", "--as-of", "2026-03-31"
    )
    assert result.returncode == 0, result.stderr
    assert "300 deals as of 2026-03-31" in result.stdout
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM deals").fetchone()[0] == 300
    assert con.execute("SELECT value FROM settings WHERE key = 'demo_anchor'").fetchone()[0] == (
        "2026-03-31"
    )


def test_demo_uses_sales_db_from_the_environment(tmp_path):
    path = tmp_path / "env.duckdb"
    result = run("demo", "--deals", "100", env_db=path)
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_bad_arguments_get_one_line(tmp_path):
    result = run("demo", "--db", str(tmp_path / "x.duckdb"), "--as-of", "31/03/2026")
    assert result.returncode == 2
    assert "not a date in YYYY-MM-DD form: '31/03/2026'" in result.stderr
    result = run("info", "--db", str(tmp_path / "missing.duckdb"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: No database at {tmp_path / 'missing.duckdb'}."
    assert "Traceback" not in result.stderr
