"""Import at scale: a Salesforce-format export (crm_export) imported end to end into a
fresh database file, against DuckDB's raw read_csv of the same files."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench import crm_export
from pipeline import db
from pipeline.imports import importer


@dataclass
class ImportResult:
    rows: int
    history_rows: int
    seconds: float
    raw_read_seconds: float
    steps: list[tuple[str, float]]  # progress step -> seconds since start
    summary: str

    @property
    def ratio(self) -> float:
        return self.seconds / self.raw_read_seconds


def raw_read(paths: list[Path]) -> tuple[float, int]:
    """Seconds for DuckDB to read the files into a table (every column as it sniffs
    it), and the history file's rows."""
    con = duckdb.connect()
    try:
        started = time.perf_counter()
        counts = []
        for path in paths:
            counts.append(
                con.execute(
                    "CREATE OR REPLACE TABLE raw AS SELECT * FROM read_csv($path)",
                    {"path": str(path)},
                ).fetchone()[0]
            )
        return time.perf_counter() - started, counts[1]
    finally:
        con.close()


def measure(folder: Path, rows: int) -> ImportResult:
    paths = crm_export.write(folder / f"export_{rows}", rows)
    target = folder / f"import_{rows}.duckdb"
    for leftover in (target, Path(str(target) + ".wal")):
        leftover.unlink(missing_ok=True)
    raw_seconds, history_rows = raw_read(paths)
    con = db.connect(target)
    steps = []
    try:
        started = time.perf_counter()
        report = importer.run(
            con,
            importer.Request("salesforce", paths),
            progress=lambda share, text: steps.append((text, time.perf_counter() - started)),
        )
        seconds = time.perf_counter() - started
    finally:
        con.close()
        target.unlink(missing_ok=True)
        Path(str(target) + ".wal").unlink(missing_ok=True)
    if not report.ok or report.added != rows:
        raise RuntimeError(f"the benchmark export did not import cleanly: {report.problems[:3]}")
    return ImportResult(rows, history_rows, seconds, raw_seconds, steps, report.summary())
