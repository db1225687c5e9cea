"""One deal opened from My deals: its record, the update form, activity logging, its
full history and its activities. Every user-entered text is shown as text, never as
markup."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components import data, deal_form, export
from pages.components.format import markdown_text, money, money_column_format, percent
from pipeline import permissions, users, workspace

FLAGS = {
    "stale": "stale",
    "overdue": "overdue",
    "no_next_step": "no next step",
    "next_step_late": "next step late",
    "stuck": "stuck",
}
LIST_STATE = "deal_list_state"  # (list key, deal selected in it) as of the last run


def display_table(listing: pd.DataFrame, show_owner: bool) -> pd.DataFrame:
    """A page of open deals (hygiene.open_deals) as the list shows it: what a rep reads
    first (deal, stage, weighted value, close date, flags) on the left, where it fits at
    1280 px; missing values blank (the grid would print None)."""
    table = pd.DataFrame(
        {
            "Deal": listing["name"],
            "Stage": listing["stage"],
            "Weighted": listing["weighted"].astype(float),
            "Close date": listing["close_date"],
            "Flags": [
                " · ".join(label for flag, label in FLAGS.items() if row[flag])
                for row in listing[list(FLAGS)].to_dict("records")
            ],
            "Next step": listing["next_step"].fillna(""),
            "Amount": listing["amount"].astype(float),
            "Probability": (listing["probability"].astype(float) * 100),
            "Owner": listing["owner"],
            "Account": listing["account"].fillna(""),
            "Last activity": [
                "" if pd.isna(at) else f"{at:%Y-%m-%d %H:%M}" for at in listing["last_activity_at"]
            ],
        }
    )
    return table if show_owner else table.drop(columns=["Owner"])


ROW_PX = 35  # the grid's row height, header included


def deal_table(
    listing: pd.DataFrame, table: pd.DataFrame, currency: str, list_key: str
) -> int | None:
    """The page of deals (``table``, made by display_table from ``listing``); returns
    the id of the row the user selected. ``list_key`` names the list: another list is
    another widget, whose selection starts empty."""
    event = st.dataframe(
        table,
        key=f"deal_list_{abs(hash(list_key))}",
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        height=ROW_PX * (len(table) + 1) + 3,  # the whole page of deals, no inner scroll
        column_config={
            "Deal": st.column_config.TextColumn(width="large", pinned=True),
            "Amount": st.column_config.NumberColumn(format=money_column_format(currency)),
            "Weighted": st.column_config.NumberColumn(format=money_column_format(currency)),
            "Probability": st.column_config.NumberColumn(format="%.0f%%"),
            "Close date": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Flags": st.column_config.TextColumn(width="medium"),
        },
    )
    export.downloads(table, "open-deals", "deal_list")
    rows = event.selection.rows if event and event.selection else []
    return int(listing["id"].iloc[rows[0]]) if rows and rows[0] < len(listing) else None


def follow_selection(list_key: str, selected: int | None) -> None:
    """Open the deal the user selected (in the URL, so the link reopens it). Only an
    explicit choice opens a deal: unticking the row, or moving to another list (page,
    search, scope), closes the one that was open. A deal named in the URL on arrival
    stays open until then."""
    previous = st.session_state.get(LIST_STATE)
    st.session_state[LIST_STATE] = (list_key, selected)
    if selected is not None:
        st.query_params["deal"] = str(selected)
    elif previous is not None and (previous[0] != list_key or previous[1] is not None):
        st.query_params.pop("deal", None)


def show(deal_id: int, user: users.User, currency: str) -> None:
    record = data.run(workspace.deal_record, deal_id=deal_id)
    st.divider()
    if record is None:
        st.warning(f"Deal {deal_id} does not exist (it may have been removed).")
        return
    owner = data.run_for_plan(users.get, user_id=record["owner_id"])
    may_edit = permissions.can_edit_deals_of(user, owner)
    if user.role == "rep" and not may_edit:
        st.warning("This deal belongs to someone else; you can only open your own deals.")
        return
    st.subheader(markdown_text(record["name"]), anchor=False)
    account = record["account"] or "no account"
    st.caption(
        f"{markdown_text(account)} · owned by {markdown_text(record['owner'])} · "
        f"{record['status']} · version {record['version']}, last changed "
        f"{record['updated_at']:%Y-%m-%d %H:%M} by "
        f"{markdown_text(record['updated_by_name'] or 'the data load')}"
    )
    overridden = " (override)" if record["probability_override"] is not None else ""
    key_figures(
        [
            ("Amount", money(record["amount"], record["currency"])),
            ("Stage", record["stage"]),
            ("Probability" + overridden, percent(record["probability"], 0)),
            ("Weighted", money(record["weighted"], record["currency"])),
            ("Close date", f"{record['close_date']:%Y-%m-%d}" if record["close_date"] else "—"),
        ]
    )
    update, log, history, done = st.tabs(["Update", "Log activity", "History", "Activities"])
    with update:
        if may_edit:
            deal_form.edit(record, user)
        else:
            st.info(f"As {user.a_role} you can read this deal but not change it.")
    with log:
        if may_edit:
            deal_form.log_activity(record, user)
        else:
            st.info(f"As {user.a_role} you can read this deal but not log on it.")
    with history:
        show_timeline(deal_id)
    with done:
        show_activities(deal_id)


def key_figures(figures: list[tuple[str, str]]) -> None:
    """A deal's figures side by side in plain-sized text, which wraps where a metric's
    large figure would be cut off."""
    for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
        column.caption(label)
        column.markdown(f"**{markdown_text(value)}**")


def show_timeline(deal_id: int) -> None:
    for entry in data.run(workspace.timeline, deal_id=deal_id):
        st.markdown(
            f"**Version {entry.version}** · {entry.at:%Y-%m-%d %H:%M} · {markdown_text(entry.who)}"
        )
        lines = [
            f"- {markdown_text(c.field)}: {markdown_text(c.before)} → {markdown_text(c.after)}"
            for c in entry.changes
        ]
        st.markdown("\n".join(lines) or "- no visible change")


def show_activities(deal_id: int) -> None:
    activities = data.run(workspace.activities_of_deal, deal_id=deal_id)
    if activities.empty:
        st.caption("No activities yet.")
        return
    st.dataframe(
        data.derived(workspace.activities_of_deal, activities_table, deal_id=deal_id),
        key="deal_activities",
        hide_index=True,
    )


def activities_table(activities: pd.DataFrame) -> pd.DataFrame:
    """A deal's activities as the tab shows them: headers in words, blanks for what is
    missing (no outcome, not done yet)."""

    def when(column: str) -> list[str]:
        return ["" if pd.isna(at) else f"{at:%Y-%m-%d %H:%M}" for at in activities[column]]

    return pd.DataFrame(
        {
            "Kind": activities["kind"],
            "Outcome": activities["outcome"].fillna(""),
            "Note": activities["note"].fillna(""),
            "Done": when("done_at"),
            "Due": when("due_at"),
            "By": activities["by"].fillna(""),
        }
    )
