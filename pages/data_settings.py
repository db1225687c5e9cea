"""Data & settings (admins): import CRM exports with a preview, data health, settings and
stages, and a full export of the database."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from pages.components import auth, data, export, frame
from pipeline import exporting, periods, permissions, quotas, settings, validation
from pipeline.imports import fields, importer, resolve

frame.ensure()
user = auth.signed_in()
st.title("Data & settings")
if not permissions.manages_data(user):
    st.info("Imports, settings and full exports are for admins.")
    st.stop()

# Only the open tab is computed and sent (switching tabs reruns the page): data health
# and the quota plan scan every deal and person, and need not run after every save.
import_tab, health_tab, settings_tab, quotas_tab, export_tab = st.tabs(
    ["Import", "Data health", "Settings", "Quotas", "Export"], key="data_tab", on_change="rerun"
)


def show_problems(exc: validation.ValidationError) -> None:
    for problem in exc.problems:
        st.error(str(problem))


def remember_outcome(key: str, text: str) -> None:
    """Keep what a save did on screen until the data changes again. A table editor
    whose data just changed reruns the page once more, which would wipe a message
    shown only in the run of the button press."""
    st.session_state[key] = (data.data_version(), text)


def show_outcome(key: str) -> None:
    version, text = st.session_state.get(key, (None, None))
    if text and version == data.data_version():
        st.success(text)


# ----------------------------------------------------------------------------- import


def saved_uploads(uploads) -> tuple[list[Path], list[str]]:
    """The uploaded files on disk (the importer streams files), kept for the session."""
    folder = Path(st.session_state.setdefault("upload_dir", tempfile.mkdtemp(prefix="import-")))
    paths, names = [], []
    for upload in uploads:
        path = folder / f"{upload.file_id}-{Path(upload.name).name}"
        if not path.exists():
            path.write_bytes(upload.getbuffer())
        paths.append(path)
        names.append(upload.name)
    return paths, names


def mapping_form(source: str, paths: list[Path], names: list[str]) -> fields.Mapping:
    """For "other" files: each file's role and columns, suggested and editable; the
    choice is remembered for the next import."""
    remembered = data.remembered_mapping()
    found = data.inspect_files(source, paths, names, remembered)
    columns: dict[str, dict[str, str]] = {}
    for item in found:
        if item.problem:
            st.error(item.problem)
            continue
        with st.expander(f"{item.name}: {fields.ROLE_LABELS.get(item.role, 'not recognised')}"):
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


def show_report(report: importer.Report) -> None:
    st.dataframe(
        [
            {
                "File": f.name,
                "Holds": fields.ROLE_LABELS[f.role],
                "Rows": f.rows,
                "Read as": f.encoding if f.encoding == "xlsx" else f"{f.encoding}, {f.delimiter!r}",
                "Columns not imported": ", ".join(f.unused),
            }
            for f in report.files
        ],
        hide_index=True,
    )
    if not report.ok:
        st.error(
            f"{report.problem_count:,} problems: nothing will be imported until they are fixed."
        )
        problems = report.problem_frame()
        st.dataframe(problems, hide_index=True)
        export.downloads(problems, "import-problems", "problems")
        return
    added, changed, unchanged = st.columns(3)
    added.metric("Deals to add", f"{report.added:,}")
    changed.metric("Deals to change", f"{report.changed:,}")
    unchanged.metric("Deals unchanged", f"{report.unchanged:,}")
    created = report.created
    for label, items in (
        ("New stages", created.stages),
        ("New teams", created.teams),
        ("New people", created.people),
    ):
        if items:
            st.markdown(f"**{label}:** " + ", ".join(items))
    if created.accounts:
        st.markdown(f"**New accounts:** {created.accounts:,}")
    for note in [*report.notes, *created.notes]:
        st.caption(note)
    if report.conflicts is not None and len(report.conflicts):
        st.warning("Changed here after the export was taken; these keep their current state:")
        st.dataframe(report.conflicts, hide_index=True)
    if report.missing is not None and len(report.missing):
        st.warning(
            f"{len(report.missing):,} open deals here are not in these files. The import "
            "keeps them open; afterwards you choose which to close as lost."
        )
        st.dataframe(report.missing, hide_index=True)


def stage_choice_key(pipeline: str, stage: str) -> str:
    return f"choose_stage_{pipeline}_{stage}"


def owner_choice_key(owner: str) -> str:
    return f"choose_owner_{owner}"


def chosen(report: importer.Report | None) -> resolve.Choices:
    """The mapping choices made under a preview's unknown stages and owners (the
    widgets' values from the last run: the request is built before they are drawn)."""
    if report is None:
        return resolve.Choices()
    stages = {
        (pipeline, stage): st.session_state.get(stage_choice_key(pipeline, stage))
        for pipeline, stage, _ in report.created.unknown_stages
    }
    owners = {
        owner: st.session_state.get(owner_choice_key(owner))
        for owner in report.created.unknown_owners
    }
    return resolve.Choices(
        {k: v for k, v in stages.items() if v is not None},
        {k: v for k, v in owners.items() if v is not None},
    )


def count(items: list, noun: str) -> str:
    return f"{len(items):,} {noun}{'' if len(items) == 1 else 's'}"


OWNER_CHOICES_SHOWN = 50  # beyond this many unknown owners, the rest are created


def choice_widgets(report: importer.Report) -> None:
    """For each stage and owner the database does not know: create it (the default) or
    map it to an existing one of the same kind. Shown only when there is something to
    map to (not for a first import into an empty database)."""
    if report.replaces_demo:
        return
    stages = data.run("settings.stages")
    stage_options = {}
    for pipeline, stage, kind in report.created.unknown_stages:
        same_kind = stages[
            (stages["pipeline"] == pipeline)
            & (stages["is_won"] == (kind == "won"))
            & (stages["is_closed"] == (kind != "open"))
        ]
        if len(same_kind):
            names = dict(zip(same_kind["id"].astype(int), same_kind["name"], strict=True))
            stage_options[(pipeline, stage, kind)] = names
    people = {person.id: person.label for person in data.deal_owners()}
    owners = report.created.unknown_owners if people else []
    if not (stage_options or owners):
        return
    with st.expander(
        f"Not known here yet: {count(list(stage_options), 'stage')}, "
        f"{count(owners, 'owner')}. Create them, or map them to existing ones",
        expanded=len(stage_options) + len(owners) <= 20,
    ):
        for (pipeline, stage, kind), names in stage_options.items():
            st.selectbox(
                f"Stage {stage!r} ({kind})",
                [None, *names],
                format_func=lambda i, names=names: names.get(i, "Create it as a new stage"),
                key=stage_choice_key(pipeline, stage),
            )
        for owner in owners[:OWNER_CHOICES_SHOWN]:
            st.selectbox(
                f"Owner {owner!r}",
                [None, *people],
                format_func=lambda i: people.get(i, "Create this person"),
                key=owner_choice_key(owner),
            )
        if len(owners) > OWNER_CHOICES_SHOWN:
            st.caption(f"{len(owners) - OWNER_CHOICES_SHOWN:,} more owners will be created.")


def missing_deals_section() -> None:
    """Open deals an import no longer held: an admin closes or keeps each."""
    if done := st.session_state.pop("missing_done", None):
        st.success(done)
    waiting = data.run("missing_deals.awaiting")
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
            "amount": st.column_config.NumberColumn("Amount", format="accounting"),
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
    if close_column.button(
        f"Close {len(chosen)} as lost", disabled=not chosen, key="close_missing"
    ):
        with st.spinner("Closing…"):
            closed = data.close_missing_deals(user, chosen)
        st.session_state["missing_done"] = f"{closed} deals closed as lost."
        st.rerun()
    if keep_column.button(f"Keep {len(chosen)} open", disabled=not chosen, key="keep_missing"):
        kept = data.keep_missing_deals(user, chosen)
        st.session_state["missing_done"] = f"{kept} deals kept open."
        st.rerun()


if import_tab.open:
    with import_tab:
        source = st.selectbox(
            "Exported from", list(fields.SOURCES), format_func=fields.SOURCES.get, key="source"
        )
        uploads = st.file_uploader(
            "Export files (CSV, TSV or Excel; a deals file, plus history, people, accounts or "
            "products files when you have them)",
            type=["csv", "tsv", "txt", "xlsx"],
            accept_multiple_files=True,
            key="uploads",
        )
        if uploads:
            paths, names = saved_uploads(uploads)
            mapping = mapping_form(source, paths, names) if source == "other" else None
            order = st.radio(
                "Dates like 03/04/2025 are",
                ["decided from the data", importer.MONTH_FIRST, importer.DAY_FIRST],
                horizontal=True,
                key="date_order",
            )
            admin = None
            if data.is_demo():
                st.warning(
                    "This is the demo database: importing replaces the demo's deals, people "
                    "and settings with yours, and sign-in then needs a password. Create your "
                    "admin account:"
                )
                name_column, email_column, password_column = st.columns(3)
                admin = importer.NewAdmin(
                    name_column.text_input("Your name", key="admin_name"),
                    email_column.text_input("Your e-mail", key="admin_email"),
                    password_column.text_input("Password", type="password", key="admin_password"),
                )
            # A check holds only for exactly the files and choices it was run on.
            asked = repr((source, paths, mapping, order, admin and (admin.name, admin.email)))
            checked_for, checked_choices, report = st.session_state.get(
                "import_report", (None, None, None)
            )
            if checked_for != asked:
                report = None
            choices = chosen(report)
            request = importer.Request(
                source=source,
                paths=paths,
                names=names,
                mapping=mapping,
                date_order=None if order.startswith("decided") else order,
                replace_demo=admin is not None,
                admin=admin,
                choices=choices,
            )
            check_column, import_column, _ = st.columns([1, 1, 5])
            if check_column.button("Check files", key="check_import"):
                with st.spinner("Checking every row…"):
                    try:  # the preview runs the whole import, the new admin's checks included
                        checked = data.import_files(request, write=False)
                    except validation.ValidationError as exc:
                        show_problems(exc)
                    else:
                        st.session_state["import_report"] = (asked, choices, checked)
                        checked_choices, report = choices, checked
            if report is not None:
                show_report(report)
                choice_widgets(report)
                if chosen(report) != checked_choices:
                    st.info("You changed how stages or owners map: check the files again.")
                elif report.ok and import_column.button("Import", type="primary", key="run_import"):
                    bar = st.progress(0.0, text="Starting")
                    try:
                        done = data.import_files(
                            request,
                            write=True,
                            progress=lambda share, text: bar.progress(share, text),
                        )
                    except validation.ValidationError as exc:
                        show_problems(exc)
                    else:
                        st.session_state.pop("import_report", None)
                        if done.ok and done.written:
                            if mapping is not None:
                                data.remember_mapping(mapping)
                            st.success(f"Imported: {done.summary()}.")
                        else:
                            show_report(done)
        missing_deals_section()


# ----------------------------------------------------------------------- data health

if health_tab.open:
    with health_tab:
        found = data.run("health.report")
        left, right = st.columns(2)
        left.metric("Deals", f"{found['deals']:,}")
        right.metric("Open deals", f"{found['open_deals']:,}")
        st.dataframe(
            found["checks"], hide_index=True, column_config={"check": "Check", "deals": "Deals"}
        )
        st.subheader("Imports")
        if len(found["imports"]):
            st.dataframe(found["imports"], hide_index=True)
            export.downloads(found["imports"], "imports", "imports")
        else:
            st.caption("Nothing imported yet.")


# -------------------------------------------------------------------------- settings

if settings_tab.open:
    with settings_tab:
        values = data.run("settings.current")
        with st.form("settings_form"):
            typed = {
                spec.key: st.text_input(spec.label, value=values[spec.key], key=f"set_{spec.key}")
                for spec in settings.SETTINGS
            }
            if st.form_submit_button("Save settings"):
                try:
                    changed = data.save_settings(user, typed)
                except validation.ValidationError as exc:
                    show_problems(exc)
                else:
                    st.success(f"Saved: {', '.join(changed)}." if changed else "Nothing changed.")
        st.subheader("Stages")
        stage_frame = data.run("settings.stages")
        edited = st.data_editor(
            stage_frame,
            hide_index=True,
            disabled=["id", "pipeline", "position", "is_closed", "is_won"],
            column_config={
                "id": None,
                "probability": st.column_config.NumberColumn(
                    "Probability %", min_value=0, max_value=100
                ),
                "forecast_category": st.column_config.SelectboxColumn(
                    "Forecast category", options=list(settings.CATEGORIES)
                ),
            },
            key="stage_editor",
        )
        if st.button("Save stages", key="save_stages"):
            try:
                count = data.save_stages(user, edited)
            except validation.ValidationError as exc:
                show_problems(exc)
            else:
                remember_outcome("stages_outcome", f"{count} stages changed.")
        show_outcome("stages_outcome")


# ---------------------------------------------------------------------------- quotas


def quota_outcome(count: int) -> str:
    return f"{count} monthly quotas changed." if count else "Nothing changed."


if quotas_tab.open:
    with quotas_tab:
        this_year = periods.fiscal_year_start(
            data.now().date(), int(data.setting("fiscal_year_start_month", "1"))
        )
        years = [periods.add_months(this_year, 12 * offset) for offset in (-1, 0, 1)]
        year_start = st.selectbox(
            "Fiscal year",
            years,
            index=1,
            format_func=lambda start: (
                f"{periods.fiscal_year_label(start, start.month)} "
                f"({start:%b %Y} to {periods.add_months(start, 11):%b %Y})"
            ),
            key="quota_year",
        )
        st.caption(
            "Monthly quotas. A team's or the company's own figure counts when it has one; "
            "otherwise the quotas below it are added up. Blank: no quota for that month."
        )
        plan = data.run("quotas.plan", year_start=year_start)
        month_columns = {
            quotas.month_column(month): st.column_config.NumberColumn(
                f"{month:%b %Y}", min_value=0, step=0.01, format="accounting"
            )
            for month in quotas.months(year_start)
        }
        edited_plan = st.data_editor(
            plan,
            hide_index=True,
            disabled=["key", "level", "name"],
            column_config={
                "key": None,
                "level": "Level",
                "name": st.column_config.TextColumn("Who", pinned=True),
                **month_columns,
            },
            key=f"quota_editor_{year_start}",
        )
        if st.button("Save quotas", key="save_quotas"):
            try:
                count = data.save_quota_plan(user, edited_plan, year_start)
            except validation.ValidationError as exc:
                show_problems(exc)
            else:
                remember_outcome("quota_outcome", quota_outcome(count))
        show_outcome("quota_outcome")
        st.subheader("Upload quotas")
        st.caption(
            "A CSV or Excel file with one row per month: month (YYYY-MM), amount, and team "
            "(a team's name) or rep (an e-mail or name); both blank for the company's own "
            "quota. Each row replaces that month's quota; other months stay. The download "
            "below is in the same format."
        )
        quota_file = st.file_uploader(
            "Quota file", type=["csv", "tsv", "txt", "xlsx"], key="quota_upload"
        )
        if quota_file is not None and st.button("Upload quotas", key="upload_quotas"):
            paths, names = saved_uploads([quota_file])
            try:
                count = data.upload_quotas(user, paths[0], names[0])
            except validation.ValidationError as exc:
                show_problems(exc)
            else:
                remember_outcome("quota_upload_outcome", f"{names[0]}: {quota_outcome(count)}")
        show_outcome("quota_upload_outcome")
        export.downloads(data.run("quotas.download"), "quotas", "quotas")


# ---------------------------------------------------------------------------- export

if export_tab.open:
    with export_tab:
        st.write("Every table of the database as CSV files in one zip (passwords excluded).")
        st.download_button(
            "Download a full export",
            data=data.backup,
            file_name="sales-pipeline-export.zip",
            mime="application/zip",
            icon=":material/archive:",
            on_click="ignore",
            key="backup",
        )
        st.caption(f"{len(exporting.TABLES)} tables: {', '.join(exporting.TABLES)}.")
