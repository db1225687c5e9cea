"""The sections of Pipeline & forecast: roll-ups against quota, the pipeline and the
deals behind a bar, coverage, calls (and a manager's own), the statistical forecast and
accuracy. Each reads a figure by reference and shows it; nothing is computed here."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages.components import charts, data, export, outcome, store, tables
from pages.components.explain import how_computed
from pages.components.filters import Filters
from pages.components.format import SYMBOLS, markdown_text, money, money_column_format, percent
from pipeline import db, engine, forecast_calls, permissions, users, validation
from pipeline.figures import accuracy, calls, forecast, pipeline_view, statistical

GROUPINGS = {
    "stage": ("By stage", pipeline_view.by_stage, "stage"),
    "month": ("By close month", pipeline_view.by_close_month, "month"),
    "rep": ("By rep", pipeline_view.by_rep, "rep"),
}


def money_columns(currency: str, *names: str) -> dict:
    return {name: st.column_config.NumberColumn(name, format=money_column_format(currency))
            for name in names}  # fmt: skip


def params(f: Filters, quarter: date) -> dict:
    return {"as_of": f.as_of, "quarter_start": quarter, **f.scope}


def rollups(f: Filters, quarter: date, currency: str) -> None:
    found = data.run(forecast.for_quarter, **params(f, quarter))
    symbol = SYMBOLS.get(currency, "")
    st.plotly_chart(
        data.derived(forecast.for_quarter, charts.rollup_bars, symbol, **params(f, quarter)),
        key="rollup_chart",
    )
    rows = [
        {"Roll-up": name, "Amount": float(value),
         "Gap to quota": None if found["gaps"][name] is None else float(found["gaps"][name])}
        for name, value in found["rollups"].items()
    ]  # fmt: skip
    left, right = st.columns([3, 2])
    left.dataframe(pd.DataFrame(rows), hide_index=True, key="rollup_table",
                   column_config=money_columns(currency, "Amount", "Gap to quota"))  # fmt: skip
    with right:
        if found["quota"] is None:
            st.caption("No quota plan covers this quarter yet (Data & settings › Quotas).")
        else:
            coverage = "—" if found["coverage"] is None else f"{found['coverage']:.2f}x"
            st.caption(
                f"Quota {markdown_text(money(found['quota'], currency))} · pace "
                f"{markdown_text(money(found['pace'], currency))} · coverage {coverage} "
                f"against a {found['coverage_target']}x target"
            )
            if found["quota_months"] < found["period_months"]:
                st.caption(
                    f":material/warning: Quota covers {found['quota_months']} of "
                    f"{found['period_months']} months."
                )
    st.caption("Gap = quota - the roll-up: a negative gap is above quota.")
    how_computed("rollups", forecast.for_quarter)


def pipeline_section(f: Filters, quarter: date, currency: str) -> None:
    chosen = st.segmented_control(
        "Group the open pipeline", list(GROUPINGS), format_func=lambda k: GROUPINGS[k][0],
        default="stage", key="pipeline_grouping",
    )  # fmt: skip
    _, figure, label = GROUPINGS[chosen or "stage"]
    frame = data.run(figure, **params(f, quarter))
    if chosen == "month":
        frame = frame.assign(month=[f"{m:%b %Y}" for m in frame["month"]])
    symbol = SYMBOLS.get(currency, "")
    st.plotly_chart(
        data.derived(figure, charts.pipeline_bars, label, symbol, **params(f, quarter))
        if chosen != "month"
        else charts.pipeline_bars(frame, label, symbol),
        key=f"pipeline_chart_{chosen}",
    )
    st.caption(
        f"{int(frame['deals'].sum()):,} open deals · amount "
        f"{markdown_text(money(frame['amount'].sum(), currency))} · weighted "
        f"{markdown_text(money(frame['weighted'].sum(), currency))}"
    )
    deals_behind(f, quarter, currency, chosen or "stage", frame)
    how_computed("pipeline", figure, pipeline_view.deals_behind)


def deals_behind(f: Filters, quarter: date, currency: str, chosen: str, frame) -> None:
    """A bar's deals: choose the bar's group in the box (the same groups as the chart)."""
    keys = {"stage": "stage_id", "month": "month", "rep": "user_id"}
    source = data.run(GROUPINGS[chosen][1], **params(f, quarter))
    options = {
        None: "—",
        **dict(zip(source[keys[chosen]], frame[GROUPINGS[chosen][2]], strict=True)),
    }
    picked = st.selectbox(
        "Show the deals of", list(options), format_func=lambda k: str(options[k]),
        key=f"deals_of_{chosen}",
    )  # fmt: skip
    if picked is None:
        return
    narrowed = {"stage_id": None, "month": None, "by_owner": None}
    narrowed[{"stage": "stage_id", "month": "month", "rep": "by_owner"}[chosen]] = picked
    deals = data.run(pipeline_view.deals_behind, **params(f, quarter), **narrowed, now=data.now())
    shown = deals.assign(
        flags=[" · ".join(n for n, on in (("stale", s), ("overdue", o), ("no next step", x)) if on)
               for s, o, x in zip(deals["stale"], deals["overdue"], deals["no_next_step"],
                                  strict=True)],
        probability=deals["probability"].astype(float) * 100,
    ).drop(columns=["stale", "overdue", "no_next_step", "id"])  # fmt: skip
    st.dataframe(
        shown, hide_index=True, key=f"deals_behind_{chosen}",
        column_config={
            "name": st.column_config.TextColumn("Deal", width="large"), "owner": "Owner",
            "stage": "Stage", "category": "Category", "flags": "Flags (now)",
            "probability": st.column_config.NumberColumn("Probability", format="%.0f%%"),
            "close_date": st.column_config.DateColumn("Close date"),
            **money_columns(currency, "amount", "weighted"),
        },
    )  # fmt: skip
    export.downloads(deals, "pipeline-deals", f"deals_behind_{chosen}")


def coverage_section(f: Filters, quarter: date, currency: str) -> None:
    target = int(data.setting("coverage_target", "3"))
    st.caption(f"Coverage = open pipeline / (quota - won); the target is {target}x (a setting).")
    for title, figure, first in (
        ("By team", pipeline_view.coverage_by_team, "team"),
        ("By rep", pipeline_view.coverage_by_rep, "rep"),
    ):
        table = data.run(figure, **params(f, quarter)).to_pandas()
        if first == "team":
            table[first] = tables.indented(table["team"], table["depth"])
        low = [c is not None and not pd.isna(c) and c < target for c in table["coverage"]]
        table["flag"] = ["below target" if flagged else "" for flagged in low]
        columns = [first, "open_pipeline", "won", "quota", "remaining", "coverage", "flag"]
        st.markdown(f"**{title}**")
        st.dataframe(
            table[columns].astype({c: float for c in columns[1:5]}), hide_index=True,
            key=f"coverage_{first}",
            column_config={
                first: first.capitalize(), "flag": "Flag",
                "coverage": st.column_config.NumberColumn("Coverage", format="%.2fx"),
                **{c: st.column_config.NumberColumn(c.replace("_", " ").capitalize(),
                                                    format=money_column_format(currency))
                   for c in columns[1:5]},
            },
        )  # fmt: skip
    how_computed("coverage", pipeline_view.coverage_by_team, pipeline_view.coverage_by_rep)


def calls_section(f: Filters, quarter: date, currency: str, user: users.User) -> None:
    reps = data.run(calls.by_rep, **params(f, quarter))
    st.markdown("**Reps' calls beside the system's forecast**")
    shown = reps.assign(
        call_commit=tables.money_text(reps["call_commit"], currency),
        call_best_case=tables.money_text(reps["call_best_case"], currency),
        called_at=["" if pd.isna(at) else f"{at:%Y-%m-%d %H:%M}" for at in reps["called_at"]],
    )
    st.dataframe(
        shown[["rep", "team", "call_commit", "commit_forecast", "call_best_case",
               "best_case_forecast", "called_at"]].astype(
            {"commit_forecast": float, "best_case_forecast": float}),
        hide_index=True, key="calls_by_rep",
        column_config={
            "rep": "Rep", "team": "Team", "called_at": "Called",
            "call_commit": "Call: commit", "call_best_case": "Call: best case",
            **{c: st.column_config.NumberColumn(label, format=money_column_format(currency))
               for c, label in (("commit_forecast", "System: commit"),
                                ("best_case_forecast", "System: best case"))},
        },
    )  # fmt: skip
    teams = data.run(calls.by_team, **params(f, quarter))
    if len(teams):
        st.markdown("**Calls up the organisation**")
        amounts = [c for c in teams.columns if "commit" in c or "best" in c]
        shown = teams.assign(
            team=tables.indented(teams["team"], teams["depth"]),
            **{c: tables.money_text(teams[c], currency) for c in amounts},
        )
        st.dataframe(
            shown.drop(columns=["team_id", "depth"]), hide_index=True, key="calls_by_team",
            column_config={
                "team": "Team", "source": "Counted",
                "manager_commit": "Manager's call: commit",
                "manager_best_case": "Manager's call: best case",
                "sum_commit": "Sum below: commit", "sum_best_case": "Sum below: best case",
                "commit": "Counted: commit", "best_case": "Counted: best case",
            },
        )  # fmt: skip
    weekly = data.run(calls.weekly_trend, **params(f, quarter))
    if len(weekly):
        st.plotly_chart(
            data.derived(calls.weekly_trend, charts.trend_lines, SYMBOLS.get(currency, ""),
                         **params(f, quarter)),
            key="calls_trend",
        )  # fmt: skip
    manager_call(user, quarter, currency)
    how_computed("calls", calls.by_rep, calls.by_team, calls.weekly_trend)


CALL_SAVED = "manager_call_saved"


def manager_call(user: users.User, quarter: date, currency: str) -> None:
    """A manager submits their own call for their team here (a rep's is on My deals)."""
    if user.role != "manager" or not permissions.can_submit_forecast(user):
        return
    current = data.run(forecast_calls.quarter_of_today, today=data.now().date())
    outcome.show(CALL_SAVED)
    if quarter != current:
        st.caption("Calls are made for the current quarter: choose it to submit yours.")
        return
    with st.form("manager_call_form", enter_to_submit=False):
        st.markdown(f"**Your call for your team this quarter** ({currency})")
        left, right = st.columns(2)
        commit = left.text_input("Commit", key="manager_call_commit")
        best = right.text_input("Best case", key="manager_call_best")
        note = st.text_input("Note", key="manager_call_note")
        if st.form_submit_button("Submit your team's call", key="manager_call_save"):
            try:
                _, revised = forecast_calls.submit(store.write_cursor(), user, commit=commit,
                                                   best_case=best, note=note)  # fmt: skip
            except (validation.ValidationError, permissions.PermissionDenied, engine.Busy,
                    db.DatabaseError) as exc:  # fmt: skip
                st.error("Not submitted: " + markdown_text(str(exc)), icon=":material/error:")
            else:  # rerun, so the calls above show it too; the message stays until a write
                outcome.remember(
                    CALL_SAVED, "Revised this week's call." if revised else "Call submitted."
                )
                st.rerun()


def statistical_section(f: Filters, quarter: date, currency: str) -> None:
    result = data.run(statistical.forecast, **params(f, quarter))
    found = data.run(forecast.for_quarter, **params(f, quarter))
    tiles = st.columns(4)
    for column, (label, value) in zip(tiles, (("P10", result.p10), ("P50", result.p50),
                                              ("P90", result.p90), ("Expected", result.expected)),
                                      strict=True):  # fmt: skip
        column.metric(label, money(value, currency, whole=True),
                      help=markdown_text(money(value, currency)))  # fmt: skip
    st.caption(
        f"Closed {markdown_text(money(result.closed, currency))} plus {result.open_deals:,} open "
        f"deals ({markdown_text(money(result.open_amount, currency))}), simulated "
        f"{statistical.RUNS:,} times."
    )
    st.plotly_chart(
        charts.outcome_histogram(result.outcomes, found["quota"],
                                 {"P10": result.p10, "P50": result.p50, "P90": result.p90},
                                 SYMBOLS.get(currency, "")),
        key="simulation_chart",
    )  # fmt: skip
    table = result.calibration.drop(columns=["stage_id"])
    st.dataframe(
        table, hide_index=True, key="calibration",
        column_config={
            "stage": "Stage", "deals": "Deals seen", "company_deals": "Company deals seen",
            "source": "Win rate from",
            **{c: st.column_config.NumberColumn(c.replace("_", " ").capitalize(), format="percent")
               for c in ("stage_probability", "won_rate", "lost_rate", "slip_rate",
                         "win_rate_used")},
        },
    )  # fmt: skip
    how_computed("statistical", statistical.forecast)


def accuracy_section(f: Filters, currency: str) -> None:
    points = data.run(accuracy.by_method, as_of=f.as_of, **f.scope)
    summary = data.derived(accuracy.by_method, accuracy.summary, as_of=f.as_of, **f.scope)
    if summary.empty:
        st.info("No quarter with won revenue has ended yet: nothing to measure against.")
        return
    best = summary.iloc[0]
    st.success(
        f"Most reliable for {markdown_text(f.scope_label)}: **{best['method']}**, off by "
        f"{percent(best['mean_absolute_pct_error'])} on average over {int(best['points'])} "
        f"points ({len(points['quarter'].unique())} quarters, 1–8 weeks before their end)."
    )
    st.dataframe(
        summary, hide_index=True, key="accuracy_summary",
        column_config={"method": "Method", "points": "Points",
                       "bias": st.column_config.NumberColumn("Bias (mean error)",
                                                             format=money_column_format(currency)),
                       "mean_absolute_error": st.column_config.NumberColumn(
                           "Mean absolute error", format=money_column_format(currency)),
                       "mean_absolute_pct_error": st.column_config.NumberColumn(
                           "Mean absolute % error", format="percent")},
    )  # fmt: skip
    st.plotly_chart(
        data.derived(accuracy.by_method, charts.accuracy_lines, SYMBOLS.get(currency, ""),
                     as_of=f.as_of, **f.scope),
        key="accuracy_chart",
    )  # fmt: skip
    export.downloads(points, "forecast-accuracy", "accuracy")
    how_computed("accuracy", accuracy.by_method)
