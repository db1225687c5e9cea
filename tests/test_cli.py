"""python -m pipeline, as a user runs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline import db


def run(*args: str, env_db=None, stdin: str | None = None):
    env = None
    if env_db is not None:
        import os

        env = {**os.environ, "SALES_DB": str(env_db)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
    )


def test_demo_builds_a_database(tmp_path):
    path = tmp_path / "cli.duckdb"
    result = run(
        "demo", "--db", str(path), "--deals", "300", "--seed", "5", "--as-of", "2026-03-31"
    )
    assert result.returncode == 0, result.stderr
    assert "300 deals as of 2026-03-31" in result.stdout
    con = db.connect(path, read_only=True)
    assert con.execute("SELECT count(*) FROM deals").fetchone()[0] == 300
    assert con.execute("SELECT value FROM settings WHERE key = 'demo_anchor'").fetchone()[0] == (
        "2026-03-31"
    )


@pytest.mark.file_store
def test_demo_uses_sales_db_from_the_environment(tmp_path):
    path = tmp_path / "env.duckdb"
    result = run("demo", "--deals", "100", env_db=path)
    assert result.returncode == 0, result.stderr
    assert path.exists()


@pytest.mark.file_store
def test_bad_arguments_get_one_line(tmp_path):
    result = run("demo", "--db", str(tmp_path / "x.duckdb"), "--as-of", "31/03/2026")
    assert result.returncode == 2
    assert "not a date in YYYY-MM-DD form: '31/03/2026'" in result.stderr
    result = run("info", "--db", str(tmp_path / "missing.duckdb"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: No database at {tmp_path / 'missing.duckdb'}."
    assert "Traceback" not in result.stderr


def test_users_are_added_listed_and_disabled(tiny_path):
    db_args = ("users", "--db", str(tiny_path))
    added = run(
        *db_args, "add", "--email", "nia@example.com", "--name", "Nia New", "--role", "rep",
        "--team", "West", "--password-stdin", stdin="correct horse\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout == "Added nia@example.com (rep).\n"
    listed = run(*db_args, "list").stdout.splitlines()
    assert any(
        line.split()[:2] == ["nia@example.com", "Nia"] and "password" in line for line in listed
    )
    assert (
        run(*db_args, "disable", "nia@example.com").stdout == "nia@example.com is now disabled.\n"
    )
    con = db.connect(tiny_path, read_only=True)
    row = con.execute("SELECT active, password_hash FROM users WHERE email = 'nia@example.com'")
    active, hashed = row.fetchone()
    assert not active and hashed.startswith("$2b$")


def test_a_bad_user_is_refused_in_one_line(tiny_path):
    result = run(
        "users", "--db", str(tiny_path), "add", "--email", "not-an-email", "--name", "X",
        "--role", "rep", "--password-stdin", stdin="short\n",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        "error: Email: 'not-an-email' is not an e-mail address; "
        "Password: use at least 8 characters\n"
    )


def test_quotas_upload_and_download(tiny_path, tmp_path):
    good = tmp_path / "quotas.csv"
    good.write_text(
        "month,amount,team,rep\n2027-01,9000.50,,dee@example.com\n2027-01,20000,West,\n"
    )
    result = run("quotas", "--db", str(tiny_path), "upload", str(good))
    assert (result.returncode, result.stdout) == (0, "2 monthly quotas changed.\n"), result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("month,amount,rep\n2027-02,-5,dee@example.com\n")
    refused = run("quotas", "--db", str(tiny_path), "upload", str(bad))
    assert refused.returncode == 1
    assert refused.stderr == "error: bad.csv line 2, amount: cannot be negative\n"
    listed = run("quotas", "--db", str(tiny_path), "download")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0] == "month,amount,team,rep"
    assert listed.stdout.splitlines()[-2:] == [
        "2027-01,20000.00,West,",
        "2027-01,9000.50,,dee@example.com",
    ]
    con = db.connect(tiny_path, read_only=True)
    assert con.execute(
        "SELECT count(*) FROM change_log WHERE kind = 'quotas' AND user_id IS NULL"
    ).fetchone() == (1,)
