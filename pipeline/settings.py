"""Editing the settings and the stages: validated, written in one transaction, recorded
in the change log (which also refreshes every cached figure)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import duckdb
import pandas as pd

from pipeline import db, engine, permissions, qualification, validation
from pipeline.users import User

CATEGORIES = ("Pipeline", "Best Case", "Commit", "Omitted", "Closed")


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: str
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()  # a setting picked from a list, not a number


SETTINGS = (
    Setting("fiscal_year_start_month", "Fiscal year starts in month (1-12)", "1", 1, 12),
    Setting(
        "stale_after_days", "A deal is stale after this many days without activity", "14", 1, 365
    ),
    Setting("coverage_target", "Pipeline coverage target (x remaining quota)", "3", 1, 20),
    Setting("segment_threshold", "Deals at or above this amount count as large", "100000", 0, None),
    Setting("currency", "Currency (ISO code, e.g. USD)", "USD"),
    Setting(
        qualification.SETTING,
        "Qualification framework (BANT or MEDDIC)",
        qualification.DEFAULT,
        choices=tuple(qualification.FRAMEWORKS),
    ),
)


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every stored setting (also the demo's and sign-in's), key to value."""
    return db.all_settings(con)


def current(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {s.key: db.get_setting(con, s.key, s.default) for s in SETTINGS}


def parse(values: dict[str, str]) -> dict[str, str]:
    """Clean values, or ValidationError naming every bad field."""
    check = validation.Collector()
    clean = {}
    for spec in SETTINGS:
        text = str(values.get(spec.key, "")).strip()
        if spec.key == "currency":
            if len(text) != 3 or not text.isalpha():
                check.add(spec.label, f"{text!r} is not a three-letter currency code")
            clean[spec.key] = text.upper()
            continue
        if spec.choices:
            if text.upper() not in spec.choices:
                check.add(spec.label, f"{text!r} is not one of {', '.join(spec.choices)}")
            clean[spec.key] = text.upper()
            continue
        if not text.isdigit():
            check.add(spec.label, f"{text!r} is not a whole number")
            continue
        number = int(text)
        if (spec.low is not None and number < spec.low) or (
            spec.high is not None and number > spec.high
        ):
            bounds = f"from {spec.low} to {spec.high}" if spec.high else f"at least {spec.low}"
            check.add(spec.label, f"must be {bounds} (got {number})")
        clean[spec.key] = str(number)
    check.raise_if_any()
    return clean


def save(con: duckdb.DuckDBPyConnection, actor: User, values: dict[str, str]) -> list[str]:
    """Store the settings; returns the labels of those that changed."""
    permissions.require(permissions.manages_data(actor), "Only an admin can change settings.")
    clean = parse(values)

    def work() -> list[str]:
        before = current(con)
        changed = [s for s in SETTINGS if before[s.key] != clean[s.key]]
        for spec in changed:
            db.set_setting(con, spec.key, clean[spec.key])
        if changed:
            summary = "; ".join(f"{s.key}: {before[s.key]} -> {clean[s.key]}" for s in changed)
            db.record_change(con, "settings", user_id=actor.id, summary=summary)
        return [s.label for s in changed]

    return engine.transaction(con, work)


def stages(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    frame = con.execute(
        "SELECT id, pipeline, position, name, probability * 100 AS probability, "
        "forecast_category, is_closed, is_won, entry_criteria, exit_checklist "
        "FROM stages ORDER BY pipeline, position"
    ).df()
    frame["probability"] = frame["probability"].astype(float)
    for column in ("entry_criteria", "exit_checklist"):  # blank, not None, in the editor
        frame[column] = frame[column].fillna("")
    return frame


def save_stages(con: duckdb.DuckDBPyConnection, actor: User, edited: pd.DataFrame) -> int:
    """Store edited stage names, probabilities (percent), forecast categories, entry
    criteria and exit checklists. Returns how many stages changed."""
    permissions.require(permissions.manages_data(actor), "Only an admin can change stages.")
    check = validation.Collector()
    rows = []
    for row in edited.itertuples(index=False):
        where = f"Stage {row.position} ({row.pipeline})"
        name = str(row.name or "").strip()
        if not name:
            check.add(where, "needs a name")
        try:
            probability = Decimal(str(row.probability))
        except InvalidOperation:
            probability = Decimal(-1)
        if not probability.is_finite() or not 0 <= probability <= 100:
            check.add(where, f"probability must be from 0 to 100 (got {row.probability})")
        if row.forecast_category not in CATEGORIES:
            check.add(where, f"forecast category must be one of {', '.join(CATEGORIES)}")
        rows.append((int(row.id), name, probability, row.forecast_category, row))
    names = [(r[4].pipeline, r[1].lower()) for r in rows]
    if len(set(names)) != len(names):
        check.add("Stages", "two stages of one pipeline have the same name")
    check.raise_if_any()

    def work() -> int:
        changed = 0
        for stage_id, name, probability, category, row in rows:
            result = con.execute(
                "UPDATE stages SET name = $name, probability = $probability, "
                "forecast_category = $category, entry_criteria = $entry, "
                "exit_checklist = $checklist WHERE id = $id AND (name, probability, "
                "forecast_category, coalesce(entry_criteria, ''), coalesce(exit_checklist, '')) "
                "IS DISTINCT FROM ($name, $probability, $category, coalesce($entry, ''), "
                "coalesce($checklist, ''))",
                {
                    "id": stage_id,
                    "name": name,
                    "probability": (probability / 100).quantize(Decimal("0.0001")),
                    "category": category,
                    "entry": text_or_none(row.entry_criteria),
                    "checklist": text_or_none(row.exit_checklist),
                },
            ).fetchone()
            changed += result[0]
        if changed:
            db.record_change(con, "stages", user_id=actor.id, summary=f"{changed} stages edited")
        return changed

    return engine.transaction(con, work)


def text_or_none(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value).strip() or None
