"""Data & settings › Import: upload CRM export files, map "other" files' columns, check
every row, map unknown stages and owners, and import (or replace the demo)."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from pages.components import import_report, outcome, store, uploads
from pages.components.format import markdown_text
from pipeline import db, engine, permissions, users, validation
from pipeline.imports import fields, importer

PURPOSE = "import"


@st.cache_data(max_entries=16, show_spinner="Reading the files' columns…")
def _inspect(source: str, paths: tuple, names: tuple, mapping_json: str | None) -> list:
    # An upload's saved path names its upload id, so a new upload is a new key.
    mapping = None if mapping_json is None else fields.Mapping.from_json(json.loads(mapping_json))
    return importer.inspect(source, [Path(p) for p in paths], list(names), mapping)


def inspect_files(
    source: str, paths: list[Path], names: list[str], mapping: fields.Mapping | None
) -> list[importer.Inspected]:
    """importer.inspect, kept for these uploaded files: the mapping form reruns the page
    on every choice, and inspecting reads each file through (about 1.7 s for two files
    of 150 MB)."""
    mapping_json = None if mapping is None else json.dumps(mapping.to_json(), sort_keys=True)
    return _inspect(source, tuple(map(str, paths)), tuple(names), mapping_json)


def mapping_form(source: str, paths: list[Path], names: list[str]) -> fields.Mapping:
    """For "other" files: each file's role and columns, suggested and editable; the
    choice is remembered for the next import."""
    remembered = importer.remembered_mapping(store.cursor())
    columns: dict[str, dict[str, str]] = {}
    for item in inspect_files(source, paths, names, remembered):
        if item.problem:
            st.error(markdown_text(item.problem))
            continue
        role_label = fields.ROLE_LABELS.get(item.role, "not recognised")
        with st.expander(f"{markdown_text(item.name)}: {role_label}"):
            roles = list(fields.ROLES)
            role = st.selectbox(
                "This file holds",
                roles,
                index=roles.index(item.role) if item.role else 0,
                format_func=fields.ROLE_LABELS.get,
                key=f"role_{item.name}",
            )
            choices = ["—", *item.headers]
            chosen = {}
            for spec in fields.ROLES[role]:
                current = item.columns.get(spec.name) if role == item.role else None
                column = st.selectbox(
                    spec.label + (" *" if spec.required else ""),
                    choices,
                    index=choices.index(current) if current in choices else 0,
                    help=spec.help or None,
                    key=f"map_{item.name}_{role}_{spec.name}",
                )
                if column != "—":
                    chosen[spec.name] = column
            columns[role] = chosen
    order = st.text_input(
        "Stage order, first to last (comma separated; optional)",
        value=", ".join(remembered.stage_order if remembered else []),
        key="stage_order",
    )
    return fields.Mapping(columns, [s.strip() for s in order.split(",") if s.strip()])


FALLBACKS = {
    "export": "on the export's date",
    "earliest": "on the earliest creation date in the files",
    "chosen": "on a date I choose",
}


def created_fallback() -> str:
    """What a deal without a creation date (and no history) counts from."""
    left, right = st.columns([2, 1])
    choice = left.selectbox(
        "Deals without a creation date count as created",
        list(FALLBACKS),
        format_func=FALLBACKS.get,
        key="created_fallback",
        help="Only for deals with no creation date, no history and no other date; the "
        "check says how many there are.",
    )
    if choice != "chosen":
        return choice
    day = right.date_input("Created on", key="created_on", format="YYYY-MM-DD")
    return day.isoformat()


def new_admin() -> importer.NewAdmin:
    st.warning(
        "This is the demo database: importing replaces the demo's deals, people and "
        "settings with yours, and sign-in then needs a password. Create your admin account:"
    )
    name_column, email_column, password_column = st.columns(3)
    return importer.NewAdmin(
        name_column.text_input("Your name", key="admin_name"),
        email_column.text_input("Your e-mail", key="admin_email"),
        password_column.text_input("Password", type="password", key="admin_password"),
    )


def run_import(request: importer.Request, user: users.User, *, write: bool, progress=None):
    """The importer as the signed-in admin; a problem it cannot report row by row is
    one message, and nothing is written."""
    con = store.write_cursor() if write else store.cursor()
    try:
        return importer.run(con, request, actor=user, write=write, progress=progress)
    except validation.ValidationError as exc:
        outcome.show_problems(exc)
    except (engine.Busy, db.DatabaseError, permissions.PermissionDenied) as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")
    return None


def show(user: users.User, demo: bool) -> None:
    source = st.selectbox(
        "Exported from", list(fields.SOURCES), format_func=fields.SOURCES.get, key="source"
    )
    files = st.file_uploader(
        "Export files (CSV, TSV or Excel; a deals file, plus history, people, accounts or "
        "products files when you have them)",
        type=["csv", "tsv", "txt", "xlsx"],
        accept_multiple_files=True,
        key="uploads",
    )
    if not files:
        uploads.discard(PURPOSE)  # a cleared upload leaves nothing on disk
        return
    try:
        paths, names = uploads.save(files, PURPOSE)
    except uploads.TooLarge as exc:
        st.error(str(exc))
        return
    mapping = mapping_form(source, paths, names) if source == "other" else None
    order = st.radio(
        "Dates like 03/04/2025 are",
        ["decided from the data", importer.MONTH_FIRST, importer.DAY_FIRST],
        horizontal=True,
        key="date_order",
    )
    fallback = created_fallback()
    admin = new_admin() if demo else None
    # A check holds only for exactly the files and choices it was run on.
    asked = repr((source, paths, mapping, order, fallback, admin and (admin.name, admin.email)))
    checked_for, checked_choices, report = st.session_state.get("import_report", (None, None, None))
    if checked_for != asked:
        report = None
    choices = import_report.chosen(report)
    request = importer.Request(
        source=source,
        paths=paths,
        names=names,
        mapping=mapping,
        date_order=None if order.startswith("decided") else order,
        replace_demo=admin is not None,
        admin=admin,
        choices=choices,
        created_fallback=fallback,
    )
    check_column, import_column, _ = st.columns([1, 1, 5])
    if check_column.button("Check files", key="check_import"):
        with st.spinner("Checking every row…"):  # the whole import, then rolled back
            checked = run_import(request, user, write=False)
        if checked is not None:
            st.session_state["import_report"] = (asked, choices, checked)
            checked_choices, report = choices, checked
    if report is None:
        return
    import_report.show(report)
    import_report.choice_widgets(report)
    if import_report.chosen(report) != checked_choices:
        st.info("You changed how stages or owners map: check the files again.")
    elif report.ok and import_column.button("Import", type="primary", key="run_import"):
        bar = st.progress(0.0, text="Starting")
        done = run_import(
            request, user, write=True, progress=lambda share, text: bar.progress(share, text)
        )
        if done is None:
            return
        st.session_state.pop("import_report", None)
        if done.ok and done.written:
            if mapping is not None:
                importer.remember_mapping(store.write_cursor(), user, mapping)
            uploads.discard(PURPOSE)
            outcome.remember("import_outcome", f"Imported: {done.summary()}.")
            st.rerun()
        else:
            import_report.show(done)
