"""Reading an exported file into a temporary table, whatever its encoding, delimiter or
format (CSV, TSV, Excel), or refusing it with a message that names the problem.

The file's columns are read as text, named c0, c1, ... in the temporary table
``import_file`` (so no column name from a file is ever written into SQL), and the
file's own header names are returned beside it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
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
    """A file that cannot be read as a table; the message names the file and why.
    ``headers``: the header line's names, when it had one (a caller can tell a broken
    table from a file that is no table at all)."""

    def __init__(self, message: str, headers: list[str] | None = None):
        super().__init__(message)
        self.headers = headers


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
    encoding, mixed = detect_encoding(path, head, name)
    with as_utf8(path, encoding, mixed) as readable:
        return read_csv(con, readable, name, encoding)


def detect_encoding(path: Path, head: bytes, name: str) -> tuple[str, bool]:
    """The file's encoding, UTF-8 (with or without BOM), UTF-16 with a BOM, else
    Windows-1252, and whether its lines end in more than one way (CRLF and LF, as an
    export edited on two systems has). A file with NUL bytes and no UTF-16 BOM is not
    text."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, True  # copied anyway; the copy makes every line end alike
    if b"\x00" in head:
        raise FileProblem(f"{name}: not a text table (it holds binary data)")
    decoder = codecs.getincrementaldecoder("utf-8")()
    endings = {"crlf": 0, "lf": 0, "cr": 0}
    carry = b""  # a CR ending a chunk: the next chunk may start with its LF
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
                data, carry = carry + chunk, b""
                if data.endswith(b"\r"):
                    data, carry = data[:-1], b"\r"
                count_line_ends(data, endings)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "windows-1252", True
    count_line_ends(carry, endings)
    return "utf-8", sum(1 for count in endings.values() if count) > 1


def count_line_ends(data: bytes, endings: dict) -> None:
    crlf = data.count(b"\r\n")
    endings["crlf"] += crlf
    endings["lf"] += data.count(b"\n") - crlf
    endings["cr"] += data.count(b"\r") - crlf


@contextlib.contextmanager
def as_utf8(path: Path, encoding: str, mixed_line_ends: bool):
    """The file itself when it is UTF-8 with one kind of line end, else a UTF-8 copy
    whose lines all end in LF (streamed, removed after)."""
    if encoding == "utf-8" and not mixed_line_ends:
        yield path
        return
    handle, copy = tempfile.mkstemp(suffix=".csv")
    try:
        # Windows-1252 leaves five bytes undefined; any such byte becomes U+FFFD.
        # Reading with universal newlines turns CRLF and a lone CR into LF.
        with (
            path.open("r", encoding=encoding, errors="replace", newline=None) as source,
            os.fdopen(handle, "w", encoding="utf-8", newline="\n") as target,
        ):
            while text := source.read(CHUNK):
                target.write(text)
        yield Path(copy)
    finally:
        Path(copy).unlink(missing_ok=True)


DELIMITERS = (",", ";", "\t", "|")
_OPEN_QUOTE = re.compile(r"CSV Error on Line: (\d+).*?unterminated quote", re.S)
_BAD_ROW = re.compile(
    r"CSV Error on Line: (\d+).*?Expected Number of Columns: (\d+) Found: (\d+)", re.S
)


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, name: str, encoding: str) -> TableFile:
    """A UTF-8 text table: the header line names the columns and shows the delimiter
    (whichever of , ; tab | splits it into the most fields); every later line must have
    as many fields, or the message names the first line that has not."""
    headers, delimiter = header_of(path, name)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE import_file AS "
            "SELECT * FROM read_csv($path, header = false, skip = 1, auto_detect = false, "
            "delim = $delimiter, quote = '\"', escape = '\"', columns = $columns)",
            {
                "path": str(path),
                "delimiter": delimiter,
                "columns": dict.fromkeys(positional(len(headers)), "VARCHAR"),
            },
        )
    except duckdb.Error as exc:
        raise FileProblem(f"{name}: {explain_csv_error(exc, len(headers))}", headers) from None
    return finish(con, name, headers, encoding, delimiter)


def header_of(path: Path, name: str) -> tuple[list[str], str]:
    """The header line's column names (repeated or blank ones made unique) and the
    delimiter that splits it."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        line = handle.readline().rstrip("\r\n")
    if not line.strip():
        raise FileProblem(f"{name}: the first line (the header) is empty")
    split = {d: next(csv.reader([line], delimiter=d)) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: len(split[d]))  # ties: the earlier one
    names, seen = [], {}
    for index, raw in enumerate(split[delimiter], start=1):
        base = raw.strip() or f"Column {index}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return names, delimiter


def explain_csv_error(exc: Exception, columns: int) -> str:
    """DuckDB's error on a line with too many or too few fields, in words."""
    found = _BAD_ROW.search(str(exc))
    if found:
        line, expected, got = (int(n) for n in found.groups())
        return (
            f"line {line} has {got} fields where the header has {expected} (a missing or "
            "extra delimiter, or a quote left open); fix that line and import again"
        )
    open_quote = _OPEN_QUOTE.search(str(exc))
    if open_quote:
        return (
            f'line {open_quote.group(1)} opens a quote (") that no later line closes; '
            "fix that line and import again"
        )
    return f"not a readable table ({str(exc).strip().splitlines()[0]})"


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
