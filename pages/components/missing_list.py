"""Data & settings › Import: open deals an import no longer held, which an admin closes
as lost or keeps open (nothing is closed without that decision)."""

from __future__ import annotations

import streamlit as st

from pages.components import data, store
from pages.components.format import markdown_text, money_column_format
from pipeline import db, engine, missing_deals, permissions, users

DONE = "missing_done"


def show(user: users.User, currency: str) -> None:
    if done := st.session_state.pop(DONE, None):
        st.success(done)
    waiting = data.run(missing_deals.awaiting)
    if waiting.empty:
        return
    st.subheader("Open deals missing from an import")
    st.caption(
        "These open deals were not in the files of a later import. Perhaps they were "
        "deleted or merged in the CRM, or the export was filtered. Select deals and "
        "close them as lost, or keep them open (they are not asked about again until "
        "an import holds them and then loses them again)."
    )
    picked = st.dataframe(
        waiting,
        hide_index=True,
        column_config={
            "id": None,
            "external_id": "CRM id",
            "name": "Deal",
            "owner": "Owner",
            "stage": "Stage",
            "amount": st.column_config.NumberColumn("Amount", format=money_column_format(currency)),
            "close_date": st.column_config.DateColumn("Close date"),
            "missing_since": st.column_config.DatetimeColumn(
                "Missing since", format="YYYY-MM-DD HH:mm"
            ),
            "import_files": "Import",
        },
        on_select="rerun",
        selection_mode="multi-row",
        # A new list is a new widget: a selection never carries over to other rows.
        key=f"missing_deals_{hash(tuple(waiting['id']))}",
    )
    chosen = [int(waiting["id"].iloc[row]) for row in picked.selection.rows]
    close_column, keep_column, _ = st.columns([2, 2, 4])
    try:
        if close_column.button(
            f"Close {len(chosen)} as lost", disabled=not chosen, key="close_missing"
        ):
            with st.spinner("Closing…"):
                closed = missing_deals.close(store.write_cursor(), user, chosen)
            st.session_state[DONE] = f"{closed} deals closed as lost."
            st.rerun()
        if keep_column.button(f"Keep {len(chosen)} open", disabled=not chosen, key="keep_missing"):
            kept = missing_deals.keep(store.write_cursor(), user, chosen)
            st.session_state[DONE] = f"{kept} deals kept open."
            st.rerun()
    except (engine.Busy, db.DatabaseError, permissions.PermissionDenied) as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")
