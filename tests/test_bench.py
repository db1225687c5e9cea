"""The benchmark still runs end to end (tiny scale). It asserts what the benchmark
checks and what the report contains, never a time: timings are not tests."""

from __future__ import annotations

import os

import pytest

from bench.__main__ import main
from tests.conftest import POSTGRES_SERVER

pytestmark = pytest.mark.timeout(600)


def test_the_benchmark_runs_and_writes_its_report(tmp_path, monkeypatch, store):
    monkeypatch.chdir(tmp_path)  # the report and databases land here, not in the repo
    report = tmp_path / "benchmark.md"
    # On --store postgres, the PostgreSQL part too (pages, a save seen from another
    # replica, load over 1, 2 and 4 replicas behind HAProxy).
    postgres = ["--postgres", os.environ[POSTGRES_SERVER]] if store == "postgres" else []
    code = main(
        [
            "--deals", "1500", "--load-deals", "800", "--import-rows", "2000",
            "--runs", "2", "--sessions", "1,2", "--seconds", "1",
            "--folder", str(tmp_path / "data"), "--report", str(report), *postgres,
        ]
    )  # fmt: skip
    # The run itself raises if the pandas peer disagrees with any figure of ours, if
    # a saved deal does not show on both pages, or if a page raises.
    assert code == 0
    text = report.read_text(encoding="utf-8")
    headings = (
        "## Pages",
        "## Against a pandas peer",
        "## Write path",
        "## Import",
        "## Server load",
    )
    for heading in headings:
        assert heading in text
    assert "Database: 1,500 deals" in text
    assert "| Overview | executive, whole company |" in text
    assert "| My deals | admin, every open deal |" in text
    assert "| Data & settings | admin, Import tab (it opens on) |" in text
    assert "| Data & settings | admin, Data health tab |" in text
    assert "| Pipeline & forecast | executive, whole company, this quarter |" in text
    assert "| Pipeline review | executive, whole company, last 7 days |" in text
    assert "| Activities & health | executive, whole company, Health tab |" in text
    assert "Pipeline review's meeting, Next to the following agenda deal" in text
    assert "| Pipeline review rerun |" in text
    assert "| **visible everywhere** |" in text
    # The import step raises unless all 2,000 deals of the export were added.
    assert "A Salesforce-format export of 2,000 opportunities" in text
    pages = ("Overview", "My deals", "Data & settings", "Pipeline & forecast", "Pipeline review",
             "Activities & health")  # fmt: skip
    for page in (*pages, "Empty page"):
        for sessions in (1, 2):
            assert f"| {page} | {sessions} |" in text
    if postgres:
        assert "## On PostgreSQL" in text
        assert "| Overview | executive, whole company |" in text.split("## On PostgreSQL")[1]
        for server in ("file store, 1 server", "1 replica", "2 replicas", "4 replicas"):
            assert f"| {server} | 2 |" in text
