"""The filters every page shares: as-of date, period, team and rep.

They live in st.session_state under fixed widget keys and are mirrored into the URL
query string, so a copied link reopens the same view. The URL is read once per
session (it wins over defaults); after that the widgets are the source of truth.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from pages.components import data
from pipeline.periods import PERIOD_KINDS, PERIOD_NAMES

KEYS = {"as_of": "filter_as_of", "period": "filter_period", "team": "filter_team"}
KEYS["rep"] = "filter_rep"
DEFAULT_PERIOD = "QTD"
ALL = 0  # the "all teams" / "all reps" choice (ids start at 1)


@dataclass(frozen=True)
class Filters:
    as_of: date
    period: str
    team_id: int | None
    owner_id: int | None
    team_name: str | None
    rep_name: str | None

    @property
    def scope_label(self) -> str:
        if self.rep_name:
            return self.rep_name
        return self.team_name or "Whole company"


def parse_int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def load_from_url(team_ids: Collection[int], rep_ids: Collection[int]) -> None:
    """Seed the widgets from the URL on a session's first run; bad values are ignored."""
    if st.session_state.get("filters_loaded"):
        return
    st.session_state["filters_loaded"] = True
    st.session_state[KEYS["as_of"]] = date.today()
    st.session_state[KEYS["period"]] = DEFAULT_PERIOD
    st.session_state[KEYS["team"]] = ALL
    st.session_state[KEYS["rep"]] = ALL
    params = st.query_params
    as_of = parse_date(params.get("as_of"))
    if as_of:
        st.session_state[KEYS["as_of"]] = as_of
    if params.get("period") in PERIOD_KINDS:
        st.session_state[KEYS["period"]] = params["period"]
    team = parse_int(params.get("team"))
    if team in team_ids:
        st.session_state[KEYS["team"]] = team
    rep = parse_int(params.get("rep"))
    if rep in rep_ids:
        st.session_state[KEYS["rep"]] = rep


def save_to_url(filters: Filters) -> None:
    """Mirror the filters into the URL, leaving out defaults to keep links short."""
    wanted = {
        "as_of": None if filters.as_of == date.today() else filters.as_of.isoformat(),
        "period": None if filters.period == DEFAULT_PERIOD else filters.period,
        "team": None if filters.team_id is None else str(filters.team_id),
        "rep": None if filters.owner_id is None else str(filters.owner_id),
    }
    for name, value in wanted.items():
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != value:
            st.query_params[name] = value


def forget_rep() -> None:
    """A new team makes the chosen rep meaningless unless they are in it."""
    st.session_state[KEYS["rep"]] = ALL


@dataclass(frozen=True)
class Choices:
    """What the team and rep boxes offer: names by id, in display order, and each
    team's reps. Made once per plan version (a deal save cannot change them) instead of
    on every run: a sales team at scale has thousands of reps."""

    team_names: dict[int, str]
    rep_names: dict[int, str]
    reps_of_team: dict[int, dict[int, str]]

    def reps(self, team_id: int | None) -> dict[int, str]:
        return self.rep_names if team_id is None else self.reps_of_team.get(team_id, {})


def choices() -> Choices:
    return data.cached_for_plan("filter choices", make_choices)


def make_choices() -> Choices:
    teams = data.run_for_plan("teams")
    reps = data.run_for_plan("reps")
    # Plain lists: iterating Arrow-backed columns value by value is slow.
    columns = (reps["id"].tolist(), reps["name"].tolist(), reps["team_id"].tolist())
    rep_rows = zip(*columns, strict=True)
    reps_of_team: dict[int, dict[int, str]] = {}
    rep_names = {}
    for rep_id, name, team_id in rep_rows:
        rep_names[rep_id] = name
        if pd.notna(team_id):  # a rep without a team is in no team's list
            reps_of_team.setdefault(int(team_id), {})[rep_id] = name
    team_names = dict(zip(teams["id"].tolist(), teams["name"].tolist(), strict=True))
    return Choices(team_names, rep_names, reps_of_team)


def sidebar() -> Filters:
    """Draw the shared filters in the sidebar and return their values."""
    offered = choices()
    team_names = offered.team_names
    load_from_url(team_names, offered.rep_names)
    with st.sidebar:
        st.header("Filters")
        as_of = st.date_input(
            "As of",
            min_value=date(2000, 1, 1),
            max_value=date(2100, 12, 31),
            key=KEYS["as_of"],
            help="Every figure is computed as the data stood at the end of this day.",
            format="YYYY-MM-DD",
        )
        period = st.selectbox(
            "Period",
            PERIOD_KINDS,
            format_func=lambda kind: f"{kind} · {PERIOD_NAMES[kind]}",
            key=KEYS["period"],
            help="The period the tables by team and rep use.",
        )
        team_id = (
            st.selectbox(
                "Team",
                [ALL, *team_names],
                format_func=lambda i: team_names.get(i, "All teams"),
                key=KEYS["team"],
                on_change=forget_rep,
            )
            or None
        )
        rep_names = offered.reps(team_id)
        if st.session_state.get(KEYS["rep"]) not in rep_names:
            st.session_state[KEYS["rep"]] = ALL
        owner_id = (
            st.selectbox(
                "Rep",
                [ALL, *rep_names],
                format_func=lambda i: rep_names.get(i, "All reps"),
                key=KEYS["rep"],
            )
            or None
        )
    filters = Filters(
        as_of=as_of,
        period=period,
        team_id=team_id,
        owner_id=owner_id,
        team_name=team_names.get(team_id),
        rep_name=rep_names.get(owner_id),
    )
    save_to_url(filters)
    return filters


def current() -> Filters:
    """The filters the frame drew on this run, for pages to read."""
    from pages.components import frame  # the frame imports this module

    frame.ensure()
    return st.session_state["filters"]
