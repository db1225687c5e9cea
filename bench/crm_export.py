"""A Salesforce-format export of any size, for the import benchmark and the kill test.

Opportunity.csv has one row per deal in Salesforce's column names and US date forms;
OpportunityHistory.csv has two to four stage snapshots per deal. Deterministic: the
same size gives the same files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

OPPORTUNITIES = """
WITH deals AS (
    SELECT
        i,
        hash(i) AS h,
        DATE '2024-01-01' + CAST(i % 1000 AS INTEGER) AS created,
        (hash(i) % 3) AS fate  -- 0 open, 1 won, 2 lost
    FROM range(getvariable('export_rows')) AS t(i)
)
SELECT
    printf('006%012d', i) AS "Id",
    printf('Deal %d', i) AS "Name",
    printf('001%08d', i % 20000) AS "AccountId",
    printf('005%06d', i % 4000) AS "OwnerId",
    CASE fate WHEN 1 THEN 'Closed Won' WHEN 2 THEN 'Closed Lost'
         ELSE ['Prospecting', 'Qualification', 'Needs Analysis', 'Proposal/Price Quote',
               'Negotiation/Review'][1 + CAST(h % 5 AS INTEGER)] END AS "StageName",
    printf('%d.%02d', 1000 + h % 250000, h % 100) AS "Amount",
    CASE fate WHEN 1 THEN 100 WHEN 2 THEN 0 ELSE [10, 10, 20, 75, 90][1 + CAST(h % 5 AS INTEGER)]
    END AS "Probability",
    strftime(created + 30 + CAST(h % 200 AS INTEGER), '%m/%d/%Y') AS "CloseDate",
    CASE WHEN fate = 0 THEN 'false' ELSE 'true' END AS "IsClosed",
    CASE WHEN fate = 1 THEN 'true' ELSE 'false' END AS "IsWon",
    strftime(created, '%m/%d/%Y') AS "CreatedDate",
    strftime(created + 30 + CAST(h % 200 AS INTEGER), '%m/%d/%Y %I:%M %p') AS "LastModifiedDate",
    ['New Customer', 'Existing Customer - Upgrade', 'Renewal'][1 + CAST(h % 3 AS INTEGER)]
        AS "Type",
    ['Web', 'Partner', 'Trade Show', 'Phone Inquiry'][1 + CAST(h % 4 AS INTEGER)]
        AS "LeadSource"
FROM deals
ORDER BY i
"""

HISTORY = """
WITH deals AS (
    SELECT i, hash(i) AS h, DATE '2024-01-01' + CAST(i % 1000 AS INTEGER) AS created,
        (hash(i) % 3) AS fate
    FROM range(getvariable('export_rows')) AS t(i)
),
steps AS (
    SELECT deals.*, step
    FROM deals, range(1 + CAST(h % 3 AS INTEGER)) AS s(step)
)
SELECT
    printf('006%012d', i) AS "OpportunityId",
    strftime(created + CAST(step * 10 AS INTEGER), '%m/%d/%Y %I:%M %p') AS "CreatedDate",
    ['Prospecting', 'Qualification', 'Needs Analysis'][1 + CAST(step AS INTEGER)]
        AS "StageName",
    printf('%d.%02d', 1000 + h % 250000, h % 100) AS "Amount",
    strftime(created + 60, '%m/%d/%Y') AS "CloseDate",
    [10, 10, 20][1 + CAST(step AS INTEGER)] AS "Probability",
    'Pipeline' AS "ForecastCategory"
FROM steps
ORDER BY i, step
"""


def write(folder: Path, rows: int) -> list[Path]:
    """Write Opportunity.csv and OpportunityHistory.csv for ``rows`` deals into
    ``folder`` (reused when already there) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "Opportunity.csv", folder / "OpportunityHistory.csv"]
    marker = folder / f".rows-{rows}"
    if marker.exists() and all(path.exists() for path in paths):
        return paths
    con = duckdb.connect()
    try:
        for sql, path in zip((OPPORTUNITIES, HISTORY), paths, strict=True):
            con.execute("SET VARIABLE export_rows = $rows", {"rows": rows})
            con.sql(sql).write_csv(str(path))
    finally:
        con.close()
    for old in folder.glob(".rows-*"):
        old.unlink()
    marker.touch()
    return paths
