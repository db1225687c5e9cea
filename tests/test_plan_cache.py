"""Results kept per plan version (pipeline/plan_cache.py)."""

from __future__ import annotations

import threading

from pipeline import plan_cache


def test_a_result_is_computed_once_per_plan_and_parameters():
    plan_cache.clear()
    computed = []

    def make(value):
        def compute():
            computed.append(value)
            return value

        return compute

    plan = ("file", "instance", 7)
    assert plan_cache.cached(plan, "q", {"months": [1, 2]}, make("a")) == "a"
    assert plan_cache.cached(plan, "q", {"months": [1, 2]}, make("b")) == "a"  # kept
    assert plan_cache.cached(plan, "q", {"months": [1, 3]}, make("c")) == "c"
    assert plan_cache.cached(("file", "instance", 8), "q", {"months": [1, 2]}, make("d")) == "d"
    assert computed == ["a", "c", "d"]


def test_the_oldest_results_go_first_past_the_limit():
    plan_cache.clear()
    for number in range(plan_cache.LIMIT + 5):
        plan_cache.cached(("p",), "q", {"n": number}, lambda number=number: number)
    assert plan_cache.cached(("p",), "q", {"n": 0}, lambda: "again") == "again"
    assert plan_cache.cached(("p",), "q", {"n": plan_cache.LIMIT + 4}, lambda: "x") == (
        plan_cache.LIMIT + 4
    )


def test_threads_share_one_cache():
    plan_cache.clear()
    results = []
    start = threading.Barrier(8)

    def reader():
        start.wait()
        results.append(plan_cache.cached(("p",), "shared", {}, lambda: "value"))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["value"] * 8
