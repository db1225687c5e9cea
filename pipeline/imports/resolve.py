"""Finding, or creating, the stages, people and accounts an import names.

Names are matched loosely (case, spaces and punctuation ignored, like the SQL macro
import_key), so "GTXPro" finds "GTX Pro" and "closed won" finds "Closed Won". Each
resolver writes a small temporary table (file value -> database id) that the deal
plan joins, and returns what it created for the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import pandas as pd

from pipeline import db, engine, org
from pipeline.imports import sql_text

WON_NAMES = {"won", "closedwon", "dealwon"}
LOST_NAMES = {"lost", "closedlost", "deallost"}
# Salesforce's standard sales process: the order, probability and forecast category its
# stage names imply (used for Salesforce imports when the files do not say).
SALESFORCE_STAGES = {
    "prospecting": (10, "Pipeline"),
    "qualification": (10, "Pipeline"),
    "needsanalysis": (20, "Pipeline"),
    "valueproposition": (50, "Pipeline"),
    "iddecisionmakers": (60, "Pipeline"),
    "perceptionanalysis": (70, "Pipeline"),
    "proposalpricequote": (75, "Pipeline"),
    "negotiationreview": (90, "Pipeline"),
}
UNASSIGNED = "Unassigned"


def key(text: str | None) -> str | None:
    """The loose form of a name (same rule as the import_key SQL macro)."""
    if text is None:
        return None
    return re.sub(r"[^a-z0-9]", "", str(text).strip().lower()) or None


@dataclass
class Created:
    stages: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    accounts: int = 0
    notes: list[str] = field(default_factory=list)
    # What the files name that the database did not know, whether or not a choice
    # then mapped it to an existing stage or person: (pipeline, stage, kind); owner.
    unknown_stages: list[tuple[str, str, str]] = field(default_factory=list)
    unknown_owners: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Choices:
    """Unknown stages and owners mapped to existing ones instead of being created:
    {(pipeline, stage as the files spell it): stage id}, {owner value: user id}."""

    stages: dict[tuple[str, str], int] = field(default_factory=dict)
    owners: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------- stages


def stage_kind(row, existing_kind: str | None) -> str:
    if existing_kind:
        return existing_kind
    if row.stage_key in WON_NAMES or (row.won and not row.lost and not row.open):
        return "won"
    if row.stage_key in LOST_NAMES or (row.lost and not row.won and not row.open):
        return "lost"
    return "open"


def resolve_stages(
    con: duckdb.DuckDBPyConnection,
    evidence: pd.DataFrame,
    order: list[str],
    created: Created,
    presets: dict[str, tuple[int, str]],
    chosen: dict[tuple[str, str], int] | None = None,
) -> None:
    """Write import_stage_ids (pipeline, stage_key -> stage) and import_closed_stage
    (pipeline, won/lost -> the stage closed deals move to), creating missing stages
    unless ``chosen`` maps them to an existing stage of their pipeline."""
    chosen = chosen or {}
    existing = con.execute(
        "SELECT id, pipeline, name, position, probability, forecast_category, "
        "import_stage_kind(is_won, is_closed) AS kind "
        "FROM stages ORDER BY pipeline, position"
    ).df()
    existing["stage_key"] = existing["name"].map(key)
    rows = []
    for pipeline, named in evidence.groupby("pipeline", sort=False):
        known = existing[existing["pipeline"] == pipeline]
        new = []
        for item in named.itertuples(index=False):
            match = known[known["stage_key"] == item.stage_key]
            if len(match):
                rows.append((pipeline, item.stage_key, int(match["id"].iloc[0])))
                continue
            kind = stage_kind(item, None)
            created.unknown_stages.append((pipeline, item.stage, kind))
            target = known[known["id"] == chosen.get((pipeline, item.stage))]
            if len(target) and target["kind"].iloc[0] == kind:  # only a like-for-like choice
                rows.append((pipeline, item.stage_key, int(target["id"].iloc[0])))
                continue
            new.append(item)
        needs = {"won", "lost"} & {
            status
            for item in named.itertuples(index=False)
            for status, count in (("won", item.needs_won), ("lost", item.needs_lost))
            if count
        }
        made = create_stages(con, pipeline, known, new, needs, order, created, presets)
        for stage_id, stage_key in made:
            rows.append((pipeline, stage_key, stage_id))
    frame = pd.DataFrame(rows, columns=["pipeline", "stage_key", "stage_id"])
    db.execute_with_frame(
        con,
        frame,
        "CREATE OR REPLACE TEMP TABLE import_stage_ids AS "
        "SELECT f.pipeline, f.stage_key, f.stage_id, s.probability, s.forecast_category, "
        "import_stage_kind(s.is_won, s.is_closed) AS kind "
        "FROM frame_rows AS f JOIN stages AS s ON s.id = f.stage_id",
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE import_closed_stage AS "
        "SELECT pipeline, import_stage_kind(is_won, is_closed) AS kind, "
        "min_by(id, position) AS stage_id FROM stages WHERE is_closed GROUP BY ALL"
    )


def create_stages(con, pipeline, known, new, needs, order, created, presets) -> list:
    """Insert the stages the files name but the pipeline lacks (plus a won or lost stage
    when closed deals need one), and renumber the pipeline: open stages by probability
    (the stated order first), then won, then lost."""
    kinds = set(known["kind"])
    specs = []
    for item in new:
        kind = stage_kind(item, None)
        kinds.add(kind)
        preset = presets.get(item.stage_key)
        if item.probability is not None and not pd.isna(item.probability):
            probability = Decimal(str(item.probability))
        elif kind != "open":
            probability = Decimal(100 if kind == "won" else 0)
        else:
            probability = Decimal(preset[0]) if preset else None
        category = item.forecast_category if isinstance(item.forecast_category, str) else None
        category = category or {"won": "Closed", "lost": "Omitted"}.get(kind, "Pipeline")
        specs.append([item.stage, item.stage_key, kind, probability, category])
    for kind, name in (("won", "Closed Won"), ("lost", "Closed Lost")):
        if kind in needs and kind not in kinds:
            specs.append([name, key(name), kind, Decimal(100 if kind == "won" else 0), None])
            specs[-1][4] = "Closed" if kind == "won" else "Omitted"
    if not specs:
        return []
    fill_probabilities([s for s in specs if s[2] == "open"], order, created)
    made = []
    for name, stage_key, kind, probability, category in specs:
        stage_id = engine.next_id(con, "stage_ids")
        con.execute(
            "INSERT INTO stages (id, pipeline, position, name, probability, forecast_category, "
            "is_closed, is_won) VALUES ($id, $pipeline, 0, $name, $probability, $category, "
            "$closed, $won)",
            {
                "id": stage_id,
                "pipeline": pipeline,
                "name": name,
                "probability": probability / 100,
                "category": category,
                "closed": kind != "open",
                "won": kind == "won",
            },
        )
        made.append((stage_id, stage_key))
        created.stages.append(f"{name} ({kind}, {float(probability):g}%)")
    renumber(con, pipeline, order)
    return made


def fill_probabilities(open_specs: list, order: list[str], created: Created) -> None:
    """Open stages the files give no probability for get evenly spaced ones (in the
    stated order, else the files'), and the report says so."""
    lacking = [s for s in open_specs if s[3] is None]
    if not lacking:
        return
    rank = {key(name): index for index, name in enumerate(order)}
    lacking.sort(key=lambda s: rank.get(s[1], len(rank)))
    for index, spec in enumerate(lacking, start=1):
        spec[3] = Decimal(round(100 * index / (len(lacking) + 1)))
    names = ", ".join(f"{s[0]} {float(s[3]):g}%" for s in lacking)
    created.notes.append(
        f"The files give no probability for stages {names}: set evenly by stage order. "
        "Change them under Settings."
    )


def renumber(con: duckdb.DuckDBPyConnection, pipeline: str, order: list[str]) -> None:
    stages = con.execute(
        "SELECT id, name, position, probability, is_closed, is_won FROM stages "
        "WHERE pipeline = $pipeline",
        {"pipeline": pipeline},
    ).fetchall()
    rank: dict[str, int] = {}
    for name in [*order, *SALESFORCE_STAGES]:
        rank.setdefault(key(name), len(rank))

    def place(stage):
        stage_id, name, position, probability, is_closed, is_won = stage
        stated = rank.get(key(name), len(rank))
        group = 2 if is_closed and not is_won else 1 if is_closed else 0
        return (group, stated, probability, position or 10**9, stage_id)

    for position, stage in enumerate(sorted(stages, key=place), start=1):
        con.execute(
            "UPDATE stages SET position = $position WHERE id = $id AND position <> $position",
            {"position": position, "id": stage[0]},
        )


# ---------------------------------------------------------------------------- people


@dataclass
class Person:
    name: str
    email: str | None = None
    external_id: str | None = None
    team: str | None = None
    manager: str | None = None
    active: bool = True
    user_id: int | None = None
    region: str | None = None  # the team above this person's team


def resolve_people(
    con: duckdb.DuckDBPyConnection,
    unassigned_needed: bool,
    created: Created,
    chosen: dict[str, int] | None = None,
):
    """Write import_owner_ids (owner value in the deal file -> user id), creating the
    people, their managers and teams the database lacks (an owner ``chosen`` maps to an
    existing person is not created). Returns the Unassigned user's id when deals
    without an owner need one."""
    chosen = chosen or {}
    roles = role_hierarchy(con)
    listed = [
        Person(
            name=name.strip(),
            email=(email or "").strip() or None,
            external_id=(external_id or "").strip() or None,
            team=(team or "").strip() or roles.team_of(role_id),
            manager=(manager or "").strip() or None,
            active=str(active).strip().lower() not in ("false", "no", "0", "f", "n"),
            region=(region or "").strip() or None,
        )
        for external_id, name, email, team, manager, active, region, role_id in con.execute(
            "SELECT external_id, name, email, team, manager, active, region, role_id "
            "FROM staged_people WHERE NOT import_blank(name) ORDER BY row_number"
        ).fetchall()
    ]
    by_id = {p.external_id: p for p in listed if p.external_id}
    by_name = {key(p.name): p for p in listed}
    by_email = {p.email.lower(): p for p in listed if p.email}
    owners = [
        v
        for (v,) in con.execute(
            "SELECT DISTINCT owner FROM import_rows WHERE owner IS NOT NULL ORDER BY owner"
        ).fetchall()
    ]
    owner_people = {}
    for value in owners:
        person = by_id.get(value) or by_email.get(value.lower()) or by_name.get(key(value))
        if person is None:
            # Not in the people file: the value may be a person's id from an earlier
            # import, their e-mail, or their name.
            is_email = "@" in value
            person = Person(name=value, email=value if is_email else None, external_id=value)
            by_name[key(value)] = person
        owner_people[value] = person
    managers = {p.manager for p in list(by_name.values()) if p.manager}
    for name in managers:
        if key(name) not in by_name:
            by_name[key(name)] = Person(name=name)
    everyone = list({id(p): p for p in [*listed, *by_name.values()]}.values())
    match_existing(con, everyone)
    everyone = map_chosen_owners(con, owner_people, everyone, managers, chosen, created)
    teams = ensure_teams(con, everyone, managers, created)
    place_teams(con, parents_of_teams(everyone, managers, roles), teams, created)
    create_users(con, [p for p in everyone if p.user_id is None], managers, teams, created)
    new_people = set(created.people)
    for person in everyone:
        manager = by_name.get(key(person.manager)) if person.manager else None
        if manager and person.name in new_people:
            con.execute(
                "UPDATE users SET manager_id = $manager WHERE id = $id",
                {"manager": manager.user_id, "id": person.user_id},
            )
    for team_name, team_id in teams.items():
        manager = by_name.get(key(team_name.removesuffix("'s team")))
        if manager:
            con.execute(
                "UPDATE teams SET manager_id = $manager WHERE id = $id AND manager_id IS NULL",
                {"manager": manager.user_id, "id": team_id},
            )
    frame = pd.DataFrame(
        [(value, person.user_id) for value, person in owner_people.items()],
        columns=["owner", "user_id"],
    ).astype({"owner": "object", "user_id": "int64"})
    db.execute_with_frame(
        con,
        frame,
        "CREATE OR REPLACE TEMP TABLE import_owner_ids AS "
        "SELECT CAST(owner AS VARCHAR) AS owner, CAST(user_id AS INTEGER) AS user_id "
        "FROM frame_rows",
    )
    if not unassigned_needed:
        return None
    placeholder = Person(name=UNASSIGNED, email="unassigned@import.invalid", active=False)
    match_existing(con, [placeholder])
    return placeholder.user_id or create_user(con, placeholder, set(), {}, created)


def map_chosen_owners(con, owner_people, everyone, managers, chosen, created) -> list[Person]:
    """Note each owner no one here matches, and point those ``chosen`` maps to an
    existing rep or manager at them. Returns everyone still to match or create: a
    person whom only such owners named is not created."""
    owners = {
        uid
        for (uid,) in con.execute(
            "SELECT id FROM users WHERE active AND role IN ('rep', 'manager')"
        ).fetchall()
    }
    replaced = set()
    for value, person in owner_people.items():
        if person.user_id is not None:
            continue
        created.unknown_owners.append(value)
        if chosen.get(value) in owners:
            replaced.add(id(person))
            owner_people[value] = Person(name=person.name, user_id=chosen[value])
    still_named = {id(p) for p in owner_people.values()}
    manager_keys = {key(name) for name in managers}
    return [
        p
        for p in everyone
        if id(p) not in replaced or id(p) in still_named or key(p.name) in manager_keys
    ]


def match_existing(con: duckdb.DuckDBPyConnection, people: list[Person]) -> None:
    users = con.execute("SELECT id, name, email, external_id FROM users").fetchall()
    by_id = {external_id: uid for uid, _, _, external_id in users if external_id}
    by_email = {email.lower(): uid for uid, _, email, _ in users}
    by_name = {}
    for uid, name, _, _ in users:
        by_name.setdefault(key(name), uid)
    for person in people:
        person.user_id = (
            (by_id.get(person.external_id) if person.external_id else None)
            or (by_email.get(person.email.lower()) if person.email else None)
            or by_name.get(key(person.name))
        )


def ensure_teams(con, people: list[Person], managers: set[str], created: Created) -> dict:
    """Team name -> id for every team the people belong to: a stated team, else their
    manager's team ("<manager>'s team"), which a manager also belongs to."""
    wanted = set()
    for person in people:
        team = team_of(person, managers)
        if team:
            wanted.add(team)
    existing = dict(con.execute("SELECT name, id FROM teams").fetchall())
    teams = {}
    for name in sorted(wanted):
        if name not in existing:
            existing[name] = new_team(con, name)
            created.teams.append(name)
        teams[name] = existing[name]
    return teams


@dataclass
class Roles:
    """A role hierarchy (Salesforce's UserRole file): role id -> (name, parent id). Each
    role a person holds is a team, under its parent role's team."""

    roles: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def team_of(self, role_id: str | None) -> str | None:
        role = self.roles.get((role_id or "").strip())
        return role[0] if role else None

    def parents(self) -> dict[str, str]:
        """Role name -> its parent role's name, for every role that has a parent."""
        return {
            name: self.roles[parent][0]
            for name, parent in self.roles.values()
            if parent in self.roles
        }


def role_hierarchy(con: duckdb.DuckDBPyConnection) -> Roles:
    rows = con.execute(
        "SELECT trim(external_id), trim(name), nullif(trim(parent_id), '') FROM staged_roles "
        "WHERE NOT import_blank(name) ORDER BY row_number"
    ).fetchall()
    return Roles({role_id: (name, parent) for role_id, name, parent in rows})


def parents_of_teams(people: list[Person], managers: set[str], roles: Roles) -> dict[str, str]:
    """Team name -> the team above it: a person's region above their team, and a role's
    parent role above it (with the whole chain of roles above the people's)."""
    above = {}
    for person in people:
        team = team_of(person, managers)
        if team and person.region and person.region != team:
            above.setdefault(team, person.region)
    hierarchy = roles.parents()
    for team in list(above) + [team_of(p, managers) for p in people]:
        while team in hierarchy and team not in above:
            above[team] = hierarchy[team]
            team = hierarchy[team]
    return above


def place_teams(con, above: dict[str, str], teams: dict[str, int], created: Created) -> None:
    """Create the teams above (regions, parent roles) that do not exist yet and put each
    team under its parent, unless it already has one (set here, it stays) or that would
    make a loop."""
    if not above:
        return
    existing = dict(con.execute("SELECT name, id FROM teams").fetchall())
    for name in sorted(set(above.values()) - set(existing)):
        existing[name] = new_team(con, name)
        created.teams.append(name)
    for team, parent in above.items():
        team_id, parent_id = existing.get(team) or teams.get(team), existing[parent]
        if team_id is None or org.cycle_through(con, team_id, parent_id):
            continue
        con.execute(
            "UPDATE teams SET parent_id = $parent WHERE id = $id AND parent_id IS NULL",
            {"parent": parent_id, "id": team_id},
        )


def team_of(person: Person, managers: set[str]) -> str | None:
    if person.team:
        return person.team
    if person.manager:
        return f"{person.manager}'s team"
    if person.name in managers:
        return f"{person.name}'s team"
    return None


def create_user(con, person: Person, managers: set[str], teams: dict, created: Created) -> int:
    create_users(con, [person], managers, teams, created)
    return person.user_id


def create_users(con, people: list[Person], managers: set[str], teams: dict, created) -> None:
    """Insert these people in one statement (an export can name thousands) and set
    their user_id."""
    if not people:
        return
    taken = {email.lower() for (email,) in con.execute("SELECT email FROM users").fetchall()}
    rows = []
    for person in people:
        email = person.email or placeholder_email(person.name, taken)
        taken.add(email.lower())
        rows.append(
            (
                person.name,
                email,
                "manager" if person.name in managers else "rep",
                teams.get(team_of(person, managers)),
                person.active,
                person.external_id,
            )
        )
    frame = pd.DataFrame(
        rows, columns=["name", "email", "role", "team_id", "active", "external_id"]
    ).astype({"team_id": "Int64"})
    db.execute_with_frame(
        con,
        frame,
        "INSERT INTO users (name, email, role, team_id, active, external_id) "
        "SELECT name, email, role, team_id, active, external_id FROM frame_rows",
    )
    ids = dict(
        con.execute(
            "SELECT email, id FROM users WHERE list_contains($emails, email)",
            {"emails": [row[1] for row in rows]},
        ).fetchall()
    )
    for person, row in zip(people, rows, strict=True):
        person.user_id = ids[row[1]]
        created.people.append(person.name)


def placeholder_email(name: str, taken: set[str]) -> str:
    """An address that says it is not real (the .invalid domain never resolves), unique
    among ``taken``; set the real one before the person signs in."""
    base = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") or "person"
    number = 1
    while True:
        email = f"{base}{'' if number == 1 else number}@import.invalid"
        if email not in taken:
            return email
        number += 1


# --------------------------------------------------------------------------- accounts


def resolve_accounts(con: duckdb.DuckDBPyConnection, created: Created) -> None:
    """Write import_account_ids (account value in the deal file -> account id), creating
    the accounts the database lacks, with what the accounts file says about them."""
    before = con.execute("SELECT count(*) FROM accounts").fetchone()[0]
    con.execute(sql_text("resolve_accounts"))
    created.accounts += con.execute("SELECT count(*) FROM accounts").fetchone()[0] - before


def new_team(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """Add the team ``name``; its id."""
    team_id = engine.next_id(con, "team_ids")
    con.execute("INSERT INTO teams (id, name) VALUES ($id, $name)", {"id": team_id, "name": name})
    return team_id
