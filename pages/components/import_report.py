"""What an import check found, shown before anything is written: files, problems, what
would be added or changed, and the choices for stages and owners the database lacks."""

from __future__ import annotations

import streamlit as st

from pages.components import export, store
from pages.components.format import markdown_text
from pipeline import settings, users
from pipeline.imports import fields, importer, resolve

OWNER_CHOICES_SHOWN = 50  # beyond this many unknown owners, the rest are created


def show(report: importer.Report) -> None:
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
        st.dataframe(
            problems.rename(columns=str.capitalize), hide_index=True, key="import_problems"
        )
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
            st.markdown(f"**{label}:** " + markdown_text(", ".join(items)))
    if created.accounts:
        st.markdown(f"**New accounts:** {created.accounts:,}")
    for note in [*report.notes, *created.notes]:
        st.caption(markdown_text(note))
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


def choice_widgets(report: importer.Report) -> None:
    """For each stage and owner the database does not know: create it (the default) or
    map it to an existing one of the same kind. Shown only when there is something to
    map to (not for a first import into an empty database)."""
    if report.replaces_demo:
        return
    stages = settings.stages(store.cursor())
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
    people = {
        person.id: person.label
        for person in users.active_users(store.cursor())
        if person.role in users.DEAL_OWNER_ROLES
    }
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
                f"Stage {markdown_text(repr(stage))} ({kind})",
                [None, *names],
                format_func=lambda i, names=names: names.get(i, "Create it as a new stage"),
                key=stage_choice_key(pipeline, stage),
            )
        for owner in owners[:OWNER_CHOICES_SHOWN]:
            st.selectbox(
                f"Owner {markdown_text(repr(owner))}",
                [None, *people],
                format_func=lambda i: people.get(i, "Create this person"),
                key=owner_choice_key(owner),
            )
        if len(owners) > OWNER_CHOICES_SHOWN:
            st.caption(f"{len(owners) - OWNER_CHOICES_SHOWN:,} more owners will be created.")
