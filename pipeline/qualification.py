"""Qualification frameworks: the criteria a deal is checked against before it is
worth a forecast. BANT (budget, authority, need, timeline) by default; MEDDIC (metrics,
economic buyer, decision criteria, decision process, identified pain, champion) when
the settings choose it.

A deal stores the criteria it has met as their keys joined by commas, in the
framework's order (``deals.qualification``), so a history version, an export and a
change-log line read the same. Keys of both frameworks are accepted whichever is
chosen; a deal is *qualified* when it meets every criterion of the chosen one.
"""

from __future__ import annotations

from collections.abc import Iterable

FRAMEWORKS: dict[str, dict[str, str]] = {
    "BANT": {
        "budget": "Budget",
        "authority": "Authority",
        "need": "Need",
        "timeline": "Timeline",
    },
    "MEDDIC": {
        "metrics": "Metrics",
        "economic_buyer": "Economic buyer",
        "decision_criteria": "Decision criteria",
        "decision_process": "Decision process",
        "identify_pain": "Identified pain",
        "champion": "Champion",
    },
}
DEFAULT = "BANT"
SETTING = "qualification_framework"
LABELS = {key: label for criteria in FRAMEWORKS.values() for key, label in criteria.items()}
ORDER = list(LABELS)
_BY_NAME = {name.lower(): key for key, label in LABELS.items() for name in (key, label)}


def criteria(framework: str) -> list[str]:
    return list(FRAMEWORKS.get(framework, FRAMEWORKS[DEFAULT]))


def parse(value: str | Iterable[str] | None) -> str | None:
    """The stored form of criteria given as keys or labels (a list, or one text split
    at commas or semicolons); None for none. Raises ValueError naming an unknown one."""
    if value is None:
        return None
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    found = set()
    for part in (str(p).strip() for p in parts):
        if not part:
            continue
        key = _BY_NAME.get(part.lower()) or _BY_NAME.get(part.lower().replace("_", " "))
        if key is None:
            known = ", ".join(LABELS.values())
            raise ValueError(f"{part!r} is not a qualification criterion (known: {known})")
        found.add(key)
    return ",".join(k for k in ORDER if k in found) or None


def met(stored: str | None) -> list[str]:
    return [] if not stored else stored.split(",")


def describe(stored: str | None) -> str:
    return ", ".join(LABELS[k] for k in met(stored) if k in LABELS) or "none"


def is_qualified(stored: str | None, framework: str) -> bool:
    return set(criteria(framework)) <= set(met(stored))
