"""Tables as downloadable files (CSV, Excel) and the whole database as a backup.

A cell that starts with = + - @ (or a tab or carriage return) would be run as a
formula by a spreadsheet; such text cells get a leading apostrophe, which spreadsheets
show as text. So do the disguised forms: the same characters behind leading blanks or
invisible characters, and their Unicode look-alikes (full-width ＝, the minus sign −,
…), which some spreadsheets fold into the plain ones. Numbers are left as they are (a
negative amount is a number, not text).
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline import db, permissions
from pipeline.users import User

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Look-alikes of the trigger characters that NFKC does not fold into them.
LOOK_ALIKES = {"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-"}
# Every table of the data model, in dependency order; constant statements only.
TABLES = {
    # Secrets (db.SECRET_SETTINGS: the cookie-signing key) stay in the database: with
    # the key anyone could sign a session cookie for any e-mail.
    "settings": "SELECT * FROM settings WHERE NOT list_contains($secrets, key) ORDER BY key",
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
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: its first visible
    character, after any blanks or invisible characters, is a trigger or a look-alike
    of one."""
    if text.startswith(FORMULA_STARTS):
        return True
    visible = next((ch for ch in text if not is_blank_or_invisible(ch)), "")
    folded = unicodedata.normalize("NFKC", LOOK_ALIKES.get(visible, visible))
    return folded.startswith(FORMULA_STARTS[:4])


def is_blank_or_invisible(ch: str) -> bool:
    """Spaces of every kind, control characters and format characters (zero-width
    space, byte-order mark, direction marks)."""
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


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
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        excel_ready(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()


def excel_ready(frame: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """A formula-safe copy Excel can hold: decimals as numbers (Excel has no decimal
    type; cents survive as floats), times without a time zone."""
    safe = safe_frame(frame)
    for column in safe.columns:
        if safe[column].map(lambda v: isinstance(v, Decimal)).any():
            safe[column] = safe[column].map(lambda v: float(v) if isinstance(v, Decimal) else v)
        if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
            safe[column] = safe[column].dt.tz_localize(None)
    return safe


def backup(con: duckdb.DuckDBPyConnection, actor: User | None) -> bytes:
    """Every table as CSV in one zip (passwords and secrets excluded), for an admin;
    ``actor`` None is the command line."""
    if actor is not None:
        permissions.require(
            permissions.manages_data(actor), "Only an admin can export the whole database."
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, sql in TABLES.items():
            params = {"secrets": list(db.SECRET_SETTINGS)} if "$secrets" in sql else {}
            frame = con.execute(sql, params).df()
            archive.writestr(f"{name}.csv", to_csv(frame))
    return buffer.getvalue()
