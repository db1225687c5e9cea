"""The organisation: teams nested in a tree (company > region > team > ...) and the
people in them. The tree itself is read in SQL through the staging macros of
sql/staging/02_org.sql; these are the lists the app and the write paths need."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline import query


def teams(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every team in tree order: id, name, parent_id, depth, path ("East › Enterprise")."""
    return query.frame(con, "reference/teams")


def reps(con: duckdb.DuckDBPyConnection, team_id: int | None = None) -> pd.DataFrame:
    """Reps (id, name, team_id), all or within a team's whole subtree."""
    return query.frame(con, "reference/reps", team_id=team_id)


def cycle_through(con: duckdb.DuckDBPyConnection, team_id: int, parent_id: int | None) -> bool:
    """Whether putting team ``team_id`` under ``parent_id`` would make a loop (the parent
    is the team itself or one of the teams below it)."""
    if parent_id is None:
        return False
    found = con.execute(
        "SELECT count(*) FROM team_ancestry() WHERE team_id = $parent AND ancestor_id = $team",
        {"parent": parent_id, "team": team_id},
    ).fetchone()[0]
    return found > 0
