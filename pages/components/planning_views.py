"""Planning's sections: next year's quota plan for a scope (its basis, the preview a
manager can adjust per rep, and saving it), and the reverse funnel of a quarter."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
    found = data.run(planning_figures.plan_basis, as_of=f.as_of, year_start=next_year,
                     fiscal_start=fiscal_start, **f.scope)  # fmt: skip
    scope_key = f"team:{f.team_id}" if f.team_id is not None else quotas.COMPANY
    try:
        plan = planning.propose(
            found, next_year, scope_key, f.scope_label, Decimal(1) + Decimal(str(growth)) / 100,
            by_history, Decimal(str(over)) / 100,
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
    edited = rep_editor(plan, month_names, currency)
    if edited is None:
        return
    ote = ote_editor(plan, edited, currency)
    reps_year = sum(sum(row[1:], Decimal(0)) for row in edited)
    share = reps_year / plan.target - 1 if plan.target else Decimal(0)
    st.caption(
        f"The reps' plans add up to {markdown_text(money(reps_year, currency))}: "
        f"{percent(float(share), 1)} over the scope's plan."
        if share > 0 else
        f"The reps' plans add up to {markdown_text(money(reps_year, currency))}."
    )  # fmt: skip
    if st.button("Save the plan", type="primary", key="plan_save"):
        save(user, plan, edited, f.team_id, ote)
    how_computed("plan", planning_figures.plan_basis)


def rep_editor(plan: planning.Plan, month_names: list[str], currency: str) -> list | None:
    """The reps' plans, each month editable; returns [(user_id, month amounts...)] or
    None (with the reason shown) when a cell is not an amount."""
    columns = [quotas.month_column(m) for m in plan.months]
    table = plan.reps[["name", *columns]].copy()
    for column in columns:
        table[column] = table[column].astype(float)
    table.insert(1, "scope", False)
    scope_row = pd.DataFrame([{"name": f"{plan.scope_name} (the scope)", "scope": True,
                               **{c: float(a) for c, a in zip(columns, plan.scope_months,
                                                              strict=True)}}])  # fmt: skip
    shown = pd.concat([scope_row, table], ignore_index=True)
    money_format = tables.money_format(currency)
    edited = st.data_editor(
        shown, hide_index=True, key=f"plan_editor_{plan.target}_{len(plan.reps)}",
        disabled=["name", "scope"],
        column_config={"name": "Plan", "scope": None,
                       **{c: st.column_config.NumberColumn(n, format=money_format, min_value=0)
                          for c, n in zip(columns, month_names, strict=True)}},
    )  # fmt: skip
    rows = []
    for user_id, (_, row) in zip(plan.reps["user_id"], edited.iloc[1:].iterrows(), strict=True):
        try:
            amounts = [Decimal(str(row[c])).quantize(Decimal("0.01"), ROUND_HALF_UP)
                       for c in columns]  # fmt: skip
        except (InvalidOperation, ValueError):
            st.error(f"{markdown_text(row['name'])}: every month needs an amount.")
            return None
        rows.append((int(user_id), *amounts))
    return rows


def ote_editor(plan: planning.Plan, edited: list, currency: str) -> dict:
    """Each rep's on-target earnings (editable, optional) beside their year's quota in
    this plan, the ratio flagged outside the usual 3-5x. Returns user id -> amount."""
    st.markdown("**On-target earnings**")
    table = pd.DataFrame({
        "Rep": plan.reps["name"],
        "ote": [None if o is None or pd.isna(o) else float(o) for o in plan.reps["ote"]],
    })  # fmt: skip
    typed = st.data_editor(
        table, hide_index=True, key=f"ote_editor_{plan.scope_key}", disabled=["Rep"],
        column_config={"ote": st.column_config.NumberColumn(
            "On-target earnings (a year)", format=tables.money_format(currency), min_value=0)},
    )  # fmt: skip
    ote = {}
    for user_id, value in zip(plan.reps["user_id"], typed["ote"], strict=True):
        ote[int(user_id)] = None if value is None or pd.isna(value) else str(value)
    years = {row[0]: sum(row[1:], Decimal(0)) for row in edited}
    ratios = [planning.ote_ratio(years[u], None if o is None else Decimal(o))
              for u, o in ote.items()]  # fmt: skip
    st.dataframe(
        pd.DataFrame({
            "Rep": plan.reps["name"],
            "Year's quota": [float(years[u]) for u in ote],
            "Quota / OTE": [None if r is None else float(r) for r in ratios],
            "Check": [planning.ote_flag(r) for r in ratios],
        }),
        hide_index=True, key="ote_ratios",
        column_config={"Year's quota": st.column_config.NumberColumn(
                           format=tables.money_format(currency)),
                       "Quota / OTE": st.column_config.NumberColumn(format="%.1fx")},
    )  # fmt: skip
    low, high = planning.OTE_RATIO
    st.caption(f"A year's quota is usually {low}-{high}x on-target earnings; blank earnings are "
               "not checked.")  # fmt: skip
    return ote


def save(
    user: users.User, plan: planning.Plan, edited: list, team_id: int | None, ote: dict
) -> None:
    columns = [quotas.month_column(m) for m in plan.months]
    reps = plan.reps[["user_id", "name", "ote"]].copy()
    for index, column in enumerate(columns, start=1):
        reps[column] = [row[index] for row in edited]
    final = planning.Plan(plan.year_start, plan.scope_key, plan.scope_name, plan.target,
                          plan.months, plan.scope_months, reps, plan.over_assignment)  # fmt: skip
    try:
        changed = planning.save(store.write_cursor(), user, final, team_id, ote)
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
