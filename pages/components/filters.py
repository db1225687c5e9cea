"""The filters the figure pages share: as-of date, period, team (any level of the tree)
and rep.

Their values are kept by the app (pages.components.kept) under fixed widget keys and
mirrored into the URL query string, so a copied link reopens the same view. The URL is
read once per session (it wins over the defaults); after that a person's choices in the
widgets are the source of truth.
Without a URL, each person starts on their own scope: a rep on their own figures, a
manager on their team, everyone else on the whole company. Pages without the filters
(Data & settings) do not draw them, and their values are kept for the next page that
does.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from pages.components import data, kept
from pipeline import org, users
from pipeline.periods import PERIOD_KINDS, PERIOD_NAMES

KEYS = {"as_of": "filter_as_of", "period": "filter_period", "team": "filter_team"}
KEYS["rep"] = "filter_rep"
NAMES = ("as_of", "period", "team", "rep")
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

    @property
    def scope(self) -> dict:
        """The scope parameters every figure takes."""
        return {"team_id": self.team_id, "owner_id": self.owner_id}


def parse_int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def own_scope(user: users.User, rep_ids: Collection[int]) -> tuple[int, int]:
    """Where a person starts (team, rep): a rep on their own figures within their team,
    a manager on their team, everyone else on the whole company."""
    if user.role == "rep" and user.id in rep_ids:
        return user.team_id or ALL, user.id
    if user.role == "manager" and user.team_id:
        return user.team_id, ALL
    return ALL, ALL


def load_from_url(user: users.User, team_ids: Collection[int], rep_ids: Collection[int]) -> None:
    """Seed the filters on a session's first run: the URL's values where it has valid
    ones, else the person's own scope and today."""
    team, rep = own_scope(user, rep_ids)
    params = st.query_params
    url_team, url_rep = parse_int(params.get("team")), parse_int(params.get("rep"))
    if url_team in team_ids or url_rep in rep_ids:  # a shared link's scope wins whole
        team = url_team if url_team in team_ids else ALL
        rep = url_rep if url_rep in rep_ids else ALL
    period = params.get("period")
    kept.seed(KEYS["as_of"], parse_date(params.get("as_of")) or date.today())
    kept.seed(KEYS["period"], period if period in PERIOD_KINDS else DEFAULT_PERIOD)
    kept.seed(KEYS["team"], team)
    kept.seed(KEYS["rep"], rep)


def save_to_url(filters: Filters, shown: tuple[str, ...]) -> None:
    """Mirror the filters a page shows into the URL, leaving out defaults to keep links
    short."""
    wanted = {
        "as_of": None if filters.as_of == date.today() else filters.as_of.isoformat(),
        "period": None if filters.period == DEFAULT_PERIOD else filters.period,
        "team": None if filters.team_id is None else str(filters.team_id),
        "rep": None if filters.owner_id is None else str(filters.owner_id),
    }
    for name, value in wanted.items():
        if name not in shown:
            continue
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != value:
            st.query_params[name] = value


def forget_rep() -> None:
    """After a change of team: the chosen rep is meaningless unless they are in it."""
    kept.set_value(KEYS["rep"], ALL)


@dataclass(frozen=True)
class Choices:
    """What the team and rep boxes offer: teams in tree order with their path ("East ›
    Enterprise"), reps by id, and each team's reps (its whole subtree). Made once per
    plan version (a deal save cannot change them) instead of on every run: a sales team
    at scale has thousands of reps."""

    team_names: dict[int, str]
    team_paths: dict[int, str]
    rep_names: dict[int, str]
    reps_of_team: dict[int, dict[int, str]]

    def reps(self, team_id: int | None) -> dict[int, str]:
        return self.rep_names if team_id is None else self.reps_of_team.get(team_id, {})


def choices() -> Choices:
    return data.cached_for_plan("filter choices", make_choices)


def make_choices() -> Choices:
    teams = data.run_for_plan(org.teams)
    reps = data.run_for_plan(org.reps)
    # Plain lists: iterating Arrow-backed columns value by value is slow.
    team_ids = teams["id"].tolist()
    parents = dict(zip(team_ids, teams["parent_id"].tolist(), strict=True))
    reps_of_team: dict[int, dict[int, str]] = {}
    rep_names = {}
    for rep_id, name, team_id in zip(
        reps["id"].tolist(), reps["name"].tolist(), reps["team_id"].tolist(), strict=True
    ):
        rep_names[rep_id] = name
        team = None if pd.isna(team_id) else int(team_id)
        while team is not None and team in parents:  # a rep is in every team above theirs
            reps_of_team.setdefault(team, {})[rep_id] = name
            parent = parents[team]
            team = None if pd.isna(parent) else int(parent)
    return Choices(
        dict(zip(team_ids, teams["name"].tolist(), strict=True)),
        dict(zip(team_ids, teams["path"].tolist(), strict=True)),
        rep_names,
        reps_of_team,
    )


def sidebar(user: users.User, shown: tuple[str, ...] = NAMES) -> Filters:
    """Draw the shared filters a page uses (``shown``) in the sidebar and return every
    filter's value: the ones not drawn keep what they were (or start as the person's
    own scope), and the URL is left alone."""
    offered = choices()
    if not kept.seeded(KEYS["as_of"]):
        load_from_url(user, offered.team_names, offered.rep_names)
    boxes = {
        "as_of": kept.widget(KEYS["as_of"], date.today),
        "period": kept.widget(KEYS["period"], lambda: DEFAULT_PERIOD),
        "team": kept.widget(
            KEYS["team"], lambda: ALL, lambda t: t == ALL or t in offered.team_paths, forget_rep
        ),
    }
    rep_names = offered.reps(kept.value(KEYS["team"]) or None)
    boxes["rep"] = kept.widget(KEYS["rep"], lambda: ALL, lambda r: r == ALL or r in rep_names)
    if shown:
        with st.sidebar:
            st.header("Filters")
            draw(shown, offered, rep_names, boxes)
    as_of, period = kept.value(KEYS["as_of"]), kept.value(KEYS["period"])
    team_id, owner_id = kept.value(KEYS["team"]) or None, kept.value(KEYS["rep"]) or None
    filters = Filters(
        as_of=as_of,
        period=period,
        team_id=team_id,
        owner_id=owner_id,
        team_name=offered.team_names.get(team_id),
        rep_name=rep_names.get(owner_id),
    )
    save_to_url(filters, shown)
    return filters


def draw(
    shown: tuple[str, ...], offered: Choices, rep_names: dict[int, str], boxes: dict[str, dict]
) -> None:
    """The filter widgets named in ``shown``, in their usual order: the rep box offers
    ``rep_names`` (the chosen team's); ``boxes`` ties each widget to its kept value."""
    if "as_of" in shown:
        st.date_input(
            "As of",
            min_value=date(2000, 1, 1),
            max_value=date(2100, 12, 31),
            **boxes["as_of"],
            help="Every figure is computed as the data stood at the end of this day.",
            format="YYYY-MM-DD",
        )
    if "period" in shown:
        st.selectbox(
            "Period",
            PERIOD_KINDS,
            format_func=lambda kind: f"{kind} · {PERIOD_NAMES[kind]}",
            **boxes["period"],
            help="The period the tables by team and rep use.",
        )
    if "team" in shown:
        st.selectbox(
            "Team",
            [ALL, *offered.team_paths],
            format_func=lambda i: offered.team_paths.get(i, "All teams"),
            **boxes["team"],
            help="Any level of the organisation: a region includes every team below it.",
        )
    if "rep" in shown:
        st.selectbox(
            "Rep",
            [ALL, *rep_names],
            format_func=lambda i: rep_names.get(i, "All reps"),
            **boxes["rep"],
        )
