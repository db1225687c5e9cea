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


def quota_lines(quota, pace, symbol: str, span: tuple[float, float]) -> list[dict]:
    """Vertical quota and pace lines across a horizontal bar chart, named in the legend
    with their amounts (labels on the plot overprint each other when the two are close)."""
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [float(value), float(value)],
            "y": list(span),
            "name": f"{name} {symbol}{float(value):,.0f}",
            "line": {"color": colour, "width": 3, "dash": dash},
            "hovertemplate": f"{name}: {symbol}%{{x:,.2f}}<extra></extra>",
        }
        for name, value, colour, dash in (
            ("Quota", quota, QUOTA, "solid"),
            ("Pace", pace, PACE, "dot"),
        )
        if value is not None
    ]


def rollup_bars(forecast: dict, symbol: str) -> Figure:
    """Each forecast roll-up as a horizontal bar, against the quota and pace lines."""
    names = list(forecast["rollups"])
    values = [float(v) for v in forecast["rollups"].values()]
    bars = {
        "type": "bar",
        "orientation": "h",
        "y": list(range(len(names))),  # numbered rows: the quota lines span them
        "x": values,
        "customdata": names,
        "name": "Forecast",
        "marker": {"color": [CATEGORY_COLOURS.get("Closed"), WON, "#60a5fa", "#7c3aed", "#cbd5e1"]},
        "text": [f"{symbol}{v:,.0f}" for v in values],
        "textposition": "auto",
        "hovertemplate": f"%{{customdata}}: {symbol}%{{x:,.2f}}<extra></extra>",
        "showlegend": False,
    }
    lines = quota_lines(forecast["quota"], forecast["pace"], symbol, (-0.5, len(names) - 0.5))
    return Figure(
        {
            "data": [bars, *lines],
            "layout": base_layout(
                60 + 42 * len(names),
                hovermode="closest",
                margin={"l": 10, "r": 10, "t": 10, "b": 10},
                legend={"orientation": "h", "y": -0.25, "x": 0},
                xaxis={"tickprefix": symbol, "tickformat": "~s", "rangemode": "nonnegative"},
                yaxis={
                    "autorange": "reversed",
                    "fixedrange": True,
                    "tickvals": list(range(len(names))),
                    "ticktext": names,
                },
            ),
        }
    )


def pipeline_bars(frame: pd.DataFrame, label_column: str, symbol: str) -> Figure:
    """Open pipeline per group (a stage, month or rep) as horizontal bars: the amount and,
    inside it, the weighted amount; deal counts on hover."""
    names = [label(v) for v in frame[label_column]]
    series = [
        ("Amount", frame["amount"], "#bfdbfe"),
        ("Weighted", frame["weighted"], WON),
    ]
    return Figure(
        {
            "data": [
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": names,
                    "x": [float(v) for v in values],
                    "name": name,
                    "marker": {"color": colour},
                    "customdata": [int(d) for d in frame["deals"]],
                    "hovertemplate": f"%{{y}}: {symbol}%{{x:,.2f}} ({name.lower()}, "
                    "%{customdata} deals)<extra></extra>",
                }
                for name, values, colour in series
            ],
            "layout": base_layout(
                80 + 30 * max(len(names), 1),
                barmode="overlay",
                hovermode="closest",
                xaxis={"tickprefix": symbol, "tickformat": "~s", "rangemode": "nonnegative"},
                yaxis={"autorange": "reversed", "type": "category"},
            ),
        }
    )


def trend_lines(weekly: pd.DataFrame, symbol: str) -> Figure:
    """The quarter week by week: calls and the system's forecasts as they stood."""
    weeks = [f"{day:%d %b}" for day in weekly["week_end"]]
    series = [
        ("Closed", "closed", "#15803d", "solid"),
        ("Commit forecast (system)", "commit_forecast", WON, "solid"),
        ("Best-case forecast (system)", "best_case_forecast", "#93c5fd", "solid"),
        ("Weighted forecast (system)", "weighted_forecast", "#7c3aed", "dot"),
        ("Reps' calls: commit", "reps_commit", QUOTA, "dash"),
        ("Team call: commit", "scope_commit", "#b45309", "dashdot"),
    ]
    return Figure(
        {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": weeks,
                    "y": [None if pd.isna(v) else float(v) for v in weekly[column]],
                    "name": name,
                    "line": {"color": colour, "dash": dash},
                    "hovertemplate": f"{name}: {symbol}%{{y:,.2f}}<extra></extra>",
                }
                for name, column, colour, dash in series
            ],
            "layout": base_layout(
                340, yaxis={"tickprefix": symbol, "tickformat": "~s", "rangemode": "nonnegative"}
            ),
        }
    )


def outcome_histogram(outcomes, quota, marks: dict, symbol: str) -> Figure:
    """The simulated quarters' won revenue, with the quota and P10/P50/P90 marked."""
    lines = [
        {"type": "line", "xref": "x", "yref": "paper", "x0": float(x), "x1": float(x),
         "y0": 0, "y1": 1, "line": {"color": colour, "width": 2, "dash": dash}}
        for x, colour, dash in [(v, PACE, "dot") for v in marks.values()]
        + ([(quota, QUOTA, "solid")] if quota is not None else [])
    ]  # fmt: skip
    named = {**marks, **({"Quota": quota} if quota is not None else {})}
    labels = [
        {"text": name, "x": float(x), "xref": "x", "y": 1, "yref": "paper",
         "yanchor": "bottom", "showarrow": False, "font": {"size": 11}}
        for name, x in named.items()
    ]  # fmt: skip
    return Figure(
        {
            "data": [
                {
                    "type": "histogram",
                    "x": [float(v) for v in outcomes],
                    "nbinsx": 40,
                    "marker": {"color": "#93c5fd"},
                    "name": "Simulated quarters",
                    "hovertemplate": f"{symbol}%{{x:,.0f}}: %{{y}} runs<extra></extra>",
                }
            ],
            "layout": base_layout(
                300,
                hovermode="closest",
                margin={"l": 10, "r": 10, "t": 30, "b": 10},
                showlegend=False,
                shapes=lines,
                annotations=labels,
                xaxis={"tickprefix": symbol, "tickformat": "~s"},
                yaxis={"title": {"text": "runs"}},
            ),
        }
    )


def accuracy_lines(points: pd.DataFrame, symbol: str) -> Figure:
    """Mean absolute % error of each method by weeks before the quarter's end."""
    data = []
    for method, rows in points.groupby("method", sort=False):
        rows = rows[rows["forecast"].notna() & (rows["actual"] > 0)]
        if rows.empty:
            continue
        by_week = (
            rows.assign(
                pct=[
                    abs(float(e)) / float(a)
                    for e, a in zip(rows["error"], rows["actual"], strict=True)
                ]
            )
            .groupby("weeks_before")["pct"]
            .mean()
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [int(w) for w in by_week.index],
                "y": [float(v) for v in by_week.values],
                "name": method,
                "hovertemplate": f"{method}: %{{y:.1%}} off, %{{x}} weeks out<extra></extra>",
            }
        )
    return Figure(
        {
            "data": data,
            "layout": base_layout(
                320,
                xaxis={
                    "title": {"text": "weeks before the quarter's end"},
                    "autorange": "reversed",
                    "dtick": 1,
                },
                yaxis={
                    "tickformat": ".0%",
                    "title": {"text": "mean absolute error"},
                    "rangemode": "nonnegative",
                },
            ),  # fmt: skip
        }
    )


def signed(value: float) -> str:
    return "+" if value > 0 else "−" if value < 0 else ""


def waterfall(start, bars: dict, end, symbol: str) -> Figure:
    """The pipeline from the window's start to its end, each change as a step."""
    names = ["Start", *[name.capitalize() for name in bars], "End"]
    values = [float(start), *[float(v) for v in bars.values()], float(end)]
    return Figure(
        {
            "data": [
                {
                    "type": "waterfall",
                    "x": names,
                    "y": values,
                    "measure": ["absolute", *["relative"] * len(bars), "total"],
                    "text": [
                        f"{signed(v) if 0 < i < len(values) - 1 else ''}{symbol}{abs(v):,.0f}"
                        for i, v in enumerate(values)
                    ],  # fmt: skip
                    "textposition": "outside",
                    "increasing": {"marker": {"color": "#15803d"}},
                    "decreasing": {"marker": {"color": "#dc2626"}},
                    "totals": {"marker": {"color": WON}},
                    "connector": {"line": {"color": "#9ca3af", "dash": "dot"}},
                    "hovertemplate": f"%{{x}}: {symbol}%{{y:,.2f}}<extra></extra>",
                }
            ],
            "layout": base_layout(
                360,
                showlegend=False,
                hovermode="closest",
                yaxis={"tickprefix": symbol, "tickformat": "~s", "rangemode": "nonnegative"},
            ),
        }
    )


KIND_COLOURS = {"call": "#2563eb", "email": "#60a5fa", "meeting": "#15803d", "demo": "#f59e0b",
                "note": "#9ca3af", "task": "#6b7280"}  # fmt: skip


def activity_weeks(by_week: pd.DataFrame) -> Figure:
    """Activities per week, stacked by kind."""
    weeks = [f"{pd.Timestamp(w):%d %b}" for w in by_week.index]
    data = [
        {"type": "bar", "x": weeks, "y": [int(v) for v in by_week[kind]], "name": kind,
         "marker": {"color": KIND_COLOURS[kind]}}
        for kind in by_week.columns if by_week[kind].sum() > 0
    ]  # fmt: skip
    return Figure(
        {
            "data": data,
            "layout": base_layout(
                320, barmode="stack", yaxis={"rangemode": "nonnegative", "title": "activities"}
            ),
        }
    )


def touch_bars(table: pd.DataFrame) -> Figure:
    """Deals won and lost by how many touches they had before closing, with the win rate."""
    labels = list(table["label"])
    rate = [
        None if r is None or pd.isna(r) else round(float(r) * 100, 1) for r in table["win_rate"]
    ]
    return Figure(
        {
            "data": [
                {
                    "type": "bar",
                    "x": labels,
                    "y": [int(v) for v in table["won"]],
                    "name": "won",
                    "marker": {"color": "#15803d"},
                },
                {
                    "type": "bar",
                    "x": labels,
                    "y": [int(v) for v in table["lost"]],
                    "name": "lost",
                    "marker": {"color": "#dc2626"},
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": labels,
                    "y": rate,
                    "name": "win rate",
                    "yaxis": "y2",
                    "line": {"color": PACE},
                    "hovertemplate": "%{y:.1f}%<extra>win rate</extra>",
                },
            ],  # fmt: skip
            "layout": base_layout(
                320,
                barmode="group",
                xaxis={"title": "touches before the close", "type": "category"},
                yaxis={"title": "deals", "rangemode": "nonnegative"},
                yaxis2={
                    "overlaying": "y",
                    "side": "right",
                    "range": [0, 100],
                    "ticksuffix": "%",
                    "showgrid": False,
                },
            ),  # fmt: skip
        }
    )


def funnel(labels: list[str], counts: list[int], texts: list[str]) -> Figure:
    """A funnel: one step per label, widest first, each with its own text."""
    return Figure(
        {
            "data": [
                {
                    "type": "funnel",
                    "y": [label(text) for text in labels],
                    "x": counts,
                    "text": texts,
                    "textinfo": "text",
                    "marker": {"color": WON},
                    "hovertemplate": "%{y}: %{x:,}<extra></extra>",
                },
            ],  # fmt: skip
            "layout": base_layout(60 + 48 * len(labels), showlegend=False, hovermode="closest"),
        }
    )


def pareto(
    reasons: list[str], deals: list[float], cumulative: list[float], measure: str = "deals lost"
) -> Figure:
    """Lost deals (or their value) per reason, most first, with the running share."""
    names = [label(reason) for reason in reasons]
    return Figure(
        {
            "data": [
                {
                    "type": "bar",
                    "x": names,
                    "y": deals,
                    "name": measure,
                    "marker": {"color": "#dc2626"},
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": names,
                    "y": [round(share * 100, 1) for share in cumulative],
                    "yaxis": "y2",
                    "name": "running share",
                    "line": {"color": PACE},
                    "hovertemplate": "%{y:.1f}%<extra>running share</extra>",
                },
            ],  # fmt: skip
            "layout": base_layout(
                340,
                xaxis={"type": "category"},
                yaxis={"title": measure, "rangemode": "nonnegative"},
                yaxis2={
                    "overlaying": "y",
                    "side": "right",
                    "range": [0, 100],
                    "dtick": 25,
                    "ticksuffix": "%",
                    "showgrid": False,
                },
            ),  # fmt: skip
        }
    )


def age_bars(labels: list[str], deals: list[int]) -> Figure:
    return Figure(
        {
            "data": [
                {
                    "type": "bar",
                    "x": labels,
                    "y": deals,
                    "marker": {"color": WON},
                    "hovertemplate": "%{x}: %{y:,} open deals<extra></extra>",
                }
            ],  # fmt: skip
            "layout": base_layout(
                260,
                showlegend=False,
                xaxis={"type": "category"},
                yaxis={"title": "open deals", "rangemode": "nonnegative"},
            ),  # fmt: skip
        }
    )


def plan_months(months: list[str], amounts: list[float], shares: list[float]) -> Figure:
    """A year's plan by month, with each month's share of past years' wins."""
    return Figure(
        {
            "data": [
                {
                    "type": "bar",
                    "x": months,
                    "y": amounts,
                    "name": "plan",
                    "marker": {"color": WON},
                    "hovertemplate": "%{x}: %{y:,.2f}<extra></extra>",
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "x": months,
                    "y": shares,
                    "yaxis": "y2",
                    "name": "share of past wins",
                    "line": {"color": QUOTA},
                    "hovertemplate": "%{y:.1f}%<extra>share of past wins</extra>",
                },
            ],  # fmt: skip
            "layout": base_layout(
                300,
                xaxis={"type": "category"},
                yaxis={"title": "plan", "rangemode": "nonnegative", "tickformat": "~s"},
                yaxis2={
                    "overlaying": "y",
                    "side": "right",
                    "rangemode": "tozero",
                    "ticksuffix": "%",
                    "showgrid": False,
                },
            ),  # fmt: skip
        }
    )
