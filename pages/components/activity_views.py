"""The sections of Activities & health: activity volume and outcomes, touches, pipeline
generated, and pipeline health per rep (each count opening the deals behind it). Each
reads a figure by reference and shows it; nothing is computed here."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages.components import charts, data, export, planning_views, tables
from pages.components.explain import how_computed
from pages.components.filters import Filters
from pages.components.format import markdown_text, percent
from pipeline import periods
from pipeline.figures import activity, hygiene, review
from pipeline.figures import planning as planning_figures

REP_LIST_LIMIT = 10_000  # every flagged deal of one rep
RULES = {"stale": "Stale", "overdue": "Overdue", "stuck": "Stuck", "no_next_step": "No next step",
         "next_step_late": "Next step overdue", "missing_amount": "Missing amount"}  # fmt: skip


def span_of(f: Filters, fiscal_start: int) -> periods.Period:
    return periods.period(f.period, f.as_of, fiscal_start)


def rate(value) -> str:
    return "—" if value is None else percent(value, 0)


def volume_section(f: Filters, span: periods.Period, fiscal_start: int) -> None:
    params = {"span": span, **f.scope}
    found = data.run(activity.activity, **params)
    if found.total == 0:
        st.info("No activity was logged in this period by the people in this scope.")
    else:
        st.plotly_chart(data.derived(activity.activity, weeks_chart, **params),
                        key="activity_weeks")  # fmt: skip
        st.caption(data.derived(activity.activity, volume_caption, **params))
        outcomes(data.derived(activity.activity, activity.Activity.outcomes, **params))
        people = data.derived(activity.activity, people_table, **params)
        st.dataframe(
            people, hide_index=True, key="activity_people",
            column_config={"Against the average": st.column_config.NumberColumn(
                format="%.2fx", help="Their activities / the average per rep in the scope")},
        )  # fmt: skip
        export.downloads(people, "activities-by-person", "activity_people")
    trend = data.derived(activity.trend, trend_table, fiscal_start, as_of=f.as_of,
                         fiscal_start=fiscal_start, **f.scope)  # fmt: skip
    if len(trend):
        st.markdown("**The last four quarters**")
        st.dataframe(trend, key="activity_trend")
    response = data.run(activity.first_response, **params)
    if response["deals"]:
        hours = response["median_hours"]
        st.caption(
            f"First response: {response['answered']:,} of the {response['deals']:,} deals "
            "created in the period have had an activity; the median wait was "
            f"{'—' if hours is None else f'{hours:,.1f} hours'}"
            f" (90% within {response['p90_hours'] or 0:,.1f} hours)."
        )
    how_computed("activity", activity.activity, activity.trend, activity.first_response)


def weeks_chart(found: activity.Activity):
    return charts.activity_weeks(found.by_week())


def volume_caption(found: activity.Activity) -> str:
    kinds = " · ".join(f"{n:,} {kind}s" for kind, n in found.by_kind().items() if n)
    average = found.average_per_rep
    per_rep = "" if average is None else f" · {average:,.1f} per rep over {found.people:,} reps"
    return f"{found.total:,} activities · {kinds}{per_rep}"


def people_table(found: activity.Activity) -> pd.DataFrame:
    people = found.by_person()
    if found.average_per_rep:
        people["against the average"] = people["total"] / found.average_per_rep
    people.columns = [c.capitalize() for c in people.columns]
    return people


def trend_table(trend: pd.DataFrame, fiscal_start: int) -> pd.DataFrame:
    if trend.empty:
        return trend
    table = trend.pivot_table(
        index="quarter_start", columns="kind", values="activities", aggfunc="sum", fill_value=0
    )
    table.index = [periods.quarter_label(q, fiscal_start) for q in table.index]
    table.columns = [c.capitalize() for c in table.columns]
    return table


def outcomes(found: dict) -> None:
    calls, meetings, demos, outbound = st.columns(4)
    calls.metric("Connect rate", rate(found["connect_rate"]),
                 help=f"{found['connected']:,} connected of {found['calls']:,} calls")  # fmt: skip
    meetings.metric(
        "Meetings held", f"{found['meetings_held']:,}",
        help=f"{found['meetings_no_show']:,} no-shows, {found['meetings_rescheduled']:,} "
        f"rescheduled, of {found['meetings']:,} meetings",
    )  # fmt: skip
    demos.metric("Demo no-show rate", rate(found["demo_no_show_rate"]),
                 help=f"{found['demos_held']:,} held of {found['demos']:,} demos")  # fmt: skip
    outbound.metric("Outbound touches", f"{found['outbound']:,}", help="Calls and e-mails")


def touches_section(f: Filters, span: periods.Period) -> None:
    found = data.run(activity.touches, span=span, now=data.now(), **f.scope)
    left, right = st.columns(2)
    with left:
        st.markdown("**Open deals by touches so far**")
        shown = found.open_deals[["label", "deals", "untouched"]].rename(
            columns={"label": "Touches", "deals": "Open deals", "untouched": "Stale"}
        )
        st.dataframe(shown, hide_index=True, key="touches_open")
        st.caption(f"{found.untouched:,} open deals have had no touch in the stale-after days.")
    with right:
        won, lost = found.median("won"), found.median("lost")
        st.markdown("**Deals closed in the period, by touches before the close**")
        st.caption(
            f"Median touches before a win: {'—' if won is None else f'{won:g}'} · "
            f"before a loss: {'—' if lost is None else f'{lost:g}'}"
        )
        st.plotly_chart(charts.touch_bars(found.closed_by_bucket()), key="touch_bars")
    how_computed("touches", activity.touches)


def generated_section(f: Filters, span: periods.Period, fiscal_start: int, currency: str):
    found = data.run(activity.generated, span=span, fiscal_start=fiscal_start, **f.scope)
    this, before = found[found["period"] == "this"], found[found["period"] == "previous"]
    first, second = st.columns(2)
    first.metric(
        "Deals created", f"{int(this['deals'].sum()):,}",
        delta=f"{int(this['deals'].sum() - before['deals'].sum()):+,} on the period before",
    )  # fmt: skip
    second.metric(
        f"Value created ({currency})", f"{float(this['amount'].sum()):,.0f}",
        delta=f"{float(this['amount'].sum() - before['amount'].sum()):+,.0f} on the period before",
    )  # fmt: skip
    against_reverse_funnel(f, fiscal_start)
    money = st.column_config.NumberColumn(format=tables.money_format(currency))
    for column, title, key in (("owner", "By owner", "generated_by_owner"),
                               ("source", "By source", "generated_by_source")):  # fmt: skip
        grouped = pd.DataFrame({
            title[3:].capitalize(): sorted(set(this[column]) | set(before[column])),
        })  # fmt: skip
        now_sum = this.groupby(column)[["deals", "amount"]].sum()
        then_sum = before.groupby(column)[["deals", "amount"]].sum()
        name = grouped.columns[0]
        grouped["Deals"] = [int(now_sum["deals"].get(k, 0)) for k in grouped[name]]
        grouped["Value"] = [float(now_sum["amount"].get(k, 0)) for k in grouped[name]]
        grouped["Deals before"] = [int(then_sum["deals"].get(k, 0)) for k in grouped[name]]
        grouped["Value before"] = [float(then_sum["amount"].get(k, 0)) for k in grouped[name]]
        st.markdown(f"**{title}**")
        st.dataframe(
            grouped.sort_values("Value", ascending=False), hide_index=True, key=key,
            column_config={"Value": money, "Value before": money},
        )  # fmt: skip
    how_computed("generated", activity.generated)


def against_reverse_funnel(f: Filters, fiscal_start: int) -> None:
    """New deals a week against what Planning's reverse funnel says this quarter needs."""
    quarter = periods.fiscal_quarter_start(f.as_of, fiscal_start)
    needed = data.run(planning_figures.reverse_funnel, as_of=f.as_of, quarter_start=quarter,
                      pipeline=planning_views.pipeline_of(), **f.scope)  # fmt: skip
    pace = f"{needed.created_per_week:,.1f} new deals a week over the last 13 weeks"
    if needed.quota is None:
        st.caption(f"{pace}; no quota covers this quarter, so Planning's reverse funnel has "
                   "no need to compare them with.")  # fmt: skip
    elif not needed.needed_per_week:
        st.caption(f"{pace}; by Planning's reverse funnel the quarter's first stage already "
                   "holds the deals its gap to quota needs.")  # fmt: skip
    else:
        st.caption(
            f"{pace}; Planning's reverse funnel needs {needed.needed_per_week:,.1f} a week over "
            f"the {needed.weeks_left:,.1f} weeks left to close the quarter's gap."
        )


def health_section(f: Filters, span: periods.Period, quarter: date, currency: str) -> None:
    medians = data.run_daily(hygiene.stage_time_medians)
    found = data.run(activity.rep_health, span=span, now=data.now(), medians=medians,
                     as_of=f.as_of, quarter_start=quarter, **f.scope)  # fmt: skip
    if found.empty:
        st.info("No reps in this scope.")
        return
    shown = pd.DataFrame({
        "Rep": found["rep"], "Score": found["score"], "Open deals": found["open_deals"],
        **{title: found[rule] for rule, title in RULES.items()},
        "Pile-up": [markdown_free(s) if p else "" for s, p in zip(found["top_stage"],
                                                                 found["pile_up"], strict=True)],
        "Coverage": [None if pd.isna(c) else float(c) for c in found["coverage"]],
        "Generated": found["generated_amount"].astype(float),
    })  # fmt: skip
    st.dataframe(
        shown, hide_index=True, key="rep_health",
        column_config={
            "Rep": st.column_config.TextColumn(pinned=True),
            "Score": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d",
                                                     width="small"),
            **{title: st.column_config.NumberColumn(width="small")
               for title in ("Open deals", *RULES.values())},
            "Coverage": st.column_config.NumberColumn(format="%.2fx"),
            "Generated": st.column_config.NumberColumn(format=tables.money_format(currency)),
        },
    )  # fmt: skip
    st.caption(
        "Score = 70 x the share of open deals failing no rule + 30 x coverage of the quarter "
        "against the target (capped at 1)."
    )
    export.downloads(shown, "pipeline-health", "rep_health")
    deals_behind(found, medians)
    how_computed("health", activity.rep_health, review.flagged)


def markdown_free(text) -> str:
    """A stage name for a table cell (cells are drawn as text)."""
    return "" if text is None or pd.isna(text) else str(text)


def deals_behind(found: pd.DataFrame, medians: pd.DataFrame) -> None:
    """The deals behind a count: a rep and a rule."""
    reps = dict(zip(found["user_id"].astype(int), found["rep"], strict=True))
    left, right = st.columns(2)
    rep = left.selectbox("Show the deals of", [None, *reps], key="health_rep",
                         format_func=lambda r: "—" if r is None else reps[r])  # fmt: skip
    rule = right.selectbox("Failing", list(RULES), format_func=RULES.get, key="health_rule")
    if rep is None:
        return
    deals = data.run(review.flagged, now=data.now(), medians=medians, owner_id=rep, team_id=None,
                     limit=REP_LIST_LIMIT)  # fmt: skip
    deals = deals[deals[rule]]
    st.caption(f"{len(deals):,} of {markdown_text(reps[rep])}'s open deals: {RULES[rule].lower()}.")
    st.dataframe(
        deals[["name", "stage", "amount", "close_date", "days_in_stage", "next_step"]].astype(
            {"amount": float}
        ),
        hide_index=True,
        key="health_deals",
        column_config={"name": "Deal", "stage": "Stage", "amount": "Amount",
                       "close_date": "Close date", "days_in_stage": "Days in stage",
                       "next_step": "Next step"},
    )  # fmt: skip
