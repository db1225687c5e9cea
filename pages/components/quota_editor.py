"""Data & settings › Quotas: a fiscal year's monthly plan for the company, every team
(at every level of the tree) and every rep, edited as a table or uploaded as a file."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components import data, export, outcome, store, uploads
from pipeline import periods, quotas, users, validation

PURPOSE = "quotas"


def changed(count: int) -> str:
    return f"{count} monthly quotas changed." if count else "Nothing changed."


def year_choice() -> periods.date:
    this_year = periods.fiscal_year_start(
        data.now().date(), int(data.setting("fiscal_year_start_month", "1"))
    )
    years = [periods.add_months(this_year, 12 * offset) for offset in (-1, 0, 1)]
    return st.selectbox(
        "Fiscal year",
        years,
        index=1,
        format_func=lambda start: (
            f"{periods.fiscal_year_label(start, start.month)} "
            f"({start:%b %Y} to {periods.add_months(start, 11):%b %Y})"
        ),
        key="quota_year",
    )


def as_text(plan):
    """The plan's amounts as the editor shows and takes them: '98,000.00', blank for no
    quota (a number column would print None); typing 98000 or $98,000 works too."""
    shown = plan.copy()
    for column in shown.columns[3:]:
        shown[column] = ["" if pd.isna(v) else f"{v:,.2f}" for v in shown[column]]
    return shown


def plan_table(user: users.User, year_start, currency_format: str) -> None:
    st.caption(
        "Monthly quotas. Every level (company, region, team, person) counts its own figure "
        "for a month when it has one; otherwise the quotas right below it are added up. "
        "Blank: no quota for that month."
    )
    plan = data.derived(quotas.plan, as_text, year_start=year_start)
    month_columns = {
        quotas.month_column(month): st.column_config.TextColumn(f"{month:%b %Y}")
        for month in quotas.months(year_start)
    }
    edited = st.data_editor(
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
            count = quotas.save_plan(store.write_cursor(), user, edited, year_start)
        except validation.ValidationError as exc:
            outcome.show_problems(exc)
        else:
            outcome.remember("quota_outcome", changed(count))
    outcome.show("quota_outcome")


def upload(user: users.User) -> None:
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
    if quota_file is None:
        uploads.discard(PURPOSE)
    elif st.button("Upload quotas", key="upload_quotas"):
        try:
            paths, names = uploads.save([quota_file], PURPOSE)
            count = quotas.upload(store.write_cursor(), user, paths[0], names[0])
        except uploads.TooLarge as exc:
            st.error(str(exc))
        except validation.ValidationError as exc:
            outcome.show_problems(exc)
        else:
            outcome.remember("quota_upload_outcome", f"{names[0]}: {changed(count)}")
        finally:
            uploads.discard(PURPOSE)
    outcome.show("quota_upload_outcome")
    export.downloads(data.run(quotas.download), "quotas", "quotas")


def show(user: users.User, currency_format: str) -> None:
    year_start = year_choice()
    plan_table(user, year_start, currency_format)
    upload(user)
