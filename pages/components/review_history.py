"""Pipeline review's memory: the open action items of earlier reviews (listed first,
each can be marked done by whoever may), and the saved reviews of a scope, each opened
read-only with its outcomes to export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components import data, meeting, outcome, store
from pages.components.format import markdown_text
from pipeline import db, engine, permissions, reviews, users, validation

DONE_FLASH = "action_done_flash"


def open_actions(user: users.User, scope: dict) -> None:
    """The open action items: a rep's own; else those of the scope's reviews."""
    if user.role == "rep":
        found = data.run(reviews.open_actions, assignee=user.id)
        heading = "Your open action items"
    else:
        found = data.run(reviews.open_actions, **scope)
        heading = "Open action items from earlier reviews"
    outcome.show(DONE_FLASH)
    if found.empty:
        return
    with st.container(border=True):
        st.markdown(f"**{heading}** ({len(found):,})")
        for item in found.to_dict("records"):
            text, button = st.columns([6, 1])
            due = "" if pd.isna(item["due_date"]) else f" · due {item['due_date']:%d %b %Y}"
            late = not pd.isna(item["due_date"]) and item["due_date"] < data.now().date()
            deal = f" · on {markdown_text(item['deal'])}" if item["deal"] else ""
            text.markdown(
                f"{markdown_text(item['action_item'])}{deal} · "
                f"{markdown_text(item['owner'] or 'nobody yet')}{due}"
                + (" · :red[late]" if late else "")
                + f" · from the review of {item['reviewed_at']:%d %b}"
            )
            allowed = data.run(may_mark_done, actor_id=user.id, item=tuple(item.items()))
            if allowed and button.button("Done", key=f"action_done_{item['id']}",
                                         icon=":material/check:"):  # fmt: skip
                mark_done(user, item["id"])


def may_mark_done(con, actor_id: int, item: tuple) -> bool:
    return reviews.may_mark_done(con, users.get(con, actor_id), dict(item))


def mark_done(user: users.User, item_id: int) -> None:
    try:
        reviews.mark_done(store.write_cursor(), user, item_id)
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
    except (permissions.PermissionDenied, engine.Busy, db.DatabaseError) as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")
    else:
        outcome.remember(DONE_FLASH, "Action item marked done.")
        st.rerun()


def past_reviews(user: users.User, scope: dict, scope_label: str, currency: str) -> None:
    """The scope's saved reviews (a rep: their own 1:1s), newest first; one opened."""
    found = data.run(reviews.reviews_of, **scope)
    if found.empty:
        st.info("No review of this scope has been saved yet: this is its first.")
        return
    labels = {
        int(row.id): f"{row.saved_at:%d %b %Y %H:%M} · run by {row.run_by} · {row.deals} deals, "
        f"{row.actions} action items ({row.open_actions} open)"
        for row in found.itertuples()
    }
    chosen = st.selectbox("Open a review", list(labels), format_func=labels.get, key="past_review")
    try:
        saved = data.run(readable, actor_id=user.id, review_id=chosen)
    except (permissions.PermissionDenied, validation.ValidationError) as exc:
        st.error(markdown_text(str(exc)))
        return
    show_saved(saved, scope_label, currency)


def readable(con, actor_id: int, review_id: int) -> dict:
    return reviews.readable(con, users.get(con, actor_id), review_id)


def show_saved(saved: dict, scope_label: str, currency: str) -> None:
    """One saved review, read-only: its window, who attended, each agenda deal's note
    and decision, its action items, and its outcomes to export."""
    window = {"window_start": saved["window_start"], "window_end": saved["window_end"],
              "quarter_start": saved["quarter_start"]}  # fmt: skip
    st.caption(
        f"Window {meeting.window_text(window)} · attended: "
        f"{markdown_text(saved['attendees'] or '—')}"
    )
    if saved["notes"]:
        st.markdown(markdown_text(saved["notes"]))
    items = data.run(reviews.items_of, review_id=saved["id"])
    agenda = items[items["kind"] == "deal"]
    actions = items[items["kind"] == "action"]
    outcomes = pd.DataFrame({
        "deal": agenda["deal"].fillna("(deleted deal)"), "note": agenda["note"],
        "decision": agenda["decision"],
    })  # fmt: skip
    headers = {"deal": "Deal", "note": "Note", "decision": "Decision"}
    st.dataframe(outcomes, hide_index=True, key="saved_outcomes", column_config=headers)
    listed = pd.DataFrame({
        "action_item": actions["action_item"], "owner": actions["owner"],
        "due_date": actions["due_date"], "deal": actions["deal"],
        "done": ["" if pd.isna(d) else f"{d:%d %b %Y} by {who}"
                 for d, who in zip(actions["done_at"], actions["done_by"], strict=True)],
    })  # fmt: skip
    st.dataframe(listed, hide_index=True, key="saved_actions",
                 column_config={"action_item": "Action item", "owner": "Owner",
                                "due_date": "Due", "deal": "Deal", "done": "Done"})  # fmt: skip
    scope = {"team_id": saved["team_id"], "owner_id": saved["owner_id"]}
    rows = meeting.agenda_rows([int(i) for i in agenda["deal_id"].dropna()], pd.DataFrame())
    title = f"Pipeline review · {scope_label} · {saved['saved_at']:%d %b %Y}"
    pack = meeting.pack_of(title, window, currency, scope, rows, outcomes, listed,
                           saved["attendees"], saved["notes"])  # fmt: skip
    meeting.pack_downloads(pack, f"review-{saved['saved_at']:%Y-%m-%d}", "saved_review")
