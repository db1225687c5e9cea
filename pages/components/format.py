"""Turning numbers into the text a user reads. Amounts keep their cents."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
COLUMN_FORMATS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}
MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|$~"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value, currency: str = "USD", *, signed: bool = False, whole: bool = False) -> str:
    """'$1,234.50'; '-$20.00'; '+$5.00' when signed; '$1,235' when whole (rounded half
    up); '—' when there is no value."""
    if is_missing(value):
        return "—"
    step = Decimal(1) if whole else Decimal("0.01")
    amount = Decimal(value).quantize(step, rounding=ROUND_HALF_UP)
    symbol = SYMBOLS.get(currency, currency + " ")
    sign = "-" if amount < 0 else ("+" if signed and amount > 0 else "")
    return f"{sign}{symbol}{abs(amount):,}" if whole else f"{sign}{symbol}{abs(amount):,.2f}"


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
