"""The hygiene flags of open deals (My deals' list) on the tiny fixture, totalled by hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pipeline.figures import hygiene

NOW = datetime(2026, 11, 20, 10, 0)  # stale before 2026-11-06 10:00 (14 days)


def test_open_deals_by_weighted_value_with_flags(tiny):
    medians = hygiene.stage_time_medians(tiny)
    listing = hygiene.open_deals(
        tiny, owner_id=None, team_id=None, search=None, now=NOW, medians=medians
    )
    # 10: 50,000 x 80% = 40,000; 11: 30,000 x 50% override = 15,000;
    # 12: 10,000 x 30% = 3,000; 13: 8,000 x 20% = 1,600.
    assert list(listing["id"]) == [10, 11, 12, 13]
    assert list(listing["weighted"]) == [Decimal(v) for v in ("40000.00", "15000.00", "3000.00",
                                                               "1600.00")]  # fmt: skip
    # Stale: 11 (created 1 Nov) and 12 (created 5 Nov) were never touched; 10's last call
    # was 12 Nov; 13 was created 17 Nov. None is overdue; none has a next step.
    assert list(listing["stale"]) == [False, True, True, False]
    first = listing.iloc[0]
    assert (first["total_deals"], first["total_weighted"]) == (4, Decimal("59600.00"))
    assert (first["total_stale"], first["total_overdue"], first["total_no_next_step"]) == (2, 0, 4)
    # Negotiation's completed stays (deals 2, 3, 5, 6, 7): a median of 27 days; deal 10 has
    # been there 18 days, so nothing is stuck.
    assert medians.set_index("stage")["median_days"]["Negotiation"] == 27.0
    assert first["total_stuck"] == 0


def test_search_and_scope(tiny):
    medians = hygiene.stage_time_medians(tiny)
    found = hygiene.open_deals(
        tiny, owner_id=None, team_id=2, search="KITE", now=NOW, medians=medians
    )
    assert list(found["name"]) == ["Kite analytics"]
    paged = hygiene.open_deals(
        tiny, owner_id=None, team_id=None, search=None, now=NOW, medians=medians, page=2,
        page_size=3,
    )  # fmt: skip
    assert list(paged["id"]) == [13]
