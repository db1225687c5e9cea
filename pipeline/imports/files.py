"""Reading an exported file into a temporary table, whatever its encoding, delimiter or
format (CSV, TSV, Excel), or refusing it with a message that names the problem.

The file's columns are read as text, named c0, c1, ... in the temporary table
``import_file`` (so no column name from a file is ever written into SQL), and the
file's own header names are returned beside it.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd

CHUNK = 1 << 20
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ZIP = b"PK\x03\x04"  # .xlsx
_OLE = b"\xd0\xcf\x11\xe0"  # legacy .xls


class FileProblem(ValueError):
    """A file that cannot be read as a table; the message names the file and why."""


@dataclass
class TableFile:
    name: str
    headers: list[str]
    rows: int
    encoding: str
    delimiter: str


def read(con: duckdb.DuckDBPyConnection, path: Path, name: str | None = None) -> TableFile:
    """Load ``path`` into the temporary table import_file (replacing any earlier one)."""
    name = name or path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise FileProblem(f"{name}: cannot be read ({exc.strerror})") from None
    if size == 0:
        raise FileProblem(f"{name}: the file is empty")
    if head.startswith(_ZIP):
        return read_excel(con, path, name)
    if head.startswith(_OLE):
        raise FileProblem(f"{name}: an old-style .xls workbook; save it as .xlsx or CSV")
    encoding = detect_encoding(path, head, name)
    with as_utf8(path, encoding) as readable:
        return read_csv(con, readable, name, encoding)


def detect_encoding(path: Path, head: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252. A file with
    NUL bytes and no UTF-16 BOM is not text."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head:
        raise FileProblem(f"{name}: not a text table (it holds binary data)")
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "windows-1252"
    return "utf-8"


@contextlib.contextmanager
def as_utf8(path: Path, encoding: str):
    """The file itself when it is UTF-8, else a UTF-8 copy (streamed, removed after)."""
    if encoding == "utf-8":
        yield path
        return
    handle, copy = tempfile.mkstemp(suffix=".csv")
    try:
        # Windows-1252 leaves five bytes undefined; any such byte becomes U+FFFD.
        with (
            path.open("r", encoding=encoding, errors="replace", newline="") as source,
            os.fdopen(handle, "w", encoding="utf-8", newline="") as target,
        ):
            while text := source.read(CHUNK):
                target.write(text)
        yield Path(copy)
    finally:
        Path(copy).unlink(missing_ok=True)


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, name: str, encoding: str) -> TableFile:
    try:
        delimiter = con.execute(
            "SELECT Delimiter FROM sniff_csv($path)", {"path": str(path)}
        ).fetchone()[0]
        described = con.execute(
            "DESCRIBE SELECT * FROM read_csv($path, header = true, all_varchar = true, "
            "delim = $delimiter)",
            {"path": str(path), "delimiter": delimiter},
        ).fetchall()
        headers = [row[0] for row in described]
        con.execute(
            "CREATE OR REPLACE TEMP TABLE import_file AS "
            "SELECT * FROM read_csv($path, header = true, all_varchar = true, "
            "delim = $delimiter, names = $names)",
            {"path": str(path), "delimiter": delimiter, "names": positional(len(headers))},
        )
    except duckdb.Error as exc:
        reason = str(exc).strip().splitlines()[0]
        raise FileProblem(f"{name}: not a readable table ({reason})") from None
    return finish(con, name, headers, encoding, delimiter)


def read_excel(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> TableFile:
    """The first sheet of a workbook, every cell as text. A formula the workbook holds
    no calculated value for (saved by a program that does not calculate) would read as
    an empty cell: the file is refused, naming those cells."""
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl")
        uncalculated = formulas_without_values(path)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem(f"{name}: not a readable Excel workbook ({exc})") from None
    if uncalculated:
        shown = "; ".join(
            f"sheet {sheet!r}, row {row}, column {column}: {formula}"
            for sheet, row, column, formula in uncalculated[:10]
        )
        more = f" (and {len(uncalculated) - 10:,} more)" if len(uncalculated) > 10 else ""
        raise FileProblem(
            f"{name}: {len(uncalculated):,} cells hold formulas without a calculated value "
            f"({shown}{more}). Open the file in Excel (or another spreadsheet that "
            "calculates), save it, and import it again."
        )
    headers = [str(column) for column in frame.columns]
    frame.columns = positional(len(headers))
    con.register("import_excel", frame)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE import_file AS SELECT * FROM import_excel")
    finally:
        con.unregister("import_excel")
    return finish(con, name, headers, "xlsx", "")


def formulas_without_values(path: Path) -> list[tuple[str, int, str, str]]:
    """(sheet, row, column letter, formula) of every formula cell of the first sheet that
    has no calculated value stored beside it."""
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet, cached = formulas.worksheets[0], values.worksheets[0]
        found = []
        for row, stored in zip(sheet.iter_rows(), cached.iter_rows(), strict=False):
            for cell, value in zip(row, stored, strict=False):
                if cell.data_type == "f" and value.value is None:
                    found.append((sheet.title, cell.row, cell.column_letter, str(cell.value)))
        return found
    finally:
        formulas.close()
        values.close()


def finish(
    con: duckdb.DuckDBPyConnection, name: str, headers: list[str], encoding: str, delimiter: str
) -> TableFile:
    rows = con.execute("SELECT count(*) FROM import_file").fetchone()[0]
    if rows == 0:
        raise FileProblem(f"{name}: has a header line but no rows")
    return TableFile(name, headers, rows, encoding, delimiter)


def positional(count: int) -> list[str]:
    return [f"c{index}" for index in range(count)]
