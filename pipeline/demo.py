"""A deterministic, realistic demo database, anchored to an as-of date (default today).

The same seed and as-of date always give the same database. Everything is vectorised
with NumPy so that the benchmark scale (1M deals, ~10M activities) builds in minutes.

The simulation: each deal starts in Prospecting or Qualification, advances stage by
stage with falling odds, and is won or lost at the end of a cycle whose length depends
on its segment. Every stage move is a history version; some moves also change the
amount, push the close date out or (rarely) pull it in. The demo's "now" is 08:00 on
the as-of date: events after it have not happened yet, so those deals are still open.

The pipeline looks like a real, reasonably kept team's: reps push a close date that
has passed (most of the time) and touch their live deals every week or two. Some deals
are neglected: they stall with no activity and their close dates go stale, until a
clean-out closes them as lost a month or few after they were due, so only the recent
ones are still open (and flagged). The organisation has two regions above its teams;
each team has its own plan, which its reps' plans add up to a little more than.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline import copying, db, engine, history, periods

DAY = np.timedelta64(1, "D")
SECOND = np.timedelta64(1, "s")

# (position, name, probability, forecast category, entry criteria, exit checklist)
DEFAULT_STAGES = [
    (
        1,
        "Prospecting",
        0.05,
        "Pipeline",
        "A named contact at a target account",
        "Pain confirmed; meeting booked",
    ),
    (
        2,
        "Qualification",
        0.10,
        "Pipeline",
        "First meeting held",
        "Budget, authority, need and timeline known (BANT)",
    ),
    (
        3,
        "Discovery",
        0.20,
        "Pipeline",
        "Qualified: BANT complete",
        "Success criteria and decision process written down",
    ),
    (
        4,
        "Demo",
        0.40,
        "Best Case",
        "Success criteria agreed",
        "Demo delivered to the decision maker; technical fit confirmed",
    ),
    (
        5,
        "Proposal",
        0.60,
        "Best Case",
        "Technical fit confirmed",
        "Proposal sent; pricing reviewed with the economic buyer",
    ),
    (
        6,
        "Negotiation",
        0.80,
        "Commit",
        "Verbal yes from the economic buyer",
        "Contract terms agreed; signature date set",
    ),
    (7, "Closed Won", 1.00, "Closed", "Signed contract", ""),
    (8, "Closed Lost", 0.00, "Omitted", "Deal lost or abandoned", ""),
]
OPEN_STAGES = 6
WON_STAGE, LOST_STAGE = 7, 8

SEGMENTS = ["Enterprise", "Mid-Market", "SMB"]
SEGMENT_SHARE = [0.15, 0.35, 0.50]
MEDIAN_AMOUNT = np.array([60_000.0, 18_000.0, 4_500.0])
MEDIAN_CYCLE_DAYS = np.array([85.0, 55.0, 35.0])
ACTIVITIES_PER_DEAL = np.array([20.0, 14.0, 9.0])
TEAM_SEGMENTS = [0, 1, 1, 2]  # team i sells to accounts of segment TEAM_SEGMENTS[i % 4]
TEAM_NAMES = ["Enterprise", "Mid-Market East", "Mid-Market West", "SMB"]
# Chance to advance from stage i (1-based position i) to the next one.
ADVANCE = np.array([0.80, 0.80, 0.85, 0.85, 0.88])
WIN_FROM_NEGOTIATION = 0.72
PROBABILITIES = np.array([s[2] for s in DEFAULT_STAGES])  # by position - 1
NOW_HOUR = 8  # the demo's now: 08:00 on the as-of day
REGION_NAMES = ["East", "West"]
TEAM_PLAN_SHARE = 0.9  # a team's plan: 90% of what its reps' plans add up to
CLEANED_OUT = "No response (cleaned out)"
NEXT_YEAR_GROWTH = 1.1  # next fiscal year's plan: this year's wins plus a tenth

FIRST = "Ada Ben Cara Dev Eli Fay Gus Hana Ivo Jade Kai Lena Milo Nia Omar Pia Quin Rosa Sami "
FIRST += "Tara Uma Vik Wren Xena Yuri Zoe Alba Bram Cleo Dario Edda Finn Gia Hugo Iris Jonas"
LAST = "Alder Brooks Castillo Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Larsen "
LAST += "Moreau Nakamura Okafor Petrov Quinn Rossi Silva Tanaka Usman Varga Weber Xu Yilmaz Zhou"
ACCOUNT_WORDS = "Acme Birch Cobalt Delta Ember Fjord Granite Harbor Indigo Juniper Kestrel "
ACCOUNT_WORDS += "Lumen Maple Nimbus Onyx Pioneer Quartz Redwood Summit Tidal Umber Vertex "
ACCOUNT_WORDS += "Willow Xenon Yarrow Zephyr Atlas Beacon Crescent Dune"
ACCOUNT_KINDS = "Systems Labs Logistics Health Foods Energy Robotics Finance Media Retail "
ACCOUNT_KINDS += "Motors Pharma Telecom Analytics Foundry Capital"
INDUSTRIES = [
    "Software",
    "Manufacturing",
    "Healthcare",
    "Retail",
    "Finance",
    "Logistics",
    "Energy",
    "Media",
    "Education",
    "Public sector",
]
SOURCES = ["Inbound", "Outbound", "Partner", "Event", "Referral"]
SOURCE_SHARE = [0.35, 0.30, 0.15, 0.10, 0.10]
DEAL_TYPES = ["new", "expansion", "renewal"]
DEAL_TYPE_SHARE = [0.65, 0.22, 0.13]
PRODUCTS = [
    "platform",
    "analytics add-on",
    "seats",
    "support plan",
    "pilot",
    "rollout",
    "integration",
    "licences",
]
LOST_REASONS = [
    "Price",
    "Chose a competitor",
    "No budget",
    "No decision",
    "Timing",
    "Lost the champion",
    "Product gap",
]
NEXT_STEPS = [
    "Send revised proposal",
    "Book demo with IT",
    "Call the economic buyer",
    "Security review",
    "Pricing call",
    "Reference call",
    "Draft contract",
    "Follow up on trial",
    "Workshop with stakeholders",
    "Legal review",
]
OBSTACLES = [
    "Budget freeze until next quarter",
    "Competing with an incumbent",
    "Champion changing roles",
    "Procurement backlog",
    "Security questionnaire",
    None,
    None,
    None,
]
ACTIVITY_KINDS = ["call", "email", "meeting", "demo", "note", "task"]
ACTIVITY_SHARE = [0.30, 0.34, 0.12, 0.06, 0.08, 0.10]
OUTCOMES = {
    "call": (["connected", "no answer", "left voicemail"], [0.45, 0.35, 0.20]),
    "email": (["sent", "replied"], [0.70, 0.30]),
    "meeting": (["held", "no-show", "rescheduled"], [0.82, 0.08, 0.10]),
    "demo": (["held", "no-show"], [0.88, 0.12]),
    "note": ([None], [1.0]),
    "task": (["done"], [1.0]),
}
MONTH_IN_QUARTER_WEIGHT = np.array([0.85, 0.95, 1.20])


def demo_now(as_of: date) -> datetime:
    """The demo's present: events after it have not happened yet."""
    return datetime.combine(as_of, datetime.min.time()) + timedelta(hours=NOW_HOUR)


@dataclass(frozen=True)
class DemoSpec:
    deals: int = 6000
    seed: int = 7
    as_of: date = field(default_factory=date.today)

    @property
    def reps(self) -> int:
        return max(24, round(self.deals / 250 / 4) * 4)

    @property
    def teams(self) -> int:
        return self.reps // 6

    @property
    def accounts(self) -> int:
        return max(400, self.deals // 8)

    @property
    def start(self) -> date:
        """Three fiscal years: the as-of date's and the two before it."""
        return periods.add_months(periods.fiscal_year_start(self.as_of), -24)


def generate(spec: DemoSpec) -> dict[str, pd.DataFrame]:
    """All tables of a demo database, as DataFrames keyed by table name."""
    rng = np.random.default_rng(spec.seed)
    org = make_org(spec, rng)
    accounts = make_accounts(spec, rng)
    deals = simulate_deals(spec, rng, org, accounts)
    versions, current = deal_versions(spec, rng, deals)
    activities = make_activities(spec, rng, deals, current)
    quotas = make_quotas(spec, org, deals)
    org["users"]["ote"] = on_target_earnings(spec, org["users"], quotas)
    calls = make_forecast_calls(spec, rng, org, deals)
    accounts["is_customer"] = np.isin(accounts["id"], deals["account_id"][deals["won_at"].notna()])
    return {
        "teams": org["teams"],
        "users": org["users"],
        "accounts": accounts,
        "deal_history": versions,
        "activities": activities,
        "quotas": quotas,
        "forecast_calls": calls,
    }


def person_names(count: int, offset: int) -> list[str]:
    first, last = FIRST.split(), LAST.split()
    names = []
    for i in range(offset, offset + count):
        name = f"{first[i % len(first)]} {last[(i // len(first) + i) % len(last)]}"
        if i >= len(first) * len(last):
            name += f" {i // (len(first) * len(last)) + 1}"
        names.append(name)
    return names


def email_for(name: str) -> str:
    return name.lower().replace(" ", ".") + "@demo.example"


def make_org(spec: DemoSpec, rng: np.random.Generator) -> dict:
    n_teams = spec.teams
    team_names = [TEAM_NAMES[i % 4] + ("" if i < 4 else f" {i // 4 + 1}") for i in range(n_teams)]
    names = person_names(2 + n_teams + spec.reps, 0)
    users = [
        (1, names[0], "executive", None, None),
        (2, names[1], "admin", None, None),
    ]
    managers = list(range(3, 3 + n_teams))
    for team, manager_id in enumerate(managers, start=1):
        users.append((manager_id, names[manager_id - 1], "manager", team, 1))
    rep_ids = np.arange(3 + n_teams, 3 + n_teams + spec.reps)
    rep_team = np.arange(spec.reps) % n_teams + 1
    for rep_id, team in zip(rep_ids, rep_team, strict=True):
        users.append((int(rep_id), names[rep_id - 1], "rep", int(team), managers[team - 1]))
    # Two regions above the teams (each region a team of its own, with a manager), the
    # first half of the teams in the first; added after everyone else, so the people
    # and teams of earlier versions keep their ids.
    region_ids = [n_teams + 1 + i for i in range(len(REGION_NAMES))]
    region_of_team = [region_ids[min(t * len(REGION_NAMES) // n_teams, 1)] for t in range(n_teams)]
    next_id = 3 + n_teams + spec.reps
    region_names = person_names(len(REGION_NAMES), next_id - 1)
    region_managers = list(range(next_id, next_id + len(REGION_NAMES)))
    for region, manager_id, name in zip(region_ids, region_managers, region_names, strict=True):
        users.append((manager_id, name, "manager", region, 1))
    for index in range(n_teams):  # team managers report to their region's manager
        region_manager = region_managers[region_ids.index(region_of_team[index])]
        users[2 + index] = (*users[2 + index][:4], region_manager)
    frame = pd.DataFrame(users, columns=["id", "name", "role", "team_id", "manager_id"])
    frame["email"] = frame["name"].map(email_for)
    frame["team_id"] = frame["team_id"].astype("Int64")
    frame["manager_id"] = frame["manager_id"].astype("Int64")
    teams = pd.DataFrame(
        {
            "id": np.arange(1, n_teams + 1 + len(REGION_NAMES)),
            "name": team_names + REGION_NAMES,
            "manager_id": managers + region_managers,
            "parent_id": pd.array(region_of_team + [None] * len(REGION_NAMES), dtype="Int64"),
        }
    )
    skill = np.clip(rng.normal(1.0, 0.18, spec.reps), 0.55, 1.45)
    return {
        "teams": teams,
        "users": frame,
        "rep_ids": rep_ids,
        "rep_team": rep_team,
        "rep_skill": skill,
        "team_segment": np.array([TEAM_SEGMENTS[i % 4] for i in range(n_teams)]),
    }


def make_accounts(spec: DemoSpec, rng: np.random.Generator) -> pd.DataFrame:
    words, kinds = ACCOUNT_WORDS.split(), ACCOUNT_KINDS.split()
    n = spec.accounts
    index = np.arange(n)
    names = [
        f"{words[i % len(words)]} {kinds[(i // len(words)) % len(kinds)]}"
        + ("" if i < len(words) * len(kinds) else f" {i // (len(words) * len(kinds)) + 1}")
        for i in index
    ]
    return pd.DataFrame(
        {
            "id": index + 1,
            "name": names,
            "segment_index": rng.choice(3, n, p=SEGMENT_SHARE),
            "industry": rng.choice(INDUSTRIES, n),
        }
    ).assign(segment=lambda f: np.array(SEGMENTS)[f["segment_index"]])


def simulate_deals(
    spec: DemoSpec, rng: np.random.Generator, org: dict, accounts: pd.DataFrame
) -> pd.DataFrame:
    """Each deal's fixed facts and its full, untruncated path (some of it in the future)."""
    n = spec.deals
    start = np.datetime64(spec.start, "s")
    span_days = (spec.as_of - spec.start).days  # up to the day before: now is 08:00
    # Pipeline creation grows over time: density rises linearly by about 60% over the span.
    u = rng.random(n)
    growth = 0.6
    created_day = span_days * (np.sqrt(1 + growth * (2 + growth) * u) - 1) / growth
    created_day = np.floor(np.minimum(created_day, span_days - 1e-9))
    created = start + (created_day * DAY).astype("timedelta64[s]")
    created += rng.integers(8 * 3600, 18 * 3600, n) * SECOND

    rep_index = rng.integers(0, spec.reps, n)
    team_index = org["rep_team"][rep_index] - 1
    segment = org["team_segment"][team_index]
    # Each rep sells mostly to accounts of the team's segment.
    account_id = np.empty(n, dtype=np.int64)
    for seg in range(3):
        pool = accounts["id"].to_numpy()[accounts["segment_index"].to_numpy() == seg]
        mask = segment == seg
        account_id[mask] = rng.choice(pool, mask.sum())
    skill = org["rep_skill"][rep_index]

    amount = MEDIAN_AMOUNT[segment] * np.exp(rng.normal(0, 0.65, n)) * np.sqrt(skill)
    amount = np.where(rng.random(n) < 0.8, np.round(amount, -2), np.round(amount, 2))
    amount = np.maximum(amount, 500.0)
    cycle = MEDIAN_CYCLE_DAYS[segment] * np.exp(rng.normal(0, 0.45, n))
    # Neglected deals go quiet part way through (see deal_versions) and are never won.
    neglected = rng.random(n) < 0.08

    source = rng.choice(len(SOURCES), n, p=SOURCE_SHARE)
    first_stage = np.where((source == 0) & (rng.random(n) < 0.5), 2, 1)
    deal_type = rng.choice(3, n, p=DEAL_TYPE_SHARE)
    # How far the deal gets: advance stage by stage while the odds hold.
    reached = first_stage.copy()
    lift = np.where(deal_type == 2, 1.12, 1.0) * skill**0.5
    for position in range(1, OPEN_STAGES):
        can = reached == position
        advance = rng.random(n) < np.clip(ADVANCE[position - 1] * lift, 0, 0.97)
        reached = np.where(can & advance, position + 1, reached)
    won = (reached == OPEN_STAGES) & (rng.random(n) < np.clip(WIN_FROM_NEGOTIATION * lift, 0, 0.95))
    won &= ~neglected
    # A lost deal dies part way through its planned cycle.
    lifetime = np.where(won, cycle, cycle * rng.uniform(0.35, 1.0, n))
    end = created + (lifetime * 86400).astype("timedelta64[s]")
    end = quarter_end_push(end, won, rng)
    # Deals close in working hours: the day stays, the time is 09:00 to 18:00.
    end = (
        end.astype("datetime64[D]").astype("datetime64[s]")
        + rng.integers(9 * 3600, 18 * 3600, n) * SECOND
    )
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "owner_id": org["rep_ids"][rep_index],
            "rep_index": rep_index,
            "team_index": team_index,
            "segment": segment,
            "account_id": account_id,
            "amount": amount,
            "created_at": created,
            "cycle_days": cycle,
            "first_stage": first_stage,
            "reached": reached,
            "won_flag": won,
            "end_at": end,
            "neglected": neglected,
            "source": np.array(SOURCES)[source],
            "deal_type": np.array(DEAL_TYPES)[deal_type],
        }
    ).assign(won_at=lambda f: f["end_at"].where(f["won_flag"]))


def quarter_end_push(end: np.ndarray, won: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Quarter-end seasonality: a quarter of the wins early in a quarter slip to its last
    weeks."""
    months = end.astype("datetime64[M]")
    month_in_quarter = months.astype(int) % 3
    quarter_end = (months - month_in_quarter + 3).astype("datetime64[s]")
    move = won & (month_in_quarter < 2) & (rng.random(len(end)) < 0.25)
    target = quarter_end - (rng.integers(1, 15, len(end)) * DAY).astype("timedelta64[s]")
    target += rng.integers(9 * 3600, 17 * 3600, len(end)) * SECOND
    return np.where(move & (target > end), target, end)


def deal_versions(
    spec: DemoSpec, rng: np.random.Generator, deals: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every history version up to the as-of date, and each deal's latest state."""
    n = len(deals)
    now = np.datetime64(demo_now(spec.as_of), "s")
    created = deals["created_at"].to_numpy()
    end = deals["end_at"].to_numpy()
    first, reached = deals["first_stage"].to_numpy(), deals["reached"].to_numpy()
    steps = reached - first  # stage moves after creation
    # Stage moves fall at roughly even points of the lifetime, in order (each stay about
    # as long as the others, give or take a quarter); the close comes last. A neglected
    # deal stops moving a fifth to a half of the way through.
    max_steps = OPEN_STAGES - 1
    slots = np.arange(1, max_steps + 1)[None, :] + rng.uniform(-0.25, 0.25, (n, max_steps))
    cuts = np.sort(slots, axis=1) / (steps[:, None] + 1)
    lifetime = (end - created).astype("timedelta64[s]").astype(np.int64)
    move_at = created[:, None] + (cuts * lifetime[:, None] * 0.92).astype("timedelta64[s]")
    neglected = deals["neglected"].to_numpy()
    stalls_at = created + (rng.uniform(0.2, 0.5, n) * lifetime).astype("timedelta64[s]")

    stage = first.copy()
    status = np.full(n, "open", dtype=object)
    amount = deals["amount"].to_numpy().copy()
    planned = deals["cycle_days"].to_numpy() * rng.uniform(0.55, 1.0, n)
    close_date = (created + (planned * 86400).astype("timedelta64[s]")).astype("datetime64[D]")
    closed_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    lost_reason = np.full(n, None, dtype=object)

    columns = []

    def snapshot(mask: np.ndarray, at: np.ndarray, version: np.ndarray) -> None:
        columns.append(
            {
                "deal_id": deals["id"].to_numpy()[mask],
                "version": version[mask],
                "valid_from": at[mask],
                "stage_id": stage[mask],
                "status": status[mask],
                "amount": amount[mask],
                "close_date": close_date[mask],
                "closed_at": closed_at[mask],
                "lost_reason": lost_reason[mask],
            }
        )

    version = np.ones(n, dtype=np.int64)
    exists = created < now
    snapshot(exists, created, version)
    for step in range(max_steps):
        at = move_at[:, step]
        happens = exists & (step < steps) & (at < now) & (~neglected | (at < stalls_at))
        stage = np.where(happens, stage + 1, stage)
        # Proposal stage often re-prices the deal.
        reprice = happens & (stage == 5) & (rng.random(n) < 0.45)
        factor = rng.uniform(0.8, 1.3, n)
        amount = np.where(reprice, np.round(amount * factor, 2), amount)
        # Close dates slip: when a move happens after the promised date, or at random.
        late = at.astype("datetime64[D]") >= close_date
        push = happens & (late | (rng.random(n) < 0.07))
        new_date = (at + (rng.uniform(14, 60, n) * 86400).astype("timedelta64[s]")).astype(
            "datetime64[D]"
        )
        close_date = np.where(push, np.maximum(close_date, new_date), close_date)
        pull = happens & ~push & (rng.random(n) < 0.05)
        pulled = close_date - rng.integers(7, 22, n) * DAY
        close_date = np.where(pull & (pulled > at.astype("datetime64[D]")), pulled, close_date)
        version = np.where(happens, version + 1, version)
        snapshot(happens, at, version)

    moved = (np.arange(max_steps) < steps[:, None]) & (move_at < now)
    moved &= ~neglected[:, None] | (move_at < stalls_at[:, None])
    last_at = np.max(np.where(moved, move_at, created[:, None]), 1)
    # A live deal whose close date passed is usually pushed: a version a few days after
    # the date (or the last change), promising a date a week or more out.
    as_of_day = np.datetime64(spec.as_of, "D")
    live = exists & (end >= now) & ~neglected
    pushed_at = np.maximum(
        close_date.astype("datetime64[s]") + rng.uniform(1, 6, n) * 86400 * SECOND,
        last_at + 3600 * SECOND,
    )
    push = live & (close_date < as_of_day) & (rng.random(n) < 0.85) & (pushed_at < now)
    new_date = pushed_at.astype("datetime64[D]") + rng.integers(10, 45, n) * DAY
    close_date = np.where(push, np.maximum(new_date, as_of_day + 7 * DAY), close_date)
    version = np.where(push, version + 1, version)
    snapshot(push, pushed_at, version)
    last_at = np.where(push, pushed_at, last_at)

    closes = exists & (end < now) & ~neglected
    # Neglected deals are cleaned out: closed as lost two to six weeks after they were
    # due (or went quiet, when that was later).
    due = np.maximum(close_date.astype("datetime64[s]"), stalls_at)
    cleaned_at = np.maximum(due + rng.uniform(14, 45, n) * 86400 * SECOND, last_at + 86400 * SECOND)
    cleaned = exists & neglected & (cleaned_at < now)
    end = np.where(cleaned, cleaned_at, end)
    won = closes & deals["won_flag"].to_numpy()
    lost = (closes & ~deals["won_flag"].to_numpy()) | cleaned
    closes = closes | cleaned
    stage = np.where(won, WON_STAGE, np.where(lost, LOST_STAGE, stage))
    status = np.where(won, "won", np.where(lost, "lost", status))
    closed_at = np.where(closes, end, closed_at)
    close_date = np.where(closes, end.astype("datetime64[D]"), close_date)
    reasons = np.where(cleaned, CLEANED_OUT, rng.choice(LOST_REASONS, n))
    lost_reason = np.where(lost, reasons, lost_reason)
    version = np.where(closes, version + 1, version)
    snapshot(closes, end, version)

    versions = pd.concat([pd.DataFrame(c) for c in columns], ignore_index=True)
    versions = versions.sort_values(["deal_id", "version"], kind="stable", ignore_index=True)
    following = versions["valid_from"].shift(-1)
    same_deal = versions["deal_id"].shift(-1) == versions["deal_id"]
    versions["valid_to"] = following.where(same_deal)
    current = pd.DataFrame(
        {"id": deals["id"], "status": status, "stage_id": stage, "exists": exists}
    )
    versions = add_fixed_facts(spec, rng, versions, deals, current)
    return versions, current


def add_fixed_facts(
    spec: DemoSpec,
    rng: np.random.Generator,
    versions: pd.DataFrame,
    deals: pd.DataFrame,
    current: pd.DataFrame,
) -> pd.DataFrame:
    """Columns that do not change between versions, and the latest version's extras."""
    deal_index = versions["deal_id"].to_numpy() - 1
    names = np.array(PRODUCTS)[rng.integers(0, len(PRODUCTS), len(deals))]
    versions["name"] = names[deal_index]  # completed with the account name on load
    for column in ("owner_id", "account_id", "created_at", "source", "deal_type"):
        versions[column] = deals[column].to_numpy()[deal_index]
    versions["changed_by"] = np.where(
        versions["version"].to_numpy() > 1, versions["owner_id"].to_numpy(), None
    )
    versions["change_source"] = "demo"
    # Next steps, obstacles and judgement calls live on the open deals' current versions.
    latest = versions["valid_to"].isna().to_numpy() & (versions["status"] == "open").to_numpy()
    n = len(versions)
    has_next = latest & (rng.random(n) < 0.86)
    versions["next_step"] = np.where(has_next, rng.choice(NEXT_STEPS, n), None)
    due = np.datetime64(spec.as_of, "D") + rng.integers(-5, 21, n) * DAY
    versions["next_step_due"] = np.where(has_next, due, np.datetime64("NaT"))
    versions["obstacle"] = np.where(latest & (rng.random(n) < 0.45), rng.choice(OBSTACLES, n), None)
    # A rep's judgement call: a few points either side of the stage's probability.
    override = latest & (rng.random(n) < 0.08)
    stage_probability = PROBABILITIES[versions["stage_id"].to_numpy() - 1]
    nudged = stage_probability + rng.choice([-0.15, -0.1, -0.05, 0.05, 0.1, 0.15], n)
    nudged = np.clip(np.round(nudged * 20) / 20, 0.05, 0.95)
    versions["probability_override"] = np.where(override, nudged, np.nan)
    commit_call = latest & (versions["stage_id"].to_numpy() == 5) & (rng.random(n) < 0.15)
    versions["forecast_category"] = np.where(commit_call, "Commit", None)
    add_qualification_and_cost(spec, versions, current)
    return versions


BANT = ("budget", "authority", "need", "timeline")


def add_qualification_and_cost(
    spec: DemoSpec, versions: pd.DataFrame, current: pd.DataFrame
) -> None:
    """BANT criteria met as a deal moves on (more, and sooner, on deals that go on to
    win), and a cost to deliver on seven deals in ten. Drawn from a stream of their own,
    so every other demo figure stays as it was."""
    rng = np.random.default_rng(spec.seed + 1)
    deal_index = versions["deal_id"].to_numpy() - 1
    deals = len(current)
    wins = (current["status"] == "won").to_numpy()
    quality = np.clip(rng.beta(2, 2, deals) + 0.3 * wins, 0, 1)[deal_index]
    step = np.minimum(versions["stage_id"].to_numpy(), 6)  # a closed deal keeps its last
    met = np.minimum(4, np.floor(quality * (step + 1) * 0.8)).astype(int)
    versions["qualification"] = np.array([None, *(",".join(BANT[:k]) for k in range(1, 5))],
                                         dtype=object)[met]  # fmt: skip
    share = rng.uniform(0.25, 0.75, deals)
    has_cost = rng.random(deals) < 0.7
    amounts = pd.to_numeric(versions["amount"], errors="coerce").to_numpy(dtype=float)
    versions["cost"] = np.where(has_cost[deal_index], np.round(amounts * share[deal_index], 2),
                                np.nan)  # fmt: skip


def make_activities(
    spec: DemoSpec, rng: np.random.Generator, deals: pd.DataFrame, current: pd.DataFrame
) -> pd.DataFrame:
    """Touches spread over each deal's life so far; neglected deals go quiet early."""
    now = np.datetime64(demo_now(spec.as_of), "s")
    created = deals["created_at"].to_numpy()
    end = np.minimum(deals["end_at"].to_numpy(), now)
    quiet = deals["neglected"].to_numpy()
    end = np.where(quiet, created + (end - created) // 3, end)
    span = (end - created).astype(np.int64)
    life_share = np.clip(span / (deals["cycle_days"].to_numpy() * 86400), 0.05, 1.0)
    expected = ACTIVITIES_PER_DEAL[deals["segment"].to_numpy()] * life_share
    counts = rng.poisson(expected) * current["exists"].to_numpy()
    index = np.repeat(np.arange(len(deals)), counts)
    done_at = created[index] + (rng.random(len(index)) * span[index]).astype("timedelta64[s]")
    # Reps touch their live deals every week or two: a recent call or e-mail on most.
    live = np.flatnonzero((current["status"] == "open").to_numpy() & ~quiet)
    touched = live[rng.random(len(live)) < 0.9]
    recent = now - (rng.uniform(0.1, 12, len(touched)) * 86400).astype("timedelta64[s]")
    index = np.concatenate([index, touched])
    done_at = np.concatenate([done_at, np.maximum(recent, created[touched])])
    kind = rng.choice(len(ACTIVITY_KINDS), len(index), p=ACTIVITY_SHARE)
    outcome = np.empty(len(index), dtype=object)
    for k, name in enumerate(ACTIVITY_KINDS):
        mask = kind == k
        values, share = OUTCOMES[name]
        outcome[mask] = rng.choice(np.array(values, dtype=object), mask.sum(), p=share)
    # One open task due soon on about half of the open deals.
    open_deals = np.flatnonzero((current["status"] == "open").to_numpy() & ~quiet)
    upcoming = open_deals[rng.random(len(open_deals)) < 0.5]
    due = (
        np.datetime64(spec.as_of, "s")
        + (rng.integers(1, 14, len(upcoming)) * DAY).astype("timedelta64[s]")
        + np.timedelta64(10, "h")
    )
    frame = pd.DataFrame(
        {
            "deal_id": np.concatenate([index, upcoming]) + 1,
            "kind": np.concatenate(
                [np.array(ACTIVITY_KINDS)[kind], np.full(len(upcoming), "task")]
            ),
            "outcome": np.concatenate([outcome, np.full(len(upcoming), None, dtype=object)]),
            "done_at": np.concatenate([done_at, np.full(len(upcoming), np.datetime64("NaT"))]),
            "due_at": np.concatenate(
                [np.full(len(index), np.datetime64("NaT"), dtype="datetime64[s]"), due]
            ),
        }
    )
    deal_index = frame["deal_id"].to_numpy() - 1
    frame["owner_id"] = deals["owner_id"].to_numpy()[deal_index]
    frame["account_id"] = deals["account_id"].to_numpy()[deal_index]
    frame["created_at"] = frame["done_at"].fillna(now)
    frame = frame.sort_values(["created_at", "deal_id"], kind="stable", ignore_index=True)
    frame["id"] = np.arange(1, len(frame) + 1)
    return frame


def on_target_earnings(spec: DemoSpec, people: pd.DataFrame, quotas: pd.DataFrame) -> pd.Series:
    """Each rep's on-target earnings: this fiscal year's quota over 3.3 to 4.7 (one rep in
    eight paid off the usual 3-5x range), to the thousand. A stream of its own, so every
    other demo figure stays as it was."""
    rng = np.random.default_rng(spec.seed + 2)
    year_start = np.datetime64(periods.fiscal_year_start(spec.as_of))
    this_year = quotas[(quotas["month"].astype("datetime64[s]") >= year_start)
                       & (quotas["month"].astype("datetime64[s]")
                          < year_start + np.timedelta64(365, "D"))]  # fmt: skip
    year = this_year.groupby("user_id")["amount"].sum()
    ratio = np.where(rng.random(len(people)) < 0.125, rng.choice([2.6, 5.6], len(people)),
                     rng.uniform(3.3, 4.7, len(people)))  # fmt: skip
    quota = people["id"].map(year).to_numpy(dtype=float)
    ote = np.round(quota / ratio, -3)
    return pd.Series(np.where(people["role"] == "rep", ote, np.nan), index=people.index)


def make_quotas(spec: DemoSpec, org: dict, deals: pd.DataFrame) -> pd.DataFrame:
    """Monthly quotas per rep: each fiscal year's plan is what the team's average rep would
    win that year (the simulation knows the future), leaning half-way towards each rep's
    own track record and shaped by quarter-end seasonality, so stronger reps beat it and
    weaker ones miss; next year's plan is this year's grown by a tenth. Each team has its
    own plan, 90% of what its reps' plans add up to (managers assign a little more than the
    team must bring in); the regions and the company have none of their own, so theirs
    add up their teams'."""
    won = deals[deals["won_flag"]]
    year_start = periods.fiscal_year_start(spec.as_of)
    rows = []
    for year in range(4):  # the two years before, this one, and next year's plan
        start = periods.add_months(year_start, 12 * (min(year, 2) - 2))
        end = periods.add_months(start, 12)
        in_year = won[
            (won["won_at"] >= np.datetime64(start)) & (won["won_at"] < np.datetime64(end))
        ]
        per_team = in_year.groupby("team_index")["amount"].sum() * (
            NEXT_YEAR_GROWTH if year == 3 else 1
        )
        start = periods.add_months(year_start, 12 * (year - 2))
        for team in range(spec.teams):
            reps_in_team = int((org["rep_team"] == team + 1).sum())
            annual = per_team.get(team, 0.0) / max(reps_in_team, 1)
            for month_number in range(12):
                month = periods.add_months(start, month_number)
                weight = MONTH_IN_QUARTER_WEIGHT[month_number % 3] / MONTH_IN_QUARTER_WEIGHT.sum()
                in_team = org["rep_team"] == team + 1
                lean = 0.5 + 0.5 * org["rep_skill"][in_team]
                for rep_id, share in zip(org["rep_ids"][in_team], lean / lean.mean(), strict=True):
                    rows.append((int(rep_id), month, round(annual / 4 * weight * share, -2)))
    quotas = pd.DataFrame(rows, columns=["user_id", "month", "amount"])
    team_of = dict(zip(org["rep_ids"], org["rep_team"], strict=True))
    teams = quotas.assign(team_id=quotas["user_id"].map(team_of))
    teams = teams.groupby(["team_id", "month"], as_index=False)["amount"].sum()
    teams["amount"] = (teams["amount"] * TEAM_PLAN_SHARE).round(-2)
    quotas["team_id"] = None
    teams["user_id"] = None
    frame = pd.concat([quotas, teams[["user_id", "team_id", "month", "amount"]]])
    return frame.astype({"user_id": "Int64", "team_id": "Int64"}).reset_index(drop=True)


def make_forecast_calls(
    spec: DemoSpec, rng: np.random.Generator, org: dict, deals: pd.DataFrame
) -> pd.DataFrame:
    """Weekly calls for this quarter and the three before it: each rep's commit and best case
    close in on what the quarter really brought as it goes by. A rep's misjudgement is
    kept from week to week and shrinks (a few percent of news a week), so calls move
    smoothly rather than jumping about. Each team's manager then makes their own call for
    the team, the reps' sum trimmed by a judgement of their own (as Salesforce's forecast
    adjustments do); the regions' calls are the sum of their teams'."""
    quarter = periods.fiscal_quarter_start(spec.as_of)
    now = demo_now(spec.as_of)
    team_managers = org["teams"]["manager_id"].to_numpy()[: spec.teams]
    won = deals[deals["won_flag"]]
    rows = []
    for back in range(3, -1, -1):
        start = periods.add_months(quarter, -3 * back)
        end = periods.add_months(start, 3)
        in_quarter = won[
            (won["won_at"] >= np.datetime64(start)) & (won["won_at"] < np.datetime64(end))
        ]
        actual = in_quarter.groupby("owner_id")["amount"].sum()
        monday = start + timedelta(days=(7 - start.weekday()) % 7)
        weeks = []
        while monday < end and monday <= spec.as_of:
            weeks.append(monday)
            monday += timedelta(days=7)
        error = rng.normal(-0.08, 0.15, len(org["rep_ids"]))  # each rep's first guess
        trim = rng.uniform(0.92, 1.0, spec.teams)  # each manager's judgement of the sum
        for week_number, week in enumerate(weeks):
            left = 1 - week_number / 13
            error = 0.8 * error + rng.normal(0, 0.04, len(error))
            team_sums = np.zeros((spec.teams, 2))
            for index, rep_id in enumerate(org["rep_ids"]):
                truth = float(actual.get(rep_id, 0.0))
                commit = round(max(truth * (0.92 + error[index]), 0), -2)
                best = round(max(commit * (1.12 + 0.15 * left), 0), -2)
                team_sums[org["rep_team"][index] - 1] += (commit, best)
                submitted = datetime.combine(week, datetime.min.time()) + timedelta(
                    hours=int(rng.integers(8, 12))
                )
                rows.append((int(rep_id), start, submitted, commit, best))
            managers_at = datetime.combine(week, datetime.min.time()) + timedelta(hours=15)
            for team, manager_id in enumerate(team_managers):
                commit, best = team_sums[team] * trim[team]
                rows.append((int(manager_id), start, managers_at, round(commit, -2),
                             round(max(best, commit), -2)))  # fmt: skip
    rows = [row for row in rows if row[2] < now]
    return pd.DataFrame(
        rows,
        columns=["user_id", "quarter_start", "submitted_at", "commit_amount", "best_case_amount"],
    )


def load(con: duckdb.DuckDBPyConnection, spec: DemoSpec, tables: dict[str, pd.DataFrame]) -> None:
    """Write the generated tables into an empty, migrated database in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        for position, name, probability, category, entry, checklist in DEFAULT_STAGES:
            con.execute(
                "INSERT INTO stages (position, name, probability, forecast_category, is_closed,"
                " is_won, entry_criteria, exit_checklist) VALUES ($position, $name,"
                " $probability, $category, $closed, $won, $entry, $checklist)",
                {
                    "position": position,
                    "name": name,
                    "probability": probability,
                    "category": category,
                    "closed": position >= WON_STAGE,
                    "won": position == WON_STAGE,
                    "entry": entry,
                    "checklist": checklist or None,
                },
            )
        for table in LOADED_TABLES:
            insert_frame(con, table, tables[table])
        # Deal names read "<account> <product> <month opened>", like most CRMs' naming
        # conventions; the month tells an account's repeat deals apart, as it does in
        # the CRM (data health would flag them as duplicates otherwise).
        con.execute(
            "UPDATE deal_history SET name = accounts.name || ' ' || deal_history.name || ' ' "
            "|| strftime(deal_history.created_at, '%b %Y') "
            "FROM accounts WHERE accounts.id = deal_history.account_id"
        )
        history.rebuild_current_deals(con)
        add_last_reviews(con, spec, tables["teams"])
        db.advance_sequences(con)
        for key, value in {
            "auth_mode": "demo",
            "demo_anchor": spec.as_of.isoformat(),
            "demo_seed": str(spec.seed),
            "demo_deals": str(spec.deals),
        }.items():
            db.set_setting(con, key, value)
        summary = f"Demo built: {spec.deals:,} deals as of {spec.as_of}"
        db.record_change(con, "demo", summary=summary)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


REVIEW_NOTES = (
    ("Champion moved to another role; find the new sponsor.", "Re-qualify before commit"),
    ("Security review is the blocker.", "Bring in our security lead"),
    ("Budget approved for next quarter only.", "Keep in pipeline, not commit"),
)
REVIEW_ACTIONS = (
    "Confirm the budget holder",
    "Send the mutual close plan",
    "Book the executive sponsor call",
)


def add_last_reviews(con: duckdb.DuckDBPyConnection, spec: DemoSpec, teams: pd.DataFrame) -> None:
    """Each team's review of a week ago, so "since the last review" starts there: its
    six largest open deals on the agenda, notes on three, and three action items for
    their owners (the first done, the second late, the third due this week)."""
    saved = demo_now(spec.as_of) - timedelta(days=7) + timedelta(hours=1, minutes=30)
    for team in teams[teams["parent_id"].notna()].itertuples():
        deals = con.execute(
            "SELECT id, owner_id FROM deals WHERE status = 'open' AND owner_id IN "
            "(SELECT id FROM users WHERE team_id = $team) ORDER BY amount DESC, id LIMIT 6",
            {"team": int(team.id)},
        ).fetchall()
        review_id = con.execute(
            "INSERT INTO reviews (team_id, review_date, created_by, window_start, window_end, "
            "quarter_start, attendees, saved_at) VALUES ($team, $day, $manager, $start, $saved, "
            "$quarter, 'The team', $saved) RETURNING id",
            {"team": int(team.id), "day": saved.date(), "manager": int(team.manager_id),
             "start": saved - timedelta(days=7), "saved": saved,
             "quarter": periods.fiscal_quarter_start(saved.date())},
        ).fetchone()[0]  # fmt: skip
        for position, (deal_id, _) in enumerate(deals, start=1):
            note, decision = REVIEW_NOTES[position - 1] if position <= 3 else (None, None)
            con.execute(
                "INSERT INTO review_items (review_id, kind, position, deal_id, note, decision) "
                "VALUES ($review, 'deal', $position, $deal, $note, $decision)",
                {"review": review_id, "position": position, "deal": deal_id, "note": note,
                 "decision": decision},
            )  # fmt: skip
        dues = (saved + timedelta(days=2), saved + timedelta(days=4), saved + timedelta(days=9))
        for number, (deal_id, owner_id) in enumerate(deals[: len(dues)]):
            con.execute(
                "INSERT INTO review_items (review_id, kind, deal_id, action_item, owner_id, "
                "due_date, done_at, done_by) VALUES ($review, 'action', $deal, $text, $owner, "
                "$due, $done_at, $done_by)",
                {"review": review_id, "deal": deal_id, "owner": owner_id,
                 "due": dues[number].date(), "text": REVIEW_ACTIONS[number],
                 "done_at": dues[number] if number == 0 else None,
                 "done_by": owner_id if number == 0 else None},
            )  # fmt: skip


# The generated tables, in the order they are loaded (each by copying.INSERT_ROWS).
LOADED_TABLES = (
    "teams", "users", "accounts", "activities", "forecast_calls", "quotas", "deal_history",
)  # fmt: skip


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert a DataFrame into ``table`` by column name."""
    columns = [c for c in frame.columns if c in table_columns(con, table)]
    con.register("incoming", frame[columns])
    try:
        con.execute(copying.INSERT_ROWS[table])
    finally:
        con.unregister("incoming")


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $table",
        {"table": table},
    ).fetchall()
    return {name for (name,) in rows}


def build(path: Path | str, spec: DemoSpec) -> Path | str:
    """Write a demo database to ``path`` atomically: built beside it, then moved in place.
    On PostgreSQL (a postgresql:// URL) it is built in a temporary file, then copied in
    over whatever the database held, in one transaction.

    A database still open elsewhere is refused before anything is generated.
    """
    if engine.is_postgres(path):
        with tempfile.TemporaryDirectory() as folder:
            built = build(Path(folder) / "demo.duckdb", spec)
            copying.copy_database(built, path, replace=True)
        return path
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)  # building the demo is asked for
    if path.exists():
        db.connect(path).close()  # raises DatabaseError when another process holds it
    temporary = path.with_name(path.name + ".tmp")
    for leftover in (temporary, Path(str(temporary) + ".wal")):
        leftover.unlink(missing_ok=True)
    tables = generate(spec)
    con = db.connect(temporary)
    try:
        load(con, spec, tables)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    Path(str(path) + ".wal").unlink(missing_ok=True)
    os.replace(temporary, path)
    return path


def ensure_current(path: Path | str, today: date) -> str | None:
    """Make the demo look current: create it when there is no database, and rebuild it
    (same seed and size, anchored to today) when it is from an earlier day and nobody
    has edited it. A real (non-demo) database is never touched, nor is PostgreSQL: a store
    several replicas share gets a demo only on request (``python -m pipeline demo``).
    Returns what was done."""
    if engine.is_postgres(path):
        return None
    path = Path(path)
    if not path.exists():
        build(path, DemoSpec(as_of=today))
        return f"Created a demo database at {path}."
    con = db.connect(path)
    try:
        anchor = db.get_setting(con, "demo_anchor")
        if anchor is None or date.fromisoformat(anchor) >= today:
            return None
        if con.execute("SELECT count(*) FROM change_log WHERE user_id IS NOT NULL").fetchone()[0]:
            return None  # keep people's changes; `python -m pipeline demo` rebuilds on request
        spec = DemoSpec(
            deals=int(db.get_setting(con, "demo_deals", str(DemoSpec.deals))),
            seed=int(db.get_setting(con, "demo_seed", str(DemoSpec.seed))),
            as_of=today,
        )
    finally:
        con.close()
    build(path, spec)
    return f"Moved the demo data forward to {today:%d %b %Y}."
