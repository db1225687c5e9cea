"""The deal update form and the activity log form.

The form remembers the version of the deal it was opened on (in session state) and
sends it with the save, so a save over someone else's newer change is refused with
what they changed instead of overwriting it. Widget values are seeded from the deal
when it is opened or reloaded; after that they are the user's until they save.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from pages.components import data, outcome, store
from pages.components.format import markdown_text, percent
from pipeline import (
    activities,
    db,
    deals,
    engine,
    permissions,
    qualification,
    users,
    validation,
    workspace,
)

OPENED = "deal_form_opened"  # {"id": deal id, "version": version the form was seeded from}
FLASH = "deal_form_saved"  # + the deal's id: what the last save did, kept until the next write
FIELDS = {
    "stage_id": "edit_stage",
    "amount": "edit_amount",
    "close_date": "edit_close_date",
    "probability_override": "edit_probability",
    "forecast_category": "edit_category",
    "next_step": "edit_next_step",
    "next_step_due": "edit_next_step_due",
    "obstacle": "edit_obstacle",
    "notes": "edit_notes",
    "lost_reason": "edit_lost_reason",
    "owner_id": "edit_owner",
    "qualification": "edit_qualification",
    "cost": "edit_cost",
}
STAGE_DEFAULT = ""  # forecast category option meaning "use the stage's"


def seed(record: dict) -> None:
    """Open the form on the deal as it is now: remember its version and values. The
    widgets' keys carry that version, so a reload or a save starts them afresh, while
    what the user types survives every other rerun."""
    amount, cost = record["amount"], record["cost"]
    probability = record["probability_override"]
    values = {
        "stage_id": record["stage_id"],
        "amount": "" if amount is None else f"{amount:,.2f}",
        "close_date": record["close_date"],
        "probability_override": (
            "" if probability is None else f"{(probability * 100).normalize():f}"
        ),
        "forecast_category": record["forecast_category"] or STAGE_DEFAULT,
        "next_step": record["next_step"] or "",
        "next_step_due": record["next_step_due"],
        "obstacle": record["obstacle"] or "",
        "notes": record["notes"] or "",
        "lost_reason": record["lost_reason"] or "",
        "owner_id": record["owner_id"],
        "qualification": qualification.met(record["qualification"]),
        "cost": "" if cost is None else f"{cost:,.2f}",
    }
    reloads = st.session_state.get(OPENED, {}).get("reloads", 0) + 1
    st.session_state[OPENED] = {
        "id": record["id"], "version": record["version"], "values": values, "reloads": reloads,
    }  # fmt: skip


def widget_keys(opened: dict) -> dict[str, str]:
    """The form's widget keys for this opening, e.g. edit_amount__10_2_1."""
    token = f"{opened['id']}_{opened['version']}_{opened['reloads']}"
    return {field: f"{key}__{token}" for field, key in FIELDS.items()}


def edit(record: dict, user: users.User) -> None:
    opened = st.session_state.get(OPENED)
    if not opened or opened["id"] != record["id"]:
        seed(record)
        opened = st.session_state[OPENED]
    outcome.show(f"{FLASH}_{record['id']}")
    if opened["version"] != record["version"]:
        st.warning(
            f"This deal has changed since you opened it (now version {record['version']}, "
            f"yours {opened['version']}). Saving will be refused; reload to see the changes.",
            icon=":material/sync_problem:",
        )
    values, keys = opened["values"], widget_keys(opened)
    stages = data.run(workspace.stages_of_pipeline, pipeline=record["pipeline"])
    stage_names = dict(zip(stages["id"].tolist(), stages["name"], strict=True))
    stage_labels = {
        int(row.id): f"{row.name} · {percent(row.probability, 0)}" for row in stages.itertuples()
    }
    categories = {STAGE_DEFAULT: f"Stage default ({record['stage_forecast_category']})"}
    categories.update((category, category) for category in deals.OPEN_FORECAST_CATEGORIES)
    dates = {"format": "YYYY-MM-DD", "min_value": date(1990, 1, 1), "max_value": date(2100, 12, 31)}
    typed = {}
    with st.form("deal_form", enter_to_submit=False):
        first, second = st.columns(2)
        typed["stage_id"] = choose(
            first, "Stage", stage_labels, values["stage_id"], keys["stage_id"]
        )
        typed["amount"] = second.text_input(
            f"Amount ({markdown_text(record['currency'])})",
            value=values["amount"],
            key=keys["amount"],
            help="Digits with an optional decimal point; 12,500 and 12500.00 both work.",
        )
        typed["close_date"] = first.date_input(
            "Close date", value=values["close_date"], key=keys["close_date"], **dates
        )
        typed["probability_override"] = second.text_input(
            "Probability override (%)",
            value=values["probability_override"],
            key=keys["probability_override"],
            placeholder=f"blank = stage default ({percent(record['stage_probability'], 0)})",
        )
        typed["forecast_category"] = choose(
            first,
            "Forecast category",
            categories,
            values["forecast_category"],
            keys["forecast_category"],
        )
        typed["lost_reason"] = second.text_input(
            "Lost reason (required for Closed Lost)",
            value=values["lost_reason"],
            key=keys["lost_reason"],
        )
        typed["next_step"] = first.text_input(
            "Next step", value=values["next_step"], key=keys["next_step"]
        )
        typed["next_step_due"] = second.date_input(
            "Next step due", value=values["next_step_due"], key=keys["next_step_due"], **dates
        )
        typed["obstacle"] = st.text_input(
            "Obstacle", value=values["obstacle"], key=keys["obstacle"]
        )
        qualification_fields(record, values, keys, typed)
        typed["notes"] = st.text_area("Notes", value=values["notes"], key=keys["notes"], height=100)
        if permissions.can_reassign(user):
            team = user.team_id if user.role == "manager" else None
            owners = data.run(workspace.deal_owners, team_id=team)
            names = dict(zip(owners["id"].tolist(), owners["name"], strict=True))
            names.setdefault(values["owner_id"], record["owner"])
            typed["owner_id"] = choose(st, "Owner", names, values["owner_id"], keys["owner_id"])
        if record["exit_checklist"]:
            st.caption(
                f"Moving on from {markdown_text(stage_names[record['stage_id']])}? Its exit "
                f"checklist: {markdown_text(record['exit_checklist'])}"
            )
        submitted = st.form_submit_button("Save changes", type="primary", key="deal_save")
    st.button("Reload the deal", key="deal_reload", icon=":material/refresh:", on_click=seed,
              args=(record,))  # fmt: skip
    if submitted:
        save(record, user, opened["version"], typed)


def qualification_fields(record: dict, values: dict, keys: dict, typed: dict) -> None:
    """The criteria of the settings' framework the deal has met (criteria of the other
    framework it already holds stay on offer, so a save does not drop them), and what it
    costs to deliver (for its margin)."""
    framework = data.setting(qualification.SETTING, qualification.DEFAULT)
    offered = qualification.criteria(framework)
    offered += [key for key in values["qualification"] if key not in offered]
    first, second = st.columns(2)
    typed["qualification"] = first.multiselect(
        f"Qualification ({framework})", offered, default=values["qualification"],
        format_func=qualification.LABELS.get, key=keys["qualification"],
        help=f"The {framework} criteria this deal has met; with all of them it counts as "
        "qualified on Funnel & conversion.",
    )  # fmt: skip
    typed["cost"] = second.text_input(
        f"Cost to deliver ({markdown_text(record['currency'])})", value=values["cost"],
        key=keys["cost"], help="Optional; the margin is the amount less this cost.",
    )  # fmt: skip


def choose(container, label: str, labels: dict, current, key: str):
    """A selectbox over ``labels`` ({value: label shown}) starting at ``current``."""
    options = list(labels)
    return container.selectbox(
        label, options, index=options.index(current), format_func=labels.get, key=key
    )


def save(record: dict, user: users.User, version: int, changes: dict) -> None:
    try:
        saved = deals.save(store.write_cursor(), user, record["id"], version, changes)
    except validation.ValidationError as exc:
        st.error(
            "Not saved. Please fix:\n"
            + "\n".join(f"- **{p.field}**: {markdown_text(p.message)}" for p in exc.problems),
            icon=":material/error:",
        )
        return
    except (
        deals.Conflict,
        deals.DealGone,
        permissions.PermissionDenied,
        engine.Busy,
        db.DatabaseError,
    ) as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")
        return
    if saved.changed:
        said = f"Saved: {', '.join(saved.changed)} (version {saved.version})."
    else:
        said = "Nothing to save: the form matches the deal."
    outcome.remember(f"{FLASH}_{record['id']}", said)
    st.session_state.pop(OPENED, None)  # reseed from the saved deal on the next run
    st.rerun()


ACTIVITY_KEYS = ("activity_outcome", "activity_note")
ACTIVITY_DONE = "activity_logged"


def log_activity(record: dict, user: users.User) -> None:
    """The kind is chosen outside the form, so the outcomes offered are the ones that
    kind can have; what was typed stays when a log is refused, and clears after one
    is recorded."""
    if done := st.session_state.pop(ACTIVITY_DONE, None):
        for key in ACTIVITY_KEYS:
            st.session_state.pop(key, None)
        st.toast(done, icon=":material/check_circle:")
    kind = st.selectbox("Kind", activities.KINDS, key="activity_kind")
    outcomes = list(activities.OUTCOMES[kind])
    if st.session_state.get("activity_outcome") not in ["", *outcomes]:
        st.session_state["activity_outcome"] = ""
    with st.form("activity_form", enter_to_submit=False):
        first, second = st.columns(2)
        first.selectbox(
            "Outcome", ["", *outcomes], key="activity_outcome", format_func=lambda o: o or "—"
        )
        second.date_input(
            "Date",
            key="activity_date",
            value="today",
            format="YYYY-MM-DD",
            min_value=date(1990, 1, 1),
            max_value=date(2100, 12, 31),
        )
        st.text_area("Note", key="activity_note", height=80)
        submitted = st.form_submit_button("Log activity", key="activity_save")
    if not submitted:
        return
    try:
        activities.log(
            store.write_cursor(),
            user,
            record["id"],
            kind=kind,
            outcome=st.session_state["activity_outcome"],
            on=st.session_state["activity_date"],
            note=st.session_state["activity_note"],
        )
    except validation.ValidationError as exc:
        st.error("Not logged: " + markdown_text(str(exc)), icon=":material/error:")
        return
    except (deals.DealGone, permissions.PermissionDenied, engine.Busy, db.DatabaseError) as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")
        return
    st.session_state[ACTIVITY_DONE] = f"Logged a {kind}."
    st.rerun()
