"""Figures: the numbers pages show, one module per family (attainment, forecast, ...).

A figure is a function ``(con, ...) -> result`` marked with @figure, which declares the
query files it runs and the plain-words definitions of what it returns. Pages call it
by reference (``data.run(attainment.by_team, ...)``), and "How is this computed?" reads
the queries and definitions from the function itself, so the explanation cannot drift
from the code: page -> figure function -> its SQL files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from pipeline.figures.definitions import DEFINITIONS

F = TypeVar("F", bound=Callable)


def figure(*, sql: Sequence[str], definitions: Sequence[str]) -> Callable[[F], F]:
    """Mark a function as a figure that runs the queries ``sql`` (names such as
    "attainment/won_by_period") and is explained by ``definitions`` (DEFINITIONS keys)."""
    unknown = [name for name in definitions if name not in DEFINITIONS]
    if unknown:
        raise ValueError(f"no definition for {', '.join(unknown)}")

    def mark(function: F) -> F:
        function.sql_files = tuple(sql)
        function.definitions = tuple(definitions)
        return function

    return mark


def is_figure(value) -> bool:
    return callable(value) and hasattr(value, "sql_files") and hasattr(value, "definitions")
