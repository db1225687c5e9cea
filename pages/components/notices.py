"""Notices a figure page shows above its figures when they need one."""

from __future__ import annotations

import streamlit as st

from pages.components import data
from pages.components.format import markdown_text
from pipeline import health


def other_currencies(currency: str) -> None:
    """Deals in other currencies are added at face value: say so, every time."""
    others = data.run(health.other_currencies, currency=currency)
    if others:
        listed = ", ".join(f"{count:,} in {markdown_text(code)}" for code, count in others)
        st.warning(
            f"Some deals are not in {currency} ({listed}). The figures add their amounts "
            f"as they are, without converting them to {currency}.",
            icon=":material/currency_exchange:",
        )
