"""The attainment tables as pages show them: figures' Arrow tables in, display tables
(plain floats, words for headers, a team's place in the tree) out."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

from pages.components.format import money, money_column_format

FIGURES = ["won", "won_deals", "quota", "attainment", "pace", "vs_pace", "gap"]
TEAM_EXPORT = ["team", "depth", "reps", *FIGURES, "quota_months", "period_months"]
REP_EXPORT = ["rep", "team", *FIGURES, "quota_months", "period_months"]
INDENT = "\u2003"  # an em space: leading plain spaces are dropped when a cell is drawn


def attainment_columns(currency: str, first: str) -> dict:
    money = money_column_format(currency)
    return {
        first: st.column_config.TextColumn(first, pinned=True),
        "Won": st.column_config.NumberColumn("Won", format=money),
        "Deals won": st.column_config.NumberColumn("Deals won"),
        "Quota": st.column_config.NumberColumn("Quota", format=money),
        "Attainment": st.column_config.ProgressColumn(
            "Attainment", format="percent", min_value=0.0, max_value=1.0
        ),
        "Pace": st.column_config.NumberColumn("Pace", format=money),
        "Vs pace": st.column_config.NumberColumn("Vs pace", format=money),
        "Gap": st.column_config.NumberColumn("Gap", format=money),
        "Plan": st.column_config.TextColumn(
            "Plan", help="Set when the quota plan covers only some months of the period"
        ),
    }


def figure_columns(table: pa.Table) -> dict:
    """The figure columns of an attainment table, as floats, headed in words."""
    frame = table.to_pandas()
    as_float = {
        name: pd.to_numeric(frame[name], errors="coerce").astype("float64")
        for name in ("won", "quota", "pace", "vs_pace", "gap")
    }
    plan = [
        f"{int(got)} of {int(months)} months" if quota is not None and got < months else ""
        for got, months, quota in zip(
            frame["quota_months"], frame["period_months"].fillna(0), frame["quota"], strict=True
        )
    ]
    return {
        "Won": as_float["won"],
        "Deals won": frame["won_deals"].astype("int64"),
        "Quota": as_float["quota"],
        "Attainment": frame["attainment"].astype("float64"),
        "Pace": as_float["pace"],
        "Vs pace": as_float["vs_pace"],
        "Gap": as_float["gap"],
        "Plan": plan,
    }


def money_format(currency: str) -> str:
    return money_column_format(currency)


def money_text(values, currency: str) -> list[str]:
    """Amounts as text ('$1,234.56'), blank where there is none: for sparse columns, where
    a number column would print None in every empty cell."""
    return ["" if v is None or pd.isna(v) else money(v, currency) for v in values]


def indented(names, depths) -> list[str]:
    """Team names as a tree shows them: each indented under the one above it."""
    return [
        INDENT * 2 * int(depth) + ("└ " if depth else "") + str(name)
        for name, depth in zip(names, depths, strict=True)
    ]


def team_rows(table: pa.Table) -> pd.DataFrame:
    """attainment.by_team for display: each team indented under the one above it."""
    frame = table.to_pandas()
    names = indented(frame["team"], frame["depth"])
    return pd.DataFrame({"Team": names, "Reps": frame["reps"], **figure_columns(table)})


def rep_rows(table: pa.Table) -> pd.DataFrame:
    """attainment.by_rep for display."""
    frame = table.to_pandas()
    return pd.DataFrame(
        {"Rep": frame["rep"], "Team": frame["team"].fillna(""), **figure_columns(table)}
    )
