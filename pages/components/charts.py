"""Chart builders: DataFrame or figures in, plotly Figure out. No Streamlit here.

Each figure is built in one go from plain data and layout dicts: plotly validates the
whole spec once, where add_*/update_* calls re-validate the figure on every call (the
forecast chart took ~20 ms per run that way, most of it in add_vline).
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

WON = "#2563eb"
QUOTA = "#f59e0b"
PACE = "#6b7280"
CATEGORY_COLOURS = {"Closed": "#15803d", "Commit": "#2563eb", "Best Case": "#93c5fd"}


class Figure(go.Figure):
    """A plotly figure that is finished once built: the pages draw each one once per data
    version and only show it after that. st.plotly_chart asks for its dict form on every
    run, which plotly makes by deep-copying the whole figure; here it is made once."""

    def __init__(self, spec: dict):
        super().__init__(spec)
        self._shown_dict = None

    def to_dict(self) -> dict:
        if self._shown_dict is None:
            self._shown_dict = super().to_dict()
        return self._shown_dict


def base_layout(height: int, **extra) -> dict:
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": {"orientation": "h", "y": 1.12, "x": 0},
        "hovermode": "x unified",
        **extra,
    }


def won_against_quota(frame: pd.DataFrame, cumulative: bool, symbol: str) -> Figure:
    """Won revenue per month (bars) against quota (line); running totals when cumulative."""
    won = frame["cumulative_won" if cumulative else "won"].astype(float)
    quota = frame["cumulative_quota" if cumulative else "quota"].astype(float)
    months = list(pd.to_datetime(frame["month"]).dt.strftime("%b %Y"))
    won = won.where(frame["elapsed"])  # no bars for months that have not started
    money = symbol + "%{y:,.2f}"
    bars = {"type": "bar", "x": months, "y": list(won), "name": "Won"}
    line = {"type": "scatter", "x": months, "y": list(quota), "name": "Quota"}
    return Figure(
        {
            "data": [
                {**bars, "marker": {"color": WON}, "hovertemplate": money},
                {
                    **line,
                    "mode": "lines+markers",
                    "line": {"color": QUOTA, "width": 3},
                    "hovertemplate": money,
                },
            ],
            "layout": base_layout(
                320, yaxis={"tickprefix": symbol, "tickformat": "~s", "rangemode": "nonnegative"}
            ),
        }
    )


def label(text) -> str:
    """Text from people or imported files as a chart label: plotly reads a little HTML in
    labels (<b>, <a href>), so the characters that start it are escaped."""
    return html.escape(str(text), quote=False)


def forecast_bullet(forecast: dict, symbol: str) -> Figure:
    """The quarter's forecast roll-ups as stacked bars, with the quota and pace as
    vertical lines named in the legend (labels on the plot overprinted each other when
    pace came close to quota, at a quarter's end)."""
    bars = [
        {
            "type": "bar",
            "y": [0],
            "x": [float(value)],
            "width": [0.6],
            "name": name,
            "orientation": "h",
            "marker": {"color": CATEGORY_COLOURS[name]},
            "hovertemplate": f"{name}: {symbol}%{{x:,.2f}}<extra></extra>",
        }
        for name, value in (
            ("Closed", forecast["closed"]),
            ("Commit", forecast["commit"]),
            ("Best Case", forecast["best_case"]),
        )
    ]
    lines = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [float(value), float(value)],
            "y": [-0.45, 0.45],
            "name": f"{name} {symbol}{float(value):,.0f}",
            "line": {"color": colour, "width": 3, "dash": dash},
            "hovertemplate": f"{name}: {symbol}%{{x:,.2f}}<extra></extra>",
        }
        for name, value, colour, dash in (
            ("Quota", forecast["quota"], QUOTA, "solid"),
            ("Pace", forecast["pace"], PACE, "dot"),
        )
        if value is not None
    ]
    return Figure(
        {
            "data": bars + lines,
            "layout": base_layout(
                170,
                barmode="stack",
                hovermode="closest",
                margin={"l": 10, "r": 10, "t": 10, "b": 10},
                legend={"orientation": "h", "y": -0.3, "x": 0, "traceorder": "normal"},
                xaxis={"tickprefix": symbol, "tickformat": "~s", "rangemode": "nonnegative"},
                yaxis={"showticklabels": False, "range": [-0.5, 0.5], "fixedrange": True},
            ),
        }
    )
