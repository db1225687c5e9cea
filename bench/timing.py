"""Repeated timings and their summary figures, in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    samples_ms: tuple[float, ...]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile (the largest sample when there are few)."""
        ordered = sorted(self.samples_ms)
        rank = max(1, -(-95 * len(ordered) // 100))
        return ordered[rank - 1]


def elapsed_ms(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def repeat(work: Callable[[], object], runs: int, before: Callable[[], object] | None = None):
    """Time ``work`` ``runs`` times (``before`` runs untimed ahead of each)."""
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        samples.append(elapsed_ms(work))
    return Timing(tuple(samples))
