"""The weekly forecast call: what the user commits to for the quarter and their best
case, with their calls so far this quarter."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from pages.components import data, store
from pages.components.format import markdown_text, money, money_column_format
from pipeline import db, engine, forecast_calls, permissions, users, validation, workspace


def show(user: users.User, currency: str, now: datetime) -> None:
    if not permissions.can_submit_forecast(user):
        return
    st.divider()
    call_params = {"user_id": user.id, "today": now.date()}
    quarter, calls = data.run(workspace.forecast_calls_this_quarter, **call_params)
    st.subheader("Forecast call", anchor=False)
    week_start = now.date().toordinal() - now.weekday()
    this_week = calls[[d.toordinal() >= week_start for d in calls["week_of"]]]
    st.caption(
        f"Your call for the quarter starting {quarter:%d %b %Y}: one per week, revisable until "
        "Sunday night; earlier weeks' calls are kept."
    )
    if "call_commit" not in st.session_state:
        latest = this_week.iloc[-1] if len(this_week) else None
        st.session_state["call_commit"] = "" if latest is None else f"{latest.commit_amount:,.2f}"
        st.session_state["call_best_case"] = (
            "" if latest is None else f"{latest.best_case_amount:,.2f}"
        )
        note = None if latest is None else latest.note
        st.session_state["call_note"] = note if isinstance(note, str) else ""
    with st.form("forecast_call_form", enter_to_submit=False):
        first, second = st.columns(2)
        first.text_input(f"Commit ({currency})", key="call_commit")
        second.text_input(f"Best case ({currency})", key="call_best_case")
        st.text_input("Note", key="call_note")
        verb = "Revise this week's call" if len(this_week) else "Submit this week's call"
        submitted = st.form_submit_button(verb, key="call_save")
    if submitted:
        submit(user)
    if len(calls):
        st.dataframe(
            data.derived(workspace.forecast_calls_this_quarter, calls_table, **call_params),
            key="forecast_calls", hide_index=True,
            column_config={
                "Commit": st.column_config.NumberColumn(format=money_column_format(currency)),
                "Best case": st.column_config.NumberColumn(format=money_column_format(currency)),
                "Submitted": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            },
        )  # fmt: skip


def calls_table(quarter_and_calls: tuple) -> pd.DataFrame:
    """The quarter's calls as the table shows them."""
    _, calls = quarter_and_calls
    names = {"week_of": "Week of", "submitted_at": "Submitted", "commit_amount": "Commit",
             "best_case_amount": "Best case", "note": "Note"}  # fmt: skip
    shown = calls.rename(columns=names).astype({"Commit": float, "Best case": float})
    return shown.assign(Note=shown["Note"].fillna(""))


def submit(user: users.User) -> None:
    try:
        _, revised = forecast_calls.submit(
            store.write_cursor(),
            user,
            commit=st.session_state["call_commit"],
            best_case=st.session_state["call_best_case"],
            note=st.session_state["call_note"],
        )
    except (
        validation.ValidationError,
        permissions.PermissionDenied,
        engine.Busy,
        db.DatabaseError,
    ) as exc:
        st.error("Not submitted: " + markdown_text(str(exc)), icon=":material/error:")
        return
    commit = money(validation.amount(st.session_state["call_commit"]))
    st.toast(f"{'Revised' if revised else 'Submitted'} your call: commit {commit}.")
    st.rerun()
