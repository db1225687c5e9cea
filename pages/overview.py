"""Overview: attainment against quota and pace, the quarter's forecast, and who is where."""

from decimal import Decimal

import streamlit as st

from pages.components import charts, data, export, frame, notices, tables
from pages.components.explain import how_computed
from pages.components.filters import Filters
from pages.components.format import SYMBOLS, markdown_text, money, money_short, multiple, percent
from pipeline import health, periods
from pipeline.figures import attainment, forecast


def header(f: Filters, currency: str, fiscal_start: int) -> None:
    st.title("Overview")
    st.caption(
        f"{markdown_text(f.scope_label)} · as of {f.as_of:%A %d %B %Y} · "
        f"{periods.fiscal_year_label(f.as_of, fiscal_start)} (fiscal year starts "
        f"{periods.date(2000, fiscal_start, 1):%B}) · amounts in {currency}; tiles abbreviate "
        "large amounts, hover for the exact figure"
    )
    notices.other_currencies(currency)
    span = data.run(health.data_span)
    if span["deals"] == 0:
        st.info("There are no deals yet. Import a CRM export or build the demo database.")
    elif f.as_of < span["first_day"]:
        st.warning(
            f"The first deal was created on {span['first_day']:%d %b %Y}: nothing before it."
        )
    elif (f.as_of - span["last_day"]).days > STALE_DATA_DAYS:
        st.info(
            f"The data ends on {span['last_day']:%d %b %Y}: figures after it show what was "
            "recorded by then."
        )


STALE_DATA_DAYS = 7  # a week without any deal event is worth saying; yesterday is not
TILE_SHORT_FROM = Decimal(1_000_000)  # four tiles in a row: a million reads as $1.23M


def plan_coverage(row) -> str | None:
    """'Quota covers 2 of 3 months' when the plan leaves months of the period out."""
    if row["quota"] is None or row["quota_months"] >= row["period_months"]:
        return None
    return f"Quota covers {row['quota_months']} of {row['period_months']} months."


def tiles(f: Filters, currency: str) -> None:
    """One tile per period to date: won, versus pace, attainment of quota."""
    rows = data.run(attainment.by_period, as_of=f.as_of, **f.scope).to_dict("records")
    for column, row in zip(st.columns(4), rows, strict=True):
        with column.container(border=True, key=f"tile_{row['period']}"):
            vs_pace = row["vs_pace"]
            st.metric(
                f"{periods.PERIOD_NAMES[row['period']]} · won",
                money_short(row["won"], currency, short_from=TILE_SHORT_FROM),
                delta=None
                if vs_pace is None
                else f"{money_short(vs_pace, currency, signed=True, short_from=TILE_SHORT_FROM)}"
                " vs pace",
                help=f"Won {markdown_text(money(row['won'], currency))} in {row['won_deals']} "
                f"deals, {row['start']:%d %b %Y} to {f.as_of:%d %b %Y}.",
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
            if note := plan_coverage(row):
                st.caption(f":material/warning: {note}")
    how_computed("tiles", attainment.by_period)


def forecast_section(f: Filters, currency: str) -> None:
    """This quarter's forecast against quota and pace, and coverage."""
    found = data.run(forecast.for_quarter, as_of=f.as_of, **f.scope)
    quarter = found["quarter"]
    last_day = quarter.end - periods.timedelta(days=1)
    st.subheader(f"Forecast for the quarter {quarter.start:%d %b} – {last_day:%d %b %Y}")
    left, right = st.columns([3, 1])
    with left:
        st.plotly_chart(
            data.derived(
                forecast.for_quarter,
                charts.forecast_bullet,
                SYMBOLS.get(currency, ""),
                as_of=f.as_of,
                **f.scope,
            ),
            key="forecast_chart",
        )
    with right:
        for label, key, text in (
            ("Commit forecast", "commit_forecast", "Closed + commit."),
            ("Best-case forecast", "best_case_forecast", "Closed + commit + best case."),
        ):
            st.metric(
                label,
                money_short(found[key], currency, short_from=TILE_SHORT_FROM),
                help=f"{text} {markdown_text(money(found[key], currency))}",
            )
        target = found["coverage_target"]
        st.metric(
            "Coverage",
            multiple(found["coverage"]),
            help=f"Open pipeline closing this quarter / (quota - won). Target {target}x "
            "(the coverage-target setting).",
        )
        if found["below_target"]:
            st.caption(f":material/warning: Below the {target}x target.")
        elif found["coverage"] is not None:
            st.caption(f"Target {target}x.")
    st.caption(
        f"Closed {markdown_text(money(found['closed'], currency))} · "
        f"Commit {markdown_text(money(found['commit'], currency))} · "
        f"Best case {markdown_text(money(found['best_case'], currency))} · "
        f"Open pipeline {markdown_text(money(found['open_pipeline'], currency))} "
        f"(weighted {markdown_text(money(found['weighted_open'], currency))})"
    )
    if found["quota"] is not None and found["quota_months"] < found["period_months"]:
        st.caption(
            f":material/warning: The quarter's quota covers {found['quota_months']} of "
            f"{found['period_months']} months."
        )
    how_computed("forecast", forecast.for_quarter)


def attainment_tables(f: Filters, currency: str) -> None:
    """Attainment by team (every level of the tree) and by rep, for the chosen period."""
    st.subheader(f"Attainment by team and rep · {periods.PERIOD_NAMES[f.period].lower()}")
    params = {"as_of": f.as_of, "period_kind": f.period, **f.scope}
    # Only the open tab's table is computed and sent (switching tabs reruns the page).
    by_team_tab, by_rep_tab = st.tabs(
        ["By team", "By rep"], key="attainment_tab", on_change="rerun"
    )
    if by_team_tab.open:
        with by_team_tab:
            if f.owner_id is not None:
                st.caption(f"The teams {markdown_text(f.scope_label)} belongs to.")
            shown = data.derived(attainment.by_team, tables.team_rows, **params)
            st.dataframe(
                shown,
                column_config=tables.attainment_columns(currency, "Team"),
                hide_index=True,
                key="attainment_by_team",
            )
            export.downloads(
                data.run(attainment.by_team, **params).select(tables.TEAM_EXPORT),
                "attainment-by-team",
                "by_team",
            )
    if by_rep_tab.open:
        with by_rep_tab:
            shown = data.derived(attainment.by_rep, tables.rep_rows, **params)
            st.dataframe(
                shown,
                column_config=tables.attainment_columns(currency, "Rep"),
                hide_index=True,
                key="attainment_by_rep",
            )
            export.downloads(
                data.run(attainment.by_rep, **params).select(tables.REP_EXPORT),
                "attainment-by-rep",
                "by_rep",
            )
    st.caption(
        "A blank quota is not set (Data & settings › Quotas); attainment, pace and gap are "
        "then not computed. 'Plan' names a quota that covers only some months."
    )
    how_computed("tables", attainment.by_team, attainment.by_rep)


def months_chart(f: Filters, currency: str, fiscal_start: int) -> None:
    """Won revenue by month against quota, for the fiscal year."""
    st.subheader(f"Won revenue by month · {periods.fiscal_year_label(f.as_of, fiscal_start)}")
    cumulative = st.toggle("Running totals", key="overview_cumulative")
    st.plotly_chart(
        data.derived(
            attainment.won_by_month,
            charts.won_against_quota,
            cumulative,
            SYMBOLS.get(currency, ""),
            as_of=f.as_of,
            **f.scope,
        ),
        key="won_by_month_chart",
    )
    how_computed("months", attainment.won_by_month)


filters = frame.start()
currency = data.setting("currency", "USD")
fiscal_start = int(data.setting("fiscal_year_start_month", "1"))
header(filters, currency, fiscal_start)
tiles(filters, currency)
forecast_section(filters, currency)
attainment_tables(filters, currency)
months_chart(filters, currency, fiscal_start)
