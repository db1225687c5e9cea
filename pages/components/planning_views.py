"""Planning's sections: next year's quota plan for a scope (its basis, the preview a
manager can adjust per rep, and saving it), and the reverse funnel of a quarter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from pages.components import charts, data, outcome, store, tables
from pages.components.explain import how_computed
from pages.components.filters import Filters
from pages.components.format import markdown_text, money, percent
from pipeline import db, engine, periods, permissions, planning, quotas, users, validation
from pipeline.figures import funnel
from pipeline.figures import planning as planning_figures

SAVED = "plan_saved"


def may_plan(con, actor_id: int, team_id: int | None) -> bool:
    return planning.may_plan(con, users.get(con, actor_id), team_id)


def quota_plan_section(f: Filters, user: users.User, fiscal_start: int, currency: str) -> None:
    outcome.show(SAVED)
    if f.owner_id is not None:
        st.info("A plan is made for a team (or the company): choose one in the sidebar.")
        return
    if not data.run(may_plan, actor_id=user.id, team_id=f.team_id):
        st.info(
            "Plans are made by an admin, or by a manager for their own team and the teams "
            "below it: choose your team in the sidebar."
        )
        return
    next_year = periods.add_months(periods.fiscal_year_start(f.as_of, fiscal_start), 12)
    growth_column, split_column, over_column = st.columns(3)
    growth = growth_column.number_input("Growth on the last 12 months (%)", value=10.0,
                                        step=1.0, key="plan_growth")  # fmt: skip
    by_history = split_column.radio(
        "Split over the reps", [True, False], horizontal=True, key="plan_split",
        format_func=lambda h: "By their wins" if h else "Evenly",
    )  # fmt: skip
    over = over_column.number_input("Over-assignment (%)", value=0.0, min_value=0.0, step=5.0,
                                    key="plan_over")  # fmt: skip
    params = {"as_of": f.as_of, "year_start": next_year, "fiscal_start": fiscal_start,
              **f.scope}  # fmt: skip
    found = data.run(planning_figures.plan_basis, **params)
    scope_key = f"team:{f.team_id}" if f.team_id is not None else quotas.COMPANY
    factor, over_share = Decimal(1) + Decimal(str(growth)) / 100, Decimal(str(over)) / 100
    try:  # made once per data version and choice, shared by every session
        plan, table = data.derived(
            planning_figures.plan_basis, proposal, next_year, scope_key, f.scope_label, factor,
            by_history, over_share, **params,
        )  # fmt: skip
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
        return
    st.caption(
        f"{markdown_text(f.scope_label)} won {markdown_text(money(found.won, currency))} from "
        f"{found.won_from:%d %b %Y} to {found.won_to - pd.Timedelta(days=1):%d %b %Y}; "
        f"x {1 + growth / 100:.2f} = {markdown_text(money(plan.target, currency))} for "
        f"{periods.fiscal_year_label(next_year, fiscal_start)}. Months weighted by "
        + (f"the wins of {found.seasonal_years} complete fiscal years before this one."
           if found.seasonal_years else "nothing yet (no complete fiscal year): even months.")
    )  # fmt: skip
    month_names = [f"{m:%b %Y}" for m in plan.months]
    st.plotly_chart(
        charts.plan_months(month_names, [float(a) for a in plan.scope_months],
                           [float(s) * 100 for s in found.seasonality]),
        key="plan_months",
    )  # fmt: skip
    money_format = tables.money_format(currency)
    st.dataframe(
        pd.DataFrame([{"name": f"{plan.scope_name} (the scope)",
                       **{c: float(a) for c, a in zip(table.columns[1:13], plan.scope_months,
                                                      strict=True)}}]),
        hide_index=True, key="plan_scope_row",
        column_config={"name": "Plan", **{c: st.column_config.NumberColumn(n, format=money_format)
                       for c, n in zip(table.columns[1:13], month_names, strict=True)}},
    )  # fmt: skip
    # The editor starts afresh whenever the proposal changes (edits belong to one).
    token = f"{scope_key}_{next_year}_{factor}_{by_history}_{over_share}_{len(plan.reps)}"
    final, ote = rep_editor(plan, table, month_names, money_format, token)
    if final is None:
        return
    reps_year = sum(final.reps["total"], Decimal(0))
    share = reps_year / plan.target - 1 if plan.target else Decimal(0)
    st.caption(
        f"The reps' plans add up to {markdown_text(money(reps_year, currency))}: "
        f"{percent(float(share), 1)} over the scope's plan."
        if share > 0 else
        f"The reps' plans add up to {markdown_text(money(reps_year, currency))}."
    )  # fmt: skip
    flagged = planning.ote_flags(final, ote)
    low, high = planning.OTE_RATIO
    if flagged.empty:
        st.caption(f"Every rep with on-target earnings has a year's quota {low}-{high}x them.")
    else:
        st.markdown(f"**Quota outside {low}-{high}x on-target earnings** ({len(flagged):,} reps)")
        st.dataframe(
            flagged.assign(year=flagged["year"].astype(float), ote=flagged["ote"].astype(float),
                           ratio=flagged["ratio"].astype(float)),
            hide_index=True, key="ote_flags",
            column_config={"name": "Rep",
                           "year": st.column_config.NumberColumn("Year's quota",
                                                                 format=money_format),
                           "ote": st.column_config.NumberColumn("On-target earnings",
                                                                format=money_format),
                           "ratio": st.column_config.NumberColumn("Quota / OTE", format="%.1fx"),
                           "flag": "Check"},
        )  # fmt: skip
    if st.button("Save the plan", type="primary", key="plan_save"):
        save(user, final, f.team_id, ote)
    how_computed("plan", planning_figures.plan_basis)


def proposal(found: planning.Basis, *choices) -> tuple[planning.Plan, pd.DataFrame]:
    """The plan proposed for these choices and its reps' table as the editor shows it
    (months and on-target earnings as floats)."""
    plan = planning.propose(found, *choices)
    columns = [quotas.month_column(m) for m in plan.months]
    table = plan.reps[["name", *columns, "ote"]].copy()
    for column in [*columns, "ote"]:
        table[column] = [None if v is None or pd.isna(v) else float(v) for v in table[column]]
    return plan, table


def rep_editor(plan: planning.Plan, table: pd.DataFrame, month_names: list[str],
               money_format: str, token: str) -> tuple[planning.Plan | None, dict]:  # fmt: skip
    """The reps' plans and on-target earnings, each cell editable; returns the plan with
    the edits and the earnings edited, or (None, {}) with the reason shown when a cell is
    not an amount."""
    key = f"plan_editor_{token}"
    columns = list(table.columns[1:13])
    st.data_editor(
        table, hide_index=True, key=key, disabled=["name"],
        column_config={"name": "Rep",
                       **{c: st.column_config.NumberColumn(n, format=money_format, min_value=0)
                          for c, n in zip(columns, month_names, strict=True)},
                       "ote": st.column_config.NumberColumn(
                           "On-target earnings", format=money_format, min_value=0,
                           help="Optional: a year's pay at target, checked against the quota")},
    )  # fmt: skip
    edits = st.session_state.get(key, {}).get("edited_rows", {})
    try:
        return planning.with_edits(plan, edits)
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
        return None, {}


def save(user: users.User, plan: planning.Plan, team_id: int | None, ote: dict) -> None:
    try:
        changed = planning.save(store.write_cursor(), user, plan, team_id, ote)
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
    except (permissions.PermissionDenied, engine.Busy, db.DatabaseError) as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")
    else:
        outcome.remember(SAVED, f"Plan saved: {changed:,} monthly quotas changed.")
        st.rerun()


def reverse_funnel_section(f: Filters, quarter: date, pipeline: str, currency: str) -> None:
    found = data.run(planning_figures.reverse_funnel, as_of=f.as_of, quarter_start=quarter,
                     pipeline=pipeline, **f.scope)  # fmt: skip
    first, second, third, fourth = st.columns(4)
    first.metric("Quota", "—" if found.quota is None else money(found.quota, currency))
    second.metric("Won so far", money(found.closed, currency))
    third.metric("Gap", "—" if found.gap is None else money(found.gap, currency))
    size = found.average_deal_size
    fourth.metric(
        "Wins needed", "—" if found.wins_needed is None else f"{found.wins_needed:,}",
        help="Gap / average deal size "
        + ("(no deal won in the last 12 months)" if size is None
           else f"{markdown_text(money(size, currency))}, from {found.won_deals:,} wins"),
    )  # fmt: skip
    if found.quota is None:
        st.info("No quota plan covers this quarter yet: the reverse funnel starts from one.")
        how_computed("reverse", planning_figures.reverse_funnel)
        return
    stages = found.stages
    shown = pd.DataFrame({
        "Stage": stages["stage"],
        "Reached (12 months)": stages["reached"],
        "Conversion to a win": [None if c is None else float(c) for c in stages["conversion"]],
        "Needed at or past it": stages["needed"],
        "There now": stages["have"],
        "Short": stages["short"],
    })  # fmt: skip
    left, right = st.columns(2)
    with left:
        needed = [0 if n is None else int(n) for n in stages["needed"]]
        st.markdown("**Needed to close the gap**")
        st.plotly_chart(charts.funnel(list(stages["stage"]), needed, [f"{n:,}" for n in needed]),
                        key="needed_funnel")  # fmt: skip
    with right:
        have = [int(n) for n in stages["have"]]
        st.markdown("**There now (at the stage or past it)**")
        st.plotly_chart(charts.funnel(list(stages["stage"]), have, [f"{n:,}" for n in have]),
                        key="have_funnel")  # fmt: skip
    st.dataframe(shown, hide_index=True, key="reverse_table", column_config={
        "Conversion to a win": st.column_config.NumberColumn(format="percent"),
    })  # fmt: skip
    per_week = found.needed_per_week
    st.caption(
        f"New deals: {found.created_per_week:,.1f} a week over the last 13 weeks; "
        + ("the first stage is not short." if not per_week
           else f"{per_week:,.1f} a week are needed over the {found.weeks_left:,.1f} weeks left.")
    )  # fmt: skip
    how_computed("reverse", planning_figures.reverse_funnel)


def pipeline_of() -> str:
    pipelines = data.run_for_plan(funnel.pipelines)
    return pipelines[0] if pipelines else "default"
