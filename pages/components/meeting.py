"""Pipeline review's meeting mode: an agenda of deals (the top deals, then flagged ones;
reorder, drop or add), stepped through one at a time with the deal's card, what changed
on it, its recent activities, the standard questions, in-place edits through the deal
form (the same write path as My deals), a note, a decision and action items; then the
review saved in one go, and its agenda or outcomes exported."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components import data, deal_form, outcome, review_views, store, tables
from pages.components.format import markdown_text, money
from pipeline import db, engine, permissions, review_export, reviews, users, validation, workspace
from pipeline.figures import hygiene, review

MEETING = "review_meeting"
QUESTIONS = (
    "What is the next step, and when?",
    "What is needed to close it?",
    "What is blocking it?",
    "Who are we engaged with, and why them?",
    "What is the buying process?",
)
FLAGGED_EXTRA = 10  # flagged deals added after the top deals


def default_agenda(top: pd.DataFrame, flagged: pd.DataFrame) -> list[int]:
    """The top deals, then flagged deals not among them."""
    ids = [int(i) for i in top["id"]]
    extra = [int(i) for i in flagged["id"] if int(i) not in ids][:FLAGGED_EXTRA]
    return ids + extra


def current() -> dict | None:
    return st.session_state.get(MEETING)


def start(agenda: list[int], scope: dict, window: dict) -> None:
    st.session_state[MEETING] = {
        "scope": scope, "window": window, "agenda": agenda, "step": 0,
        "notes": {}, "decisions": {}, "actions": [], "edits": 0,
    }  # fmt: skip


def names_of(deal_ids: list[int]) -> dict[int, str]:
    found = data.run(reviews.agenda_deals, deal_ids=tuple(deal_ids))
    return dict(zip(found["id"].astype(int), found["name"], strict=True))


def agenda_editor(meeting: dict, candidates: pd.DataFrame) -> None:
    """Reorder, drop or add agenda deals (before or during the meeting)."""
    names = names_of(meeting["agenda"])
    with st.expander(f"Agenda: {len(meeting['agenda'])} deals · reorder, drop or add"):
        table = pd.DataFrame({
            "Position": range(1, len(meeting["agenda"]) + 1),
            "Deal": [names.get(i, f"Deal {i}") for i in meeting["agenda"]],
            "Keep": True, "id": meeting["agenda"],
        })  # fmt: skip
        edited = st.data_editor(
            table, hide_index=True, key=f"agenda_editor_{meeting['edits']}",
            disabled=["Deal"], column_config={"id": None},
        )  # fmt: skip
        kept = edited[edited["Keep"]].sort_values("Position", kind="stable")
        order = [int(i) for i in kept["id"]]
        choices = {int(r.id): r.name for r in candidates.itertuples() if int(r.id) not in order}
        added = st.selectbox("Add a deal", [None, *choices], key="agenda_add",
                             format_func=lambda i: "—" if i is None else choices[i])  # fmt: skip
        if st.button("Apply the agenda", key="agenda_apply"):
            meeting["agenda"] = order + ([added] if added is not None else [])
            meeting["edits"] += 1  # a fresh editor for the new order
            meeting["step"] = min(meeting["step"], max(len(meeting["agenda"]) - 1, 0))
            st.rerun()


def step_through(meeting: dict, user: users.User, currency: str) -> None:
    agenda = meeting["agenda"]
    if not agenda:
        st.info("The agenda is empty: add deals to it above.")
        return
    step = meeting["step"]
    st.progress((step + 1) / len(agenda), text=f"Deal {step + 1} of {len(agenda)}")
    buttons = st.container(horizontal=True)
    if buttons.button("Previous", key="meeting_previous", disabled=step == 0,
                   icon=":material/arrow_back:"):  # fmt: skip
        meeting["step"] = step - 1
        st.rerun()
    if buttons.button("Next", key="meeting_next", disabled=step >= len(agenda) - 1,
                      icon=":material/arrow_forward:"):  # fmt: skip
        meeting["step"] = step + 1
        st.rerun()
    deal_id = agenda[step]
    record = data.run(workspace.deal_record, deal_id=deal_id)
    if record is None:
        st.warning(f"Deal {deal_id} no longer exists: it was removed since the agenda was made.")
        return
    card(record, currency)
    if record["status"] != "open":
        st.info(f"Closed since the agenda was made: {record['status']}.")
    left, right = st.columns(2)
    with left:
        st.markdown("**What changed since the last review**")
        changes = data.run(review.changes_of_deal, deal_id=deal_id, **meeting_window(meeting))
        if not changes:
            st.caption("Nothing.")
        for when, who, differences in changes:
            st.markdown(f"*{when:%d %b %H:%M}, {markdown_text(who)}*: " + "; ".join(
                markdown_text(str(d)) for d in differences))  # fmt: skip
        st.markdown("**Recent activities**")
        activities = data.run(workspace.activities_of_deal, deal_id=deal_id, limit=5)
        if activities.empty:
            st.caption("None logged.")
        for row in activities.itertuples():
            said = [f"{row.done_at:%d %b}" if not pd.isna(row.done_at) else "planned",
                    " ".join(str(p) for p in (row.kind, row.outcome) if isinstance(p, str)),
                    row.note if isinstance(row.note, str) else ""]  # fmt: skip
            st.caption(" · ".join(markdown_text(part) for part in said if part))
    with right:
        st.markdown("**Ask**")
        st.markdown("\n".join(f"- {question}" for question in QUESTIONS))
    owner = data.run_for_plan(users.get, user_id=record["owner_id"])
    if permissions.can_edit_deals_of(user, owner):
        with st.expander("Edit the deal (saved as a new version)"):
            deal_form.edit(record, user)
    notes_and_actions(meeting, deal_id, record)


def meeting_window(meeting: dict) -> dict:
    return {"window_start": meeting["window"]["window_start"],
            "window_end": meeting["window"]["window_end"]}  # fmt: skip


def card(record: dict, currency: str) -> None:
    st.subheader(markdown_text(record["name"]), anchor=False)
    due = "" if record["next_step_due"] is None else f" (due {record['next_step_due']:%d %b})"
    closes = "—" if record["close_date"] is None else f"{record['close_date']:%d %b %Y}"
    st.caption(
        f"{markdown_text(record['owner'])} · {markdown_text(record['stage'])} · "
        f"{markdown_text(money(record['amount'], record['currency']))} · closes "
        f"{closes} · "
        f"next step: {markdown_text(record['next_step'] or '—')}{due} · obstacle: "
        f"{markdown_text(record['obstacle'] or '—')}"
    )


def notes_and_actions(meeting: dict, deal_id: int, record: dict) -> None:
    key = str(deal_id)
    meeting["notes"][key] = st.text_area(
        "Note on this deal",
        value=meeting["notes"].get(key, ""),
        key=f"meeting_note_{deal_id}",
        height=80,
    )
    meeting["decisions"][key] = st.text_input(
        "Decision", value=meeting["decisions"].get(key, ""), key=f"meeting_decision_{deal_id}"
    )
    people = data.run_for_plan(active_people)
    with st.form(f"action_form_{deal_id}", clear_on_submit=True, enter_to_submit=False):
        what, who, due = st.columns([3, 2, 1])
        text = what.text_input("Action item", key=f"action_text_{deal_id}")
        owner = who.selectbox("Who does it", [None, *people], key=f"action_owner_{deal_id}",
                              format_func=lambda i: "—" if i is None else people[i])  # fmt: skip
        day = due.date_input("Due", value=None, key=f"action_due_{deal_id}", format="YYYY-MM-DD")
        if st.form_submit_button("Add the action item", key=f"action_add_{deal_id}") and text:
            meeting["actions"].append(
                {"text": text, "owner_id": owner, "due": day, "deal_id": deal_id}
            )
    mine = [a for a in meeting["actions"] if a["deal_id"] == deal_id]
    for action in mine:
        who = people.get(action["owner_id"], "nobody yet")
        st.caption(f"Action: {markdown_text(action['text'])} — {markdown_text(who)}"
                   + (f", due {action['due']:%d %b}" if action["due"] else ""))  # fmt: skip


def active_people(con) -> dict[int, str]:
    return {u.id: u.name for u in users.active_users(con)}


def save_review(meeting: dict, user: users.User) -> None:
    attendees = st.text_input("Who attended", key="meeting_attendees")
    notes = st.text_area("Notes on the review", key="meeting_notes", height=80)
    if not st.button("Save the review", type="primary", key="meeting_save"):
        return
    scope = meeting["scope"]
    draft = reviews.Review(
        team_id=scope["team_id"], owner_id=scope["owner_id"],
        window_start=meeting["window"]["window_start"], window_end=meeting["window"]["window_end"],
        quarter_start=meeting["window"]["quarter_start"], attendees=attendees, notes=notes,
        agenda=[reviews.AgendaDeal(i, meeting["notes"].get(str(i)) or None,
                                   meeting["decisions"].get(str(i)) or None)
                for i in meeting["agenda"]],
        actions=[reviews.ActionItem(a["text"], a["owner_id"], a["due"], a["deal_id"])
                 for a in meeting["actions"]],
    )  # fmt: skip
    try:
        review_id = reviews.save(store.write_cursor(), user, draft)
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
    except (permissions.PermissionDenied, engine.Busy, db.DatabaseError) as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")
    else:
        st.session_state.pop(MEETING, None)
        st.session_state["review_saved"] = review_id
        st.rerun()


def pack_of(
    title: str,
    window: dict,
    currency: str,
    scope: dict,
    agenda: pd.DataFrame,
    outcomes=None,
    actions=None,
    attendees=None,
    notes=None,
) -> review_export.ReviewPack:
    """A review to export: its waterfall over ``window`` (window_start, window_end,
    quarter_start) and its agenda, with the outcomes once it is saved."""
    found = data.run(review.waterfall, **window, **scope)
    steps = [("Start", found.start), *[(k.capitalize(), v) for k, v in found.bars.items()],
             ("End", found.end)]  # fmt: skip
    return review_export.ReviewPack(title, window_text(window), currency, steps, agenda,
                                    outcomes, actions, attendees, notes)  # fmt: skip


def window_text(window: dict) -> str:
    return f"{window['window_start']:%d %b %Y %H:%M} – {window['window_end']:%d %b %Y %H:%M}"


def agenda_rows(deal_ids: list[int], top: pd.DataFrame) -> pd.DataFrame:
    """The agenda's deals with what the export shows of them."""
    found = data.run(reviews.agenda_deals, deal_ids=tuple(deal_ids))
    flags = dict(zip(top["id"], review_views.flags_of(top), strict=True)) if len(top) else {}
    return found.assign(flags=[flags.get(i, "") for i in found["id"]])


def section(user: users.User, scope: dict, window: dict, title: str, currency: str) -> None:
    """The Meeting tab: before the meeting, the default agenda (to export or start
    from); during it, the agenda editor, the deal in focus and saving the review."""
    meeting = current()
    medians = data.run_daily(hygiene.stage_time_medians)
    top = data.run(review.top_deals, window_start=window["window_start"], now=data.now(),
                   medians=medians, **scope)  # fmt: skip
    allowed = data.run(may_run, actor_id=user.id, **scope)
    if meeting is None:
        flagged = data.run(review.flagged, now=data.now(), medians=medians, **scope)
        agenda = default_agenda(top, flagged)
        st.markdown(
            f"**Agenda**: the top {len(top):,} deals, then {len(agenda) - len(top):,} flagged "
            "deals not among them. Reorder, drop or add deals once the meeting starts."
        )
        rows = agenda_rows(agenda, top)
        st.dataframe(
            agenda_table(rows), hide_index=True, key="agenda_preview",
            column_config={
                "Deal": st.column_config.TextColumn(width="medium", pinned=True),
                "Amount": st.column_config.NumberColumn(format=tables.money_format(currency)),
                "Flags": st.column_config.TextColumn(width="medium"),
            },
        )  # fmt: skip
        pack_downloads(pack_of(title, window, currency, scope, rows), "agenda", "agenda")
        if not allowed:
            st.caption(
                "A review is run by the scope's manager (a team at any level, or one of "
                "their reps) or an admin; choose the scope in the sidebar."
            )
        elif st.button("Start the meeting", type="primary", key="meeting_start",
                       icon=":material/play_arrow:"):  # fmt: skip
            start(agenda, scope, window)
            st.rerun()
        return
    if meeting["scope"] != scope or meeting["window"] != window:
        st.info("The meeting in progress keeps the scope and window it was started on.")
    candidates = data.run(review.top_deals, window_start=window["window_start"],
                          now=data.now(), medians=medians, limit=review.LIST_LIMIT,
                          **meeting["scope"])  # fmt: skip
    agenda_editor(meeting, candidates)
    step_through(meeting, user, currency)
    st.divider()
    save_review(meeting, user)
    if st.button("Discard the meeting", key="meeting_discard", icon=":material/delete:"):
        st.session_state.pop(MEETING, None)
        st.rerun()


def may_run(con, actor_id: int, team_id: int | None, owner_id: int | None) -> bool:
    return reviews.may_run(con, users.get(con, actor_id), team_id, owner_id)


def agenda_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Deal": rows["name"], "Owner": rows["owner"], "Stage": rows["stage"],
        "Amount": rows["amount"].astype(float), "Close date": rows["close_date"],
        "Next step": rows["next_step"].fillna(""), "Flags": rows["flags"],
    })  # fmt: skip


def pack_downloads(pack: review_export.ReviewPack, name: str, key: str) -> None:
    markdown_column, excel_column, _ = st.columns([1, 1, 4])
    markdown_column.download_button(
        "Markdown", data=lambda: review_export.markdown(pack), file_name=f"{name}.md",
        mime="text/markdown", icon=":material/download:", key=f"{key}_md", on_click="ignore",
    )  # fmt: skip
    excel_column.download_button(
        "Excel", data=lambda: review_export.excel(pack), file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", key=f"{key}_xlsx", on_click="ignore",
    )  # fmt: skip
