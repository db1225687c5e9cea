"""Amounts as people read them, shared by the app and the messages the write path gives."""

from __future__ import annotations

import math
import re
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


SHORT_FROM = Decimal(10_000_000)  # below it a tile shows every unit
SHORT_UNITS = ((Decimal(1_000_000_000), "B"), (Decimal(1_000_000), "M"))


def money_short(
    value, currency: str = "USD", *, signed: bool = False, short_from: Decimal = SHORT_FROM
) -> str:
    """An amount for a tile, where a long figure would be cut off: whole units below
    ``short_from`` (ten million: '$9,876,543'), then millions or billions to two
    decimals, rounded half up ('$333.76M', '-$1.20B'); '—' when there is no value. The
    exact amount goes in the tile's help."""
    if is_missing(value):
        return "—"
    amount = Decimal(value)
    if abs(amount) < short_from:
        return money(amount, currency, signed=signed, whole=True)
    size, unit = next(
        ((size, unit) for size, unit in SHORT_UNITS if abs(amount) >= size), SHORT_UNITS[-1]
    )
    scaled = (amount / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    symbol = SYMBOLS.get(currency, currency + " ")
    sign = "-" if scaled < 0 else ("+" if signed and scaled > 0 else "")
    return f"{sign}{symbol}{abs(scaled):,.2f}{unit}"


# Every character that can start markup, escaped: emphasis, code, links, images, HTML
# and entities, headings, lists, tables, block quotes, Streamlit's :colour[...] and
# :emoji: short codes (and so autolinks, whose "://" needs the colon), LaTeX after '$'.
# Other punctuation is left alone: a widget's label is also its accessible name, where
# a screen reader would read out every backslash.
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()<>#+-.!|$~:&=^")


def percent(value, digits: int = 1) -> str:
    return "—" if is_missing(value) else f"{value * 100:.{digits}f}%"


def multiple(value) -> str:
    return "—" if is_missing(value) else f"{value:.2f}x"


# Streamlit also turns bare addresses into links after parsing (GitHub's "autolink
# literals": https://…, www.…, name@host), which no escape prevents; an invisible word
# joiner after the scheme's colon, "www" and "@" breaks the pattern and changes
# nothing a reader sees.
WORD_JOINER = "\u2060"
AUTOLINK_STARTS = re.compile(r"(?i)(:(?=//)|\bwww(?=\.)|@)")


def markdown_text(text) -> str:
    """User, imported or figure text made safe to place inside Markdown (st.markdown,
    captions, headers, alerts, metric and widget labels, help texts, toasts): shown as
    the very characters it holds, never as markup or a link. The one escaping helper:
    every text that did not come from this code goes through it into Markdown."""
    unlinked = AUTOLINK_STARTS.sub(lambda match: match.group(1) + WORD_JOINER, str(text))
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in unlinked)
