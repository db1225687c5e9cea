"""Results that depend on the plan only (quotas, people, teams, settings), not on deals.

A deal save, a logged activity or a forecast call cannot move a quota, so quota figures
are kept per *plan version*: the latest change of any other kind. After a deal save a
page then recomputes only the deal side of its figures (won, forecast) and joins it to
the quotas it already has. The key also names the database file and its identity (a
file rebuilt in place restarts its change log), and is read by query.context.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Change-log kinds that touch deals and their activity only; any other kind moves the plan.
DEAL_KINDS = ["deal", "activity", "forecast_call", "missing_deals", "review"]
LIMIT = 256  # entries: a few scopes and periods of a few plan versions

_lock = threading.Lock()
_results: OrderedDict[tuple, object] = OrderedDict()


def cached(plan: tuple, name: str, params: dict, compute: Callable[[], T]) -> T:
    """``compute()``, kept under the plan key ``plan`` and ``params``. The result is
    shared: callers must not change it in place."""
    key = (*plan, name, tuple((k, hashable(v)) for k, v in sorted(params.items())))
    with _lock:
        if key in _results:
            _results.move_to_end(key)
            return _results[key]
    value = compute()
    with _lock:
        _results[key] = value
        while len(_results) > LIMIT:
            _results.popitem(last=False)
    return value


def hashable(value):
    """A parameter as part of a key: lists (of periods, say) as tuples."""
    return tuple(value) if isinstance(value, list) else value


def clear() -> None:
    with _lock:
        _results.clear()
