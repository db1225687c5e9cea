"""Overview: attainment against quota and pace, the quarter's forecast, and who is where."""

import streamlit as st

from pages.components import charts, data, export, filters
from pages.components.explain import how_computed
from pages.components.format import (
    SYMBOLS,
    markdown_text,
    money,
    money_column_format,
    money_short,
    multiple,
    percent,
)
from pipeline import periods

f = filters.current()
currency = data.setting("currency", "USD")
fiscal_start = int(data.setting("fiscal_year_start_month", "1"))
scope = {"team_id": f.team_id, "owner_id": f.owner_id}

st.title("Overview")
st.caption(
    f"{markdown_text(f.scope_label)} · as of {f.as_of:%A %d %B %Y} · "
    f"{periods.fiscal_year_label(f.as_of, fiscal_start)} (fiscal year starts "
    f"{periods.date(2000, fiscal_start, 1):%B}) · amounts in {currency}"
)

span = data.run("data_span")
if span["deals"] == 0:
    st.info("There are no deals yet. Import a CRM export or build the demo database.")
elif f.as_of < span["first_day"]:
    st.warning(f"The first deal was created on {span['first_day']:%d %b %Y}: nothing before it.")
elif f.as_of > span["last_day"]:
    st.info(
        f"The data ends on {span['last_day']:%d %b %Y}: figures after it show what was "
        "recorded by then."
    )

# Attainment tiles: one per period to date.
attainment = data.run("attainment_by_period", as_of=f.as_of, **scope)
for column, row in zip(st.columns(4), attainment.to_dict("records"), strict=True):
    with column.container(border=True, key=f"tile_{row['period']}"):
        vs_pace = row["vs_pace"]
        st.metric(
            f"{periods.PERIOD_NAMES[row['period']]} · won",
            money_short(row["won"], currency),
            delta=None
            if vs_pace is None
            else f"{money_short(vs_pace, currency, signed=True)} vs pace",
            help=f"Won {markdown_text(money(row['won'], currency))} in {row['won_deals']} deals, "
            f"{row['start']:%d %b %Y} to {f.as_of:%d %b %Y}.",
        )
        if row["quota"] is None:
            st.caption("No quota set for this scope and period.")
        elif row["quota"] == 0:
            st.caption("Quota for this period is zero.")
        else:
            st.progress(
                min(max(row["attainment"], 0.0), 1.0),
                text=f"Attainment {percent(row['attainment'])} of "
                f"{markdown_text(money(row['quota'], currency))} quota",
            )
            st.caption(
                f"Pace {markdown_text(money(row['pace'], currency))} · "
                f"Gap {markdown_text(money(row['gap'], currency))}"
            )
how_computed(
    "tiles",
    ["won", "quota", "attainment", "pace", "gap", "vs_pace"],
    ["won_by_period", "quota_by_month"],
)

# This quarter's forecast against quota.
forecast = data.run("forecast_for_quarter", as_of=f.as_of, **scope)
quarter = forecast["quarter"]
last_day = quarter.end - periods.timedelta(days=1)
st.subheader(f"Forecast for the quarter {quarter.start:%d %b} – {last_day:%d %b %Y}")
left, right = st.columns([3, 1])
with left:
    st.plotly_chart(
        data.derived(
            "forecast_for_quarter",
            charts.forecast_bullet,
            SYMBOLS.get(currency, ""),
            as_of=f.as_of,
            **scope,
        ),
        key="forecast_chart",
    )
with right:
    st.metric(
        "Commit forecast",
        money_short(forecast["commit_forecast"], currency),
        help="Closed + commit.",
    )
    st.metric(
        "Best-case forecast",
        money_short(forecast["best_case_forecast"], currency),
        help="Closed + commit + best case.",
    )
    st.metric(
        "Coverage",
        multiple(forecast["coverage"]),
        help="Open pipeline closing this quarter / (quota - won). Target 3x.",
    )
st.caption(
    f"Closed {markdown_text(money(forecast['closed'], currency))} · "
    f"Commit {markdown_text(money(forecast['commit'], currency))} · "
    f"Best case {markdown_text(money(forecast['best_case'], currency))} · "
    f"Open pipeline {markdown_text(money(forecast['open_pipeline'], currency))} "
    f"(weighted {markdown_text(money(forecast['weighted_open'], currency))})"
)
how_computed(
    "forecast", ["forecast", "coverage", "weighted"], ["forecast_by_category", "quota_by_month"]
)

# Attainment by team and by rep.
st.subheader(f"Attainment by team and rep · {periods.PERIOD_NAMES[f.period].lower()}")
money_format = money_column_format(currency)
columns = {
    "won": st.column_config.NumberColumn("Won", format=money_format),
    "quota": st.column_config.NumberColumn("Quota", format=money_format),
    "attainment": st.column_config.ProgressColumn(
        "Attainment", format="percent", min_value=0.0, max_value=1.0
    ),
    "pace": st.column_config.NumberColumn("Pace", format=money_format),
    "vs_pace": st.column_config.NumberColumn("Vs pace", format=money_format),
    "gap": st.column_config.NumberColumn("Gap", format=money_format),
    "won_deals": st.column_config.NumberColumn("Deals won"),
}
shown = ["won", "won_deals", "quota", "attainment", "pace", "vs_pace", "gap"]
# Only the open tab's table is computed and sent (switching tabs reruns the page).
by_team_tab, by_rep_tab = st.tabs(["By team", "By rep"], key="attainment_tab", on_change="rerun")
if by_team_tab.open:
    with by_team_tab:
        team_params = {"as_of": f.as_of, "period_kind": f.period, "team_id": f.team_id}
        teams = data.run("attainment_by_team_table", **team_params)
        st.dataframe(
            data.run_for_display(
                "attainment_by_team_table", ("team", "reps", *shown), **team_params
            ),
            column_config={"team": "Team", "reps": "Reps", **columns},
            hide_index=True,
            key="attainment_by_team",
        )
        export.downloads(teams.select(["team", "reps", *shown]), "attainment-by-team", "by_team")
if by_rep_tab.open:
    with by_rep_tab:
        rep_params = {"as_of": f.as_of, "period_kind": f.period, **scope}
        reps = data.run("attainment_by_rep_table", **rep_params)
        st.dataframe(
            data.run_for_display("attainment_by_rep_table", ("rep", "team", *shown), **rep_params),
            column_config={"rep": "Rep", "team": "Team", **columns},
            hide_index=True,
            key="attainment_by_rep",
        )
        export.downloads(reps.select(["rep", "team", *shown]), "attainment-by-rep", "by_rep")
st.caption(
    "A quota shown as None is not set (Data & settings › Quotas); attainment, pace and "
    "gap are then not computed."
)
how_computed(
    "tables",
    ["won", "quota", "attainment", "pace", "gap"],
    ["attainment_by_team", "attainment_by_rep"],
)

# Won revenue by month against quota, for the fiscal year.
st.subheader(f"Won revenue by month · {periods.fiscal_year_label(f.as_of, fiscal_start)}")
cumulative = st.toggle("Running totals", key="overview_cumulative")
st.plotly_chart(
    data.derived(
        "won_by_month",
        charts.won_against_quota,
        cumulative,
        SYMBOLS.get(currency, ""),
        as_of=f.as_of,
        **scope,
    ),
    key="won_by_month_chart",
)
how_computed("months", ["won", "quota"], ["won_by_month", "quota_by_month"])
