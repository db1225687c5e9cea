"""The clean-out: a manager lists the dead deals of their scope, ticks the ones to act
on, chooses to close them as lost (with a reason) or to move their close date, sees the
list once more, and confirms. Nothing changes before the confirmation, and then all or
none of them do."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from pages.components import data, outcome, store, tables
from pages.components.explain import how_computed
from pages.components.filters import Filters
from pages.components.format import markdown_text
from pipeline import cleanout, db, deals, engine, permissions, users, validation
from pipeline.figures import activity

PENDING = "cleanout_pending"
DONE = "cleanout_done"
ACTIONS = {"lost": "Close as lost", "push": "Move the close date"}


def section(f: Filters, user: users.User, currency: str) -> None:
    if not permissions.can_clean_out(user):
        st.info(f"A clean-out is a manager's or an admin's; as {user.a_role} you read the list.")
    outcome.show(DONE)
    days = st.number_input(
        "Close date passed more than (days)", min_value=0, max_value=3650,
        value=activity.DEAD_AFTER_DAYS, step=15, key="cleanout_days", width=260,
    )  # fmt: skip
    dead = data.run(activity.dead_deals, now=data.now(), overdue_days=int(days), **f.scope)
    st.caption(f"{len(dead):,} dead deals: open, their close date more than {int(days)} days past, "
               "and stale.")  # fmt: skip
    if dead.empty:
        how_computed("dead", activity.dead_deals)
        return
    table = pd.DataFrame({
        "Clean out": False, "Deal": dead["name"], "Owner": dead["owner"], "Stage": dead["stage"],
        "Amount": dead["amount"].astype(float), "Close date": dead["close_date"],
        "Days overdue": dead["days_overdue"], "id": dead["id"], "version": dead["version"],
    })  # fmt: skip
    edited = st.data_editor(
        table, hide_index=True, key=f"cleanout_list_{store.data_version()}",
        disabled=[c for c in table.columns if c != "Clean out"],
        column_config={
            "id": None, "version": None,
            "Amount": st.column_config.NumberColumn(format=tables.money_format(currency)),
        },
    )  # fmt: skip
    chosen = edited[edited["Clean out"]]
    how_computed("dead", activity.dead_deals)
    if not permissions.can_clean_out(user) or chosen.empty:
        return
    action = st.radio("Do", list(ACTIONS), format_func=ACTIONS.get, horizontal=True,
                      key="cleanout_action")  # fmt: skip
    if action == "lost":
        detail = st.text_input("Lost reason", key="cleanout_reason")
    else:
        detail = st.date_input("New close date", value=date.today() + timedelta(days=30),
                               min_value=date.today(), format="YYYY-MM-DD",
                               key="cleanout_date")  # fmt: skip
    if st.button(f"Review {len(chosen):,} deals", key="cleanout_review"):
        st.session_state[PENDING] = {
            "action": action, "detail": detail, "names": list(chosen["Deal"]),
            "versions": dict(zip(chosen["id"].astype(int), chosen["version"].astype(int),
                                 strict=True)),
        }  # fmt: skip
    pending = st.session_state.get(PENDING)
    if pending:
        confirm(pending, user)


def confirm(pending: dict, user: users.User) -> None:
    what = ("close as lost, reason: " + pending["detail"] if pending["action"] == "lost"
            else f"move the close date to {pending['detail']:%Y-%m-%d}")  # fmt: skip
    with st.container(border=True):
        st.markdown(f"**About to {markdown_text(what)}** — {len(pending['names']):,} deals:")
        st.markdown("\n".join(f"- {markdown_text(name)}" for name in pending["names"]))
        go, back = st.columns([1, 4])
        if back.button("Cancel", key="cleanout_cancel"):
            st.session_state.pop(PENDING, None)
            st.rerun()
        if go.button("Confirm", type="primary", key="cleanout_confirm"):
            apply(pending, user)


def apply(pending: dict, user: users.User) -> None:
    try:
        if pending["action"] == "lost":
            done = cleanout.close_as_lost(store.write_cursor(), user, pending["versions"],
                                          pending["detail"])  # fmt: skip
        else:
            done = cleanout.push(store.write_cursor(), user, pending["versions"], pending["detail"])
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
    except (deals.Conflict, deals.DealGone, permissions.PermissionDenied, engine.Busy,
            db.DatabaseError) as exc:  # fmt: skip
        st.error(markdown_text(str(exc)), icon=":material/error:")
    else:
        st.session_state.pop(PENDING, None)
        names = ", ".join(f"{c.name} (version {c.version})" for c in done)
        outcome.remember(DONE, f"Cleaned out {len(done):,} deals: {names}.")
        st.rerun()
