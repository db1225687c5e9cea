"""Turning numbers into the text a user reads. Amounts keep their cents."""

from __future__ import annotations

import re

from pipeline.formatting import (  # noqa: F401  (re-exported)
    SYMBOLS,
    is_missing,
    money,
    money_short,
)

COLUMN_FORMATS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}
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


def money_column_format(currency: str) -> str:
    return COLUMN_FORMATS.get(currency, f"{currency} %,.2f")
