"""Data & settings' smaller tabs: data health, settings and stages, the full export."""

from __future__ import annotations

import streamlit as st

from pages.components import data, export, outcome, store
from pipeline import exporting, health, settings, users, validation


def health_tab() -> None:
    found = data.run(health.report)
    left, right = st.columns(2)
    left.metric("Deals", f"{found['deals']:,}")
    right.metric("Open deals", f"{found['open_deals']:,}")
    st.dataframe(
        found["checks"], hide_index=True, column_config={"check": "Check", "deals": "Deals"}
    )
    st.subheader("Imports")
    if len(found["imports"]):
        st.dataframe(
            found["imports"],
            hide_index=True,
            column_config={
                "finished_at": st.column_config.DatetimeColumn(
                    "Finished", format="YYYY-MM-DD HH:mm"
                ),
                "source": "Source",
                "files": "Files",
                "rows_read": "Rows read",
                "deals_added": "Deals added",
                "deals_changed": "Deals changed",
                "deals_unchanged": "Deals unchanged",
                "versions_added": "Versions added",
                "imported_by": "Imported by",
                "notes": "Notes",
            },
        )
        export.downloads(found["imports"], "imports", "imports")
    else:
        st.caption("Nothing imported yet.")


def settings_tab(user: users.User) -> None:
    values = data.run(settings.current)
    with st.form("settings_form"):
        typed = {
            spec.key: st.selectbox(spec.label, spec.choices, key=f"set_{spec.key}",
                                   index=spec.choices.index(values[spec.key])
                                   if values[spec.key] in spec.choices else 0)
            if spec.choices
            else st.text_input(spec.label, value=values[spec.key], key=f"set_{spec.key}")
            for spec in settings.SETTINGS
        }  # fmt: skip
        if st.form_submit_button("Save settings"):
            try:
                changed = settings.save(store.write_cursor(), user, typed)
            except validation.ValidationError as exc:
                outcome.show_problems(exc)
            else:
                st.success(f"Saved: {', '.join(changed)}." if changed else "Nothing changed.")
    st.subheader("Stages")
    edited = st.data_editor(
        data.run(settings.stages),
        hide_index=True,
        disabled=["id", "pipeline", "position", "is_closed", "is_won"],
        column_config={
            "id": None,
            "pipeline": "Pipeline",
            "position": "Position",
            "name": "Name",
            "probability": st.column_config.NumberColumn(
                "Probability %", min_value=0, max_value=100
            ),
            "forecast_category": st.column_config.SelectboxColumn(
                "Forecast category", options=list(settings.CATEGORIES)
            ),
            "is_closed": "Closed",
            "is_won": "Won",
            "entry_criteria": "Entry criteria",
            "exit_checklist": "Exit checklist",
        },
        key="stage_editor",
    )
    if st.button("Save stages", key="save_stages"):
        try:
            count = settings.save_stages(store.write_cursor(), user, edited)
        except validation.ValidationError as exc:
            outcome.show_problems(exc)
        else:
            outcome.remember("stages_outcome", f"{count} stages changed.")
    outcome.show("stages_outcome")


def export_tab(user: users.User) -> None:
    st.write(
        "Every table of the database as CSV files in one zip (passwords and the "
        "sign-in cookie's key excluded)."
    )
    st.download_button(
        "Download a full export",
        data=lambda: exporting.backup(store.cursor(), user),
        file_name="sales-pipeline-export.zip",
        mime="application/zip",
        icon=":material/archive:",
        on_click="ignore",
        key="backup",
    )
    st.caption(f"{len(exporting.TABLES)} tables: {', '.join(exporting.TABLES)}.")
