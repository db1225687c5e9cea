"""Chart builders: DataFrame or figures in, plotly Figure out. No Streamlit here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

WON = "#2563eb"
QUOTA = "#f59e0b"
PACE = "#6b7280"
CATEGORY_COLOURS = {"Closed": "#15803d", "Commit": "#2563eb", "Best Case": "#93c5fd"}


def layout(figure: go.Figure, height: int = 320) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12, "x": 0},
        hovermode="x unified",
    )
    return figure


def won_against_quota(frame: pd.DataFrame, cumulative: bool, symbol: str) -> go.Figure:
    """Won revenue per month (bars) against quota (line); running totals when cumulative."""
    won = frame["cumulative_won" if cumulative else "won"].astype(float)
    quota = frame["cumulative_quota" if cumulative else "quota"].astype(float)
    months = pd.to_datetime(frame["month"]).dt.strftime("%b %Y")
    won = won.where(frame["elapsed"])  # no bars for months that have not started
    figure = go.Figure()
    figure.add_bar(
        x=months, y=won, name="Won", marker_color=WON, hovertemplate=symbol + "%{y:,.2f}"
    )
    figure.add_scatter(
        x=months,
        y=quota,
        name="Quota",
        mode="lines+markers",
        line={"color": QUOTA, "width": 3},
        hovertemplate=symbol + "%{y:,.2f}",
    )
    figure.update_yaxes(tickprefix=symbol, tickformat="~s")
    return layout(figure)


def forecast_bullet(forecast: dict, symbol: str) -> go.Figure:
    """The quarter's forecast roll-ups as stacked bars against quota and pace lines."""
    figure = go.Figure()
    parts = [
        ("Closed", forecast["closed"]),
        ("Commit", forecast["commit"]),
        ("Best Case", forecast["best_case"]),
    ]
    for name, value in parts:
        figure.add_bar(
            y=["Forecast"],
            x=[float(value)],
            name=name,
            orientation="h",
            marker_color=CATEGORY_COLOURS[name],
            hovertemplate=f"{name}: {symbol}%{{x:,.2f}}",
        )
    figure.update_layout(barmode="stack", hovermode="closest")
    for name, value, colour, dash in (
        ("Quota", forecast["quota"], QUOTA, "solid"),
        ("Pace", forecast["pace"], PACE, "dot"),
    ):
        if value is not None:
            figure.add_vline(
                x=float(value),
                line={"color": colour, "width": 3, "dash": dash},
                annotation_text=name,
                annotation_position="top",
            )
    figure.update_xaxes(tickprefix=symbol, tickformat="~s")
    figure.update_yaxes(showticklabels=False)
    layout(figure, height=170)
    figure.update_layout(hovermode="closest", margin={"t": 40}, legend={"traceorder": "normal"})
    return figure
