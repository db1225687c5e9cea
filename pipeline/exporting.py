"""Tables as downloadable files (CSV, Excel) and the whole database as a backup.

A cell that starts with = + - @ (or a tab or carriage return) would be run as a
formula by a spreadsheet; such text cells get a leading apostrophe, which spreadsheets
show as text. Numbers are left as they are (a negative amount is a number, not text).
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Every table of the data model, in dependency order; constant statements only.
TABLES = {
    "settings": "SELECT * FROM settings ORDER BY key",
    "teams": "SELECT * FROM teams ORDER BY id",
    "users": "SELECT * EXCLUDE (password_hash) FROM users ORDER BY id",
    "stages": "SELECT * FROM stages ORDER BY pipeline, position",
    "accounts": "SELECT * FROM accounts ORDER BY id",
    "deals": "SELECT * FROM deals ORDER BY id",
    "deal_history": "SELECT * FROM deal_history ORDER BY deal_id, version",
    "activities": "SELECT * FROM activities ORDER BY id",
    "quotas": "SELECT * FROM quotas ORDER BY month, user_id, team_id",
    "forecast_calls": "SELECT * FROM forecast_calls ORDER BY id",
    "reviews": "SELECT * FROM reviews ORDER BY id",
    "review_items": "SELECT * FROM review_items ORDER BY id",
    "imports": "SELECT * FROM imports ORDER BY id",
    "missing_deals": "SELECT * FROM missing_deals ORDER BY deal_id",
    "change_log": "SELECT * FROM change_log ORDER BY id",
}
# Tables the backup leaves out: narrow copies of the deals table's rows and the latest
# version's start, all derived from deals and history.
DERIVED = {"won_deals", "open_deals", "history_clock"}


def neutralise(value):
    """Text a spreadsheet would run as a formula, made inert; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """A copy whose text cells are neutralised and whose Decimals are plain numbers
    (kept exact in CSV as their text). An Arrow table's decimals become exact Decimals."""
    safe = frame.to_pandas() if isinstance(frame, pa.Table) else frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe


def to_csv(frame: pd.DataFrame | pa.Table) -> bytes:
    """UTF-8 with a BOM, so Excel opens accents correctly."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel(frame: pd.DataFrame | pa.Table, sheet: str = "Sheet1") -> bytes:
    safe = safe_frame(frame)
    for column in safe.columns:  # Excel has no decimal type; cents survive as floats
        if safe[column].map(lambda v: isinstance(v, Decimal)).any():
            safe[column] = safe[column].map(lambda v: float(v) if isinstance(v, Decimal) else v)
        if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            safe[column] = safe[column].dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def backup(con: duckdb.DuckDBPyConnection) -> bytes:
    """Every table as CSV in one zip (passwords excluded)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, sql in TABLES.items():
            frame = con.execute(sql).df()
            archive.writestr(f"{name}.csv", to_csv(frame))
    return buffer.getvalue()
