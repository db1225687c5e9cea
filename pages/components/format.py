"""Turning numbers into the text a user reads. Amounts keep their cents."""

from __future__ import annotations

from pipeline.formatting import (  # noqa: F401  (re-exported)
    SYMBOLS,
    is_missing,
    markdown_text,
    money,
    money_short,
    multiple,
    percent,
)

COLUMN_FORMATS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}


def money_column_format(currency: str) -> str:
    return COLUMN_FORMATS.get(currency, f"{currency} %,.2f")
