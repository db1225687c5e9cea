"""Data health: counts of what may need fixing, what the recent imports did, and what a
database holds."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from pipeline import query

CHECKS = {
    "without_active_owner": "Deals whose owner is Unassigned or no longer active",
    "without_amount": "Deals without an amount",
    "open_without_close_date": "Open deals without a close date",
    "closed_without_close_date": "Closed deals without a close date",
    "closing_before_creation": "Deals closing before they were created",
    "duplicate_names": "Deals with the same name and account as another",
    "without_account": "Deals without an account",
    "missing_from_import": "Open deals an import no longer held (close or keep them)",
}


def report(con: duckdb.DuckDBPyConnection) -> dict:
    """{'deals', 'open_deals', 'checks': [(label, count)], 'imports': DataFrame}."""
    counts = query.row(con, "health/data_health")
    imports = query.frame(con, "health/recent_imports", limit=20)
    imports["notes"] = imports["notes"].map(lambda text: " ".join(json.loads(text or "[]")))
    return {
        "deals": int(counts["deals"]),
        "open_deals": int(counts["open_deals"]),
        "checks": pd.DataFrame(
            [(label, int(counts[key])) for key, label in CHECKS.items()],
            columns=["check", "deals"],
        ),
        "imports": imports,
    }


def other_currencies(con: duckdb.DuckDBPyConnection, currency: str) -> list[tuple[str, int]]:
    """(currency, deals) for every currency other than ``currency`` that deals hold:
    figures add amounts as they are, without converting, so pages say so."""
    rows = query.rows(con, "health/deals_by_currency")
    return [(row["currency"], row["deals"]) for row in rows if row["currency"] != currency]


def data_span(con: duckdb.DuckDBPyConnection) -> dict:
    """The first and last day with deal activity, and how many deals there are."""
    return query.row(con, "reference/data_span")


def row_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """How many rows each table holds."""
    return [
        (item["table_name"], item["row_count"]) for item in query.rows(con, "reference/row_counts")
    ]
