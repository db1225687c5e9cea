"""Turning numbers into the text a user reads. Amounts keep their cents."""

from __future__ import annotations

from pipeline.formatting import (  # noqa: F401  (re-exported)
    SYMBOLS,
    is_missing,
    money,
    money_short,
)

COLUMN_FORMATS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}
MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|$~"


def percent(value, digits: int = 1) -> str:
    return "—" if is_missing(value) else f"{value * 100:.{digits}f}%"


def multiple(value) -> str:
    return "—" if is_missing(value) else f"{value:.2f}x"


def markdown_text(text: str) -> str:
    """User or figure text made safe to place inside Markdown: every special character,
    '$' included (Streamlit would start LaTeX on it), is escaped."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in str(text))


def money_column_format(currency: str) -> str:
    return COLUMN_FORMATS.get(currency, f"{currency} %,.2f")
