"""The benchmark: ``python -m bench``. Not a test: it prints figures and writes
them to a Markdown report, and never fails on time.

What it measures, on a demo database of the requested size (built once, then reused):

- pages.py: every page under Streamlit's AppTest, cold, warm (cached results) and
  right after a write (nothing cached), against the floor (the SQL that page runs,
  replayed directly) plus an empty page (Streamlit's fixed cost);
- peer.py: the same figures from pandas DataFrames held in memory, the way most
  Streamlit dashboards compute them, checked equal to ours;
- writes.py: a deal save until every open page shows it;
- load.py: a real ``streamlit run`` server driven over its websocket by N sessions.

The benchmark drives the app (it imports Streamlit and ``pages``), so it lives beside
``pipeline``, never inside it: ``pipeline`` imports no UI.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_FOLDER = Path("bench-data")  # git-ignored; the databases are reused between runs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deals", type=int, default=1_000_000, help="pages, peer and writes")
    parser.add_argument("--load-deals", type=int, default=100_000, help="server load test")
    parser.add_argument(
        "--import-rows", type=int, default=1_000_000, help="rows of the CRM export imported"
    )
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure")
    parser.add_argument("--sessions", default="1,10,50", help="concurrent sessions, e.g. 1,10,50")
    parser.add_argument("--seconds", type=float, default=10, help="load window per measurement")
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER, help="benchmark databases")
    parser.add_argument("--report", type=Path, default=Path("docs/benchmark.md"))
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also measure on PostgreSQL: a postgresql:// server URL whose user may create "
        "databases (the benchmark copies its databases there once)",
    )
