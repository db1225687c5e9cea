"""The sections of Funnel & conversion: the cuts and the win-rate definition (kept in
the URL), the snapshot and cohort funnels with the deals behind a step, conversion
(win and loss rates, deal size, cycle, velocity, the age of open deals), time in stage
and loss reasons. Each reads a figure by reference and shows it."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from pages.components import charts, data, export, kept, tables
from pages.components.explain import how_computed
from pages.components.filters import Filters
from pages.components.format import markdown_text, money, money_short, percent
from pipeline import periods, qualification
from pipeline.figures import funnel, hygiene

DEAL_TYPES = {"new": "New business", "expansion": "Expansion", "renewal": "Renewal"}
SIZES = {"large": "Large deals", "velocity": "High-velocity deals"}
CUT_KEYS = {"segment": "cut_segment", "deal_type": "cut_type", "source": "cut_source",
            "size": "cut_size", "pipeline": "cut_pipeline"}  # fmt: skip
WIN_KEY = "win_definition"
SHORT_FROM = Decimal(1_000_000)  # the funnel's steps show millions from here


ALL = ""  # the boxes' "every deal" choice (a box's None would read "Choose an option")


def from_url(key: str, name: str, options: list, fallback: str = ALL) -> dict:
    """The box ``key`` kept for the session; a link's choice (``?name=``) wins on its
    first look, else ``fallback``."""

    def asked() -> str:
        value = st.query_params.get(name)
        return value if value in options else fallback

    return kept.widget(key, asked, lambda value: value in options)


def to_url(name: str, value) -> None:
    if value in (None, ALL):
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = str(value)


def choose_cut() -> tuple[str, funnel.Cut]:
    """The pipeline and the cut, as boxes in a row (each kept in the URL)."""
    pipelines = data.run_for_plan(funnel.pipelines)
    choices = data.run_for_plan(funnel.cut_choices)
    options = {
        "segment": [ALL, *choices["segment"]],
        "deal_type": [ALL, *DEAL_TYPES],
        "source": [ALL, *choices["source"]],
        "size": [ALL, *SIZES],
    }
    names = {"deal_type": DEAL_TYPES, "size": SIZES}
    columns = st.columns(5 if len(pipelines) > 1 else 4)
    pipeline = pipelines[0] if pipelines else "default"
    if len(pipelines) > 1:
        pipeline = columns.pop(0).selectbox(
            "Pipeline", pipelines, **from_url(CUT_KEYS["pipeline"], "pipeline", pipelines, pipeline)
        )
        to_url("pipeline", None if pipeline == pipelines[0] else pipeline)
    chosen = {}
    for (name, values), column in zip(options.items(), columns, strict=True):
        labels = names.get(name, {})
        chosen[name] = column.selectbox(
            name.replace("_", " ").capitalize(), values, **from_url(CUT_KEYS[name], name, values),
            format_func=lambda v, labels=labels: "All" if v == ALL else labels.get(v, v),
        ) or None  # fmt: skip
        to_url(name, chosen[name])
    return pipeline, funnel.Cut(**chosen)


def choose_win_definition() -> str:
    """Which win rate the page shows, everywhere on it (kept in the URL as ?win=)."""

    def asked() -> str:
        value = st.query_params.get("win")
        return value if value in funnel.WIN_DEFINITIONS else "closed"

    chosen = st.segmented_control(
        "Win rate", list(funnel.WIN_DEFINITIONS), **kept.widget(WIN_KEY, asked),
        format_func={"closed": "Of deals closed", "created": "Of deals created"}.get,
        help="\n\n".join(f"{k}: {v}" for k, v in funnel.WIN_DEFINITIONS.items()),
    ) or "closed"  # fmt: skip
    to_url("win", None if chosen == "closed" else chosen)
    return chosen


def win_label(definition: str) -> str:
    return (
        "won / (won + lost), deals closed"
        if definition == "closed"
        else ("won / created, deals created")
    )


def funnels_section(
    f: Filters, span: periods.Period, pipeline: str, cut: funnel.Cut, currency: str
) -> None:
    params = {"pipeline": pipeline, "cut": cut, **f.scope}
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Open pipeline at the end of {f.as_of:%d %b %Y}**")
        snapshot = data.run(funnel.snapshot, as_of=f.as_of, **params)
        if int(snapshot["deals"].sum()) == 0:
            st.info("No open deals here.")
        else:
            texts = [
                f"{int(n):,} · {money_short(a, currency, short_from=SHORT_FROM)}"
                for n, a in zip(snapshot["deals"], snapshot["amount"], strict=True)
            ]
            st.plotly_chart(
                charts.funnel(list(snapshot["stage"]), [int(n) for n in snapshot["deals"]], texts),
                key="snapshot_funnel",
            )
    with right:
        mode = st.segmented_control(
            "Count a deal at a stage", list(funnel.MODES), default="any", key="cohort_mode",
            format_func={"any": "Any-stage", "strict": "Strict"}.get,
            help="\n\n".join(funnel.MODES.values()),
        ) or "any"  # fmt: skip
        cohort = data.run(funnel.COHORT[mode], span=span, **params)
        st.markdown(f"**Deals created {span.start:%d %b} – {f.as_of:%d %b %Y}: how far they got**")
        if int(cohort["deals"].sum()) == 0:
            st.info("No deals were created here in the period.")
        else:
            texts = [
                f"{int(n):,}" + ("" if step is None or pd.isna(step) else f" · {step:.0%} on")
                for n, step in zip(cohort["deals"], cohort["step_conversion"], strict=True)
            ]
            st.plotly_chart(
                charts.funnel(list(cohort["stage"]), [int(n) for n in cohort["deals"]], texts),
                key="cohort_funnel",
            )
            st.caption(markdown_text(funnel.MODES[mode]) + ".")
            cohort_behind(f, span, params, cohort, mode)
    how_computed(
        "funnels",
        funnel.snapshot,
        funnel.cohort_any_stage,
        funnel.cohort_strict,
        funnel.cohort_deals,
    )


def cohort_behind(f: Filters, span, params: dict, cohort: pd.DataFrame, mode: str) -> None:
    steps = dict(zip(cohort["step"].astype(int), cohort["stage"], strict=True))
    step = st.selectbox("Show the deals counted at", [None, *steps], key="cohort_step",
                        format_func=lambda s: "—" if s is None else steps[s])  # fmt: skip
    if step is None:
        return
    deals = data.run(funnel.cohort_deals, span=span, step=step, mode=mode, **params)
    st.dataframe(
        deals[["name", "owner", "status", "amount", "created_at"]].astype({"amount": float}),
        hide_index=True, key="cohort_deals",
        column_config={"name": "Deal", "owner": "Owner", "status": "Status now",
                       "amount": "Amount", "created_at": "Created"},
    )  # fmt: skip


def conversion_section(f: Filters, span, cut: funnel.Cut, definition: str, currency: str):
    found = data.run(funnel.rates, span=span, cut=cut, **f.scope)
    win, loss = found.win_rate(definition), found.loss_rate(definition)
    first, second, third, fourth = st.columns(4)
    first.metric(f"Win rate, of deals {definition}", "—" if win is None else percent(win, 1),
                 help=funnel.WIN_DEFINITIONS[definition])  # fmt: skip
    second.metric(f"Loss rate, of deals {definition}", "—" if loss is None else percent(loss, 1),
                  help=funnel.WIN_DEFINITIONS[definition].replace("won /", "lost /"))  # fmt: skip
    size = found.average_deal_size
    third.metric(
        "Average deal size", "—" if size is None else money(size, currency),
        help=f"{found.won:,} deals won for {markdown_text(money(found.won_amount, currency))}",
    )  # fmt: skip
    cycle = found.cycle_mean_days
    fourth.metric(
        "Sales cycle", "—" if cycle is None else f"{cycle:,.0f} days",
        help="Mean days from creation to the win"
        + ("" if found.cycle_median_days is None else f"; median {found.cycle_median_days:,.0f}"),
    )  # fmt: skip
    velocity = found.velocity(definition)
    st.markdown(
        "**Sales velocity**: "
        + ("—" if velocity is None else f"{markdown_text(money(velocity, currency))} a day")
        + f" = {found.open_deals:,} open deals × "
        + ("—" if win is None else percent(win, 1))
        + " win rate × "
        + ("—" if size is None else markdown_text(money(size, currency)))
        + " average deal ÷ "
        + ("—" if cycle is None else f"{cycle:,.1f}")
        + " days' cycle"
    )
    st.caption(
        f"In the period: {found.won:,} won, {found.lost:,} lost; {found.created:,} deals "
        f"created, of which {found.created_won:,} won and {found.created_lost:,} lost by now."
    )
    ages = data.run(funnel.open_deal_ages, now=data.now(), cut=cut, **f.scope)
    st.markdown("**Age of open deals**")
    st.plotly_chart(charts.age_bars(list(ages["label"]), [int(n) for n in ages["deals"]]),
                    key="open_deal_ages")  # fmt: skip
    how_computed("conversion", funnel.rates, funnel.open_deal_ages)


def time_section(f: Filters, pipeline: str) -> None:
    stays = data.run_daily(funnel.stage_stays, pipeline=pipeline, **f.scope)
    medians = data.run_daily(hygiene.stage_time_medians)
    stuck = data.run(funnel.stuck_by_stage, pipeline=pipeline, now=data.now(), medians=medians,
                     **f.scope)  # fmt: skip
    table = stays.merge(stuck[["stage_id", "open_deals", "stuck"]], on="stage_id")
    timed = table.dropna(subset=["median_days"])
    slowest = timed.loc[timed["median_days"].idxmax(), "stage"] if len(timed) else None
    st.dataframe(
        table.drop(columns="stage_id"), hide_index=True, key="time_in_stage",
        column_config={"stage": "Stage", "median_days": st.column_config.NumberColumn(
                           "Median days", format="%.1f"),
                       "p75_days": st.column_config.NumberColumn("75th percentile", format="%.1f"),
                       "stays": "Completed stays", "open_deals": "Open now",
                       "stuck": "Stuck now"},
    )  # fmt: skip
    if slowest is not None:
        st.caption(f"Deals spend longest in {markdown_text(slowest)} (by the median stay).")
    how_computed("time", funnel.stage_stays, funnel.stuck_by_stage)


def losses_section(f: Filters, span, cut: funnel.Cut, currency: str) -> None:
    found = data.run(funnel.loss_reasons, span=span, cut=cut, **f.scope)
    if found.empty:
        st.info("No deal was lost here in the period.")
        how_computed("losses", funnel.loss_reasons)
        return
    measure = st.segmented_control(
        "Bars show", ["deals", "value"], default="deals", key="loss_measure",
        format_func=str.capitalize,
    ) or "deals"  # fmt: skip
    ordered = found if measure == "deals" else funnel.losses_by_value(found)
    heights = ([int(n) for n in ordered["deals"]] if measure == "deals"
               else [float(a) for a in ordered["amount"]])  # fmt: skip
    st.plotly_chart(
        charts.pareto(list(ordered["reason"]), heights, list(ordered["cumulative_share"]),
                      "deals lost" if measure == "deals" else f"value lost ({currency})"),
        key="loss_pareto",
    )  # fmt: skip
    shown = found.assign(amount=found["amount"].astype(float))
    st.dataframe(
        shown[["reason", "deals", "amount"]], hide_index=True, key="loss_table",
        column_config={"reason": "Reason", "deals": "Deals",
                       "amount": st.column_config.NumberColumn(
                           "Value", format=tables.money_format(currency))},
    )  # fmt: skip
    reason = st.selectbox("Show the deals lost for", [None, *found["reason"]], key="loss_reason",
                          format_func=lambda r: "—" if r is None else r)  # fmt: skip
    if reason is not None:
        deals = data.run(funnel.lost_deals, span=span, cut=cut, reason=reason, **f.scope)
        st.dataframe(
            deals[["name", "owner", "amount", "closed_at", "lost_reason"]].astype(
                {"amount": float}),
            hide_index=True, key="lost_deals",
            column_config={"name": "Deal", "owner": "Owner", "amount": "Amount",
                           "closed_at": "Lost on", "lost_reason": "Reason as typed"},
        )  # fmt: skip
        export.downloads(deals, "lost-deals", "lost_deals")
    how_computed("losses", funnel.loss_reasons, funnel.lost_deals)


def qualification_section(f: Filters, span, pipeline: str, cut: funnel.Cut) -> None:
    framework = data.setting(qualification.SETTING, qualification.DEFAULT)
    found = data.run(funnel.qualified_against_not, span=span, pipeline=pipeline, cut=cut,
                     framework=framework, **f.scope)  # fmt: skip
    criteria = ", ".join(qualification.LABELS[k] for k in qualification.criteria(framework))
    st.caption(
        f"Qualified ({framework}): every one of {criteria}. Deals closed in the period, at "
        "each stage they reached; the framework is chosen in Data & settings."
    )
    if int(found["qualified_deals"].sum() + found["other_deals"].sum()) == 0:
        st.info("No deal closed here in the period.")
    else:
        shown = pd.DataFrame({
            "Stage": found["stage"],
            "Qualified: deals": found["qualified_deals"],
            "Qualified: win rate": found["qualified_win_rate"],
            "Qualified: median cycle": found["qualified_cycle_days"],
            "Not: deals": found["other_deals"],
            "Not: win rate": found["other_win_rate"],
            "Not: median cycle": found["other_cycle_days"],
        })  # fmt: skip
        rate = st.column_config.NumberColumn(format="percent")
        days = st.column_config.NumberColumn(format="%.0f days")
        st.dataframe(
            shown, hide_index=True, key="qualification_table",
            column_config={
                "Qualified: win rate": rate,
                "Not: win rate": rate,
                "Qualified: median cycle": days,
                "Not: median cycle": days,
            },
        )  # fmt: skip
    how_computed("qualification", funnel.qualified_against_not)


def profitability_section(f: Filters, span, cut: funnel.Cut, currency: str) -> None:
    found = data.run(funnel.margins, span=span, cut=cut, **f.scope)
    costed = int(found.loc[found["dimension"] == "segment", "costed_deals"].sum())
    won = int(found.loc[found["dimension"] == "segment", "won_deals"].sum())
    if costed == 0:
        st.info(
            "No deal won here in the period has a cost to deliver, so there is no margin to "
            "show (not a margin of zero). Costs are entered in a deal's form or imported "
            "with a Cost column."
        )
        how_computed("margins", funnel.margins)
        return
    st.caption(f"Over the {costed:,} of {won:,} deals won in the period whose cost is known.")
    money_format = tables.money_format(currency)
    for dimension, title in (("segment", "Segment"), ("rep", "Rep")):
        part = found[found["dimension"] == dimension]
        st.markdown(f"**By {title.lower()}**")
        st.dataframe(
            pd.DataFrame({
                title: part["name"],
                "Won deals": part["won_deals"],
                "With a cost": part["costed_deals"],
                "Amount": part["amount"].astype(float),
                "Cost": part["cost"].astype(float),
                "Margin": part["margin"].astype(float),
                "Margin %": [None if s is None else float(s) for s in part["margin_share"]],
            }),
            hide_index=True, key=f"margins_{dimension}",
            column_config={
                **{c: st.column_config.NumberColumn(format=money_format)
                   for c in ("Amount", "Cost", "Margin")},
                "Margin %": st.column_config.NumberColumn(format="percent"),
            },
        )  # fmt: skip
    how_computed("margins", funnel.margins)
