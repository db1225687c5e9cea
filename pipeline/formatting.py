"""Amounts as people read them, shared by the app and the messages the write path gives."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


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
