"""Quota planning: next fiscal year's quota for a scope from what it won in the last 12
months times a growth factor, spread over the months by the seasonality of past years,
then down to its reps (by their share of the last 12 months' wins, or evenly), with an
optional over-assignment; each rep's on-target earnings beside their year's quota,
flagged when the quota is not 3 to 5 times it. Saved through the quotas write path,
with the earnings, in one transaction.

Splitting is exact to the cent: each part gets its exact share rounded down to the
cent, and the cents left over go one at a time to the parts with the largest
remainders (ties: the earlier month, the rep listed first), so the parts always add up
to the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

from pipeline import db, engine, periods, permissions, query, quotas, users, validation
from pipeline.figures.attainment import scope_params

CENT = Decimal("0.01")
SEASONAL_YEARS = 3  # complete fiscal years averaged for the seasonality
OTE_RATIO = (Decimal(3), Decimal(5))  # a year's quota / on-target earnings, usually


def split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` in cents over parts in proportion to ``weights`` (equal parts when the
    weights add up to nothing), adding up exactly."""
    return split_whole(total, whole_weights(weights))


def whole_weights(weights: list[Decimal]) -> list[int]:
    """The weights scaled to whole numbers (all by the same power of ten), so every
    share and remainder of a split is exact integer arithmetic; all ones when they add
    up to nothing. Made once for the twelve months a rep's weight is used in."""
    if sum(weights, Decimal(0)) <= 0:
        return [1] * len(weights)
    places = max(0, *(-w.as_tuple().exponent for w in weights))
    return [int(w.scaleb(places)) for w in weights]  # exact: no fraction is left


def split_whole(total: Decimal, whole: list[int]) -> list[Decimal]:
    cents = int((total / CENT).to_integral_value(ROUND_HALF_UP))
    if not whole:
        return []
    weight_sum = sum(whole)
    floors = [cents * w // weight_sum for w in whole]
    remainders = [cents * w % weight_sum for w in whole]
    left = cents - sum(floors)
    # Largest remainder first; a stable sort keeps ties in order (the earlier part first).
    order = sorted(range(len(whole)), key=remainders.__getitem__, reverse=True)
    for index in order[:left]:
        floors[index] += 1
    return [Decimal(part) * CENT for part in floors]


@dataclass(frozen=True)
class Basis:
    """What a plan starts from."""

    won_from: date
    won_to: date  # the trailing 12 months [won_from, won_to)
    won: Decimal  # the scope's won in them
    reps: pd.DataFrame  # user_id, name, won, ote: each active rep of the scope
    seasonality: list[Decimal]  # the 12 fiscal months' shares, adding up to 1
    seasonal_years: int  # complete fiscal years they came from (0: even months)


def basis(
    con, as_of: date, year_start: date, fiscal_start: int, team_id=None, owner_id=None
) -> Basis:
    """The last 12 months' wins up to the end of ``as_of``, per rep, and the share of
    each fiscal month in the complete fiscal years before the current one (up to
    three; even months when there is none)."""
    won_to = as_of + timedelta(days=1)
    won_from = periods.year_before(won_to)
    scope = scope_params(team_id, owner_id)
    reps = query.frame(con, "planning/won_by_owner", start=won_from, end=won_to, **scope)
    total_row = query.frame(con, "planning/won_by_month", start=won_from, end=won_to, **scope)
    won = sum((Decimal(v) for v in total_row["won"]), Decimal(0))
    current_year = periods.fiscal_year_start(as_of, fiscal_start)
    first_year = periods.add_months(current_year, -12 * SEASONAL_YEARS)
    history = query.frame(con, "planning/won_by_month", start=first_year, end=current_year, **scope)
    years = {periods.fiscal_year_start(month, fiscal_start) for month in history["month"]}
    complete = sorted(years)  # a year with any win counts; its empty months weigh nothing
    by_month = [Decimal(0)] * 12
    for month, amount in zip(history["month"], history["won"], strict=True):
        index = (month.year - year_start.year) * 12 + month.month - year_start.month
        by_month[index % 12] += Decimal(amount)
    total = sum(by_month, Decimal(0))
    seasonality = (
        [value / total for value in by_month] if total > 0 and complete else [Decimal(1) / 12] * 12
    )
    return Basis(won_from, won_to, won, reps, seasonality, len(complete) if total > 0 else 0)


@dataclass(frozen=True)
class Plan:
    year_start: date
    scope_key: str  # "company", "team:<id>" or "user:<id>"
    scope_name: str
    target: Decimal  # the scope's year
    months: list[date]
    scope_months: list[Decimal]
    reps: pd.DataFrame  # user_id, name, then one column per month, and total
    over_assignment: Decimal  # 0.10 = reps' plans add up to 110% of the scope's

    def cells(self) -> list[quotas.Cell]:
        found = [quotas.Cell(self.scope_key, m, a) for m, a in zip(self.months, self.scope_months,
                                                                   strict=True)]  # fmt: skip
        for row in self.reps.to_dict("records"):
            found += [quotas.Cell(f"user:{row['user_id']}", m, row[quotas.month_column(m)])
                      for m in self.months]  # fmt: skip
        return found


def propose(
    found: Basis,
    year_start: date,
    scope_key: str,
    scope_name: str,
    growth: Decimal,
    by_history: bool,
    over_assignment: Decimal = Decimal(0),
) -> Plan:
    """The scope's year = the last 12 months' wins x ``growth``, spread by the
    seasonality; each month's reps' plans add up to it x (1 + over-assignment), split by
    their share of the last 12 months' wins (``by_history``) or evenly. Raises
    ValidationError for a growth factor of zero or less, or a negative over-assignment."""
    check = validation.Collector()
    if growth <= 0:
        check.add("Growth factor", f"{growth} would plan no quota; use a positive factor")
    if over_assignment < 0:
        check.add("Over-assignment", "cannot be negative")
    if found.reps.empty:
        check.add("Scope", "has no active rep to give a quota")
    check.raise_if_any()
    target = (found.won * growth).quantize(CENT, rounding=ROUND_HALF_UP)
    months = quotas.months(year_start)
    scope_months = split(target, found.seasonality)
    weights = [Decimal(w) for w in found.reps["won"]] if by_history else []
    whole = whole_weights(weights or [Decimal(1)] * len(found.reps))
    reps = found.reps[["user_id", "name", "ote"]].copy()
    for month, amount in zip(months, scope_months, strict=True):
        reps_total = (amount * (1 + over_assignment)).quantize(CENT, rounding=ROUND_HALF_UP)
        reps[quotas.month_column(month)] = split_whole(reps_total, whole)
    reps["total"] = [sum(row, Decimal(0)) for row in reps[[quotas.month_column(m)
                                                          for m in months]].values]  # fmt: skip
    return Plan(year_start, scope_key, scope_name, target, months, scope_months, reps,
                over_assignment)  # fmt: skip


def ote_ratio(quota_year: Decimal, ote: Decimal | None) -> Decimal | None:
    """A year's quota / on-target earnings (None without earnings)."""
    return None if not ote else quota_year / ote


def ote_flag(ratio: Decimal | None) -> str:
    """'' inside the usual range, else what is off."""
    if ratio is None:
        return ""
    low, high = OTE_RATIO
    if ratio < low:
        return f"under {low}x: the quota is light for the pay"
    if ratio > high:
        return f"over {high}x: the quota is heavy for the pay"
    return ""


def may_plan(con, actor: users.User, team_id: int | None) -> bool:
    """An admin plans any scope; a manager their own team and the teams below it."""
    if not actor.active:
        return False
    if actor.role == "admin":
        return True
    return (
        actor.role == "manager"
        and team_id is not None
        and permissions.manages_scope(con, actor, team_id=team_id, owner_id=None)
    )


def save(con, actor: users.User, plan: Plan, team_id: int | None, ote: dict | None = None) -> int:
    """Write the plan's monthly quotas (the scope's and each rep's) and the reps'
    on-target earnings (``ote``: user id -> amount or None) in one transaction, the
    values they replace listed in the change log. Returns how many quotas changed.
    Raises ValidationError for negative earnings or a person not among the plan's reps."""
    permissions.require(
        may_plan(con, actor, team_id), f"{actor.name} ({actor.role}) may not plan this scope."
    )
    earnings = checked_ote(plan, ote or {})
    return engine.transaction(con, lambda: write_plan(con, actor, plan, earnings))


def checked_ote(plan: Plan, ote: dict) -> dict[int, Decimal | None]:
    check = validation.Collector()
    names = dict(zip(plan.reps["user_id"], plan.reps["name"], strict=True))
    clean = {}
    for user_id, amount in ote.items():
        if user_id not in names:
            check.add("On-target earnings", f"person {user_id} is not a rep of this plan")
            continue
        clean[user_id] = check.take(
            validation.amount, amount, f"On-target earnings of {names[user_id]}"
        )
    check.raise_if_any()
    return clean


def write_plan(con, actor: users.User, plan: Plan, ote: dict[int, Decimal | None]) -> int:
    cells = plan.cells()
    before = quotas.stored(con, plan.months[0], periods.add_months(plan.months[-1], 1))
    replaced = [f"{c.key} {c.month:%Y-%m} {before[(c.key, c.month)]}" for c in cells
                if (c.key, c.month) in before and before[(c.key, c.month)] != c.amount]  # fmt: skip
    what = f"plan for {plan.scope_name}, FY from {plan.year_start:%Y-%m}"
    if replaced:
        what += "; replaced: " + ", ".join(replaced)
    changed = quotas.store_in_transaction(con, actor, cells, what)
    before_ote = dict(zip(plan.reps["user_id"], plan.reps["ote"], strict=True))
    moved = {u: a for u, a in ote.items() if a != before_ote.get(u)}
    for user_id, amount in moved.items():
        con.execute("UPDATE users SET ote = $ote WHERE id = $id", {"ote": amount, "id": user_id})
    if moved:
        db.record_change(
            con, "users", user_id=actor.id,
            summary="on-target earnings: " + ", ".join(
                f"user:{u} {before_ote.get(u)} -> {a}" for u, a in moved.items()),
        )  # fmt: skip
    return changed


def with_edits(plan: Plan, edits: dict) -> tuple[Plan, dict[int, str | None]]:
    """The plan with a person's edits to its reps' rows applied (``edits``: row position
    -> {month column or "ote": value typed}), and the on-target earnings edited (user id
    -> text). Only edited cells are read, so a plan of thousands of reps stays quick.
    Raises ValidationError naming each cell that is not an amount."""
    check = validation.Collector()
    reps = plan.reps.copy() if edits else plan.reps
    columns = {quotas.month_column(m) for m in plan.months}
    ote = {}
    for position, changed in edits.items():
        row = int(position)
        name = reps.at[row, "name"]
        for column, value in changed.items():
            if column == "ote":
                ote[int(reps.at[row, "user_id"])] = None if value is None else str(value)
            elif column in columns:
                amount = check.take(validation.amount, "" if value is None else str(value),
                                    f"{name}, {column}")  # fmt: skip
                reps.at[row, column] = amount if amount is not None else Decimal(0)
    check.raise_if_any()
    if edits:
        month_columns = [quotas.month_column(m) for m in plan.months]
        reps["total"] = [sum(row, Decimal(0)) for row in reps[month_columns].values]
    edited = Plan(plan.year_start, plan.scope_key, plan.scope_name, plan.target, plan.months,
                  plan.scope_months, reps, plan.over_assignment)  # fmt: skip
    return edited, ote


def ote_flags(plan: Plan, ote: dict[int, str | None]) -> pd.DataFrame:
    """The reps whose year's quota is outside the usual multiple of their on-target
    earnings (stored, or as edited in ``ote``): name, year, ote, ratio, flag."""
    rows = []
    reps = plan.reps
    for user_id, name, stored, year in zip(
        reps["user_id"], reps["name"], reps["ote"], reps["total"], strict=True
    ):
        earnings = ote.get(int(user_id), stored)
        try:
            earnings = None if earnings is None or pd.isna(earnings) else Decimal(str(earnings))
        except InvalidOperation:
            continue  # refused when saved, with the reason
        ratio = ote_ratio(year, earnings)
        if flag := ote_flag(ratio):
            rows.append((name, year, earnings, ratio, flag))
    return pd.DataFrame(rows, columns=["name", "year", "ote", "ratio", "flag"])
