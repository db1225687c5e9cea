"""Amounts as people read them: exact text for every rounding edge."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.formatting import money, money_short


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (Decimal("1234.5"), {}, "$1,234.50"),
        (Decimal("-20"), {}, "-$20.00"),
        (Decimal("5"), {"signed": True}, "+$5.00"),
        (Decimal("1234.5"), {"whole": True}, "$1,235"),  # half up
        (None, {}, "—"),
        (float("nan"), {}, "—"),
        (Decimal("12.5"), {"currency": "CHF"}, "CHF 12.50"),
    ],
)
def test_money(value, kwargs, text):
    assert money(value, **kwargs) == text


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (Decimal("9999999.49"), {}, "$9,999,999"),  # below ten million: every unit
        (Decimal("10000000"), {}, "$10.00M"),
        (Decimal("333759123.45"), {}, "$333.76M"),
        (Decimal("333755000"), {}, "$333.76M"),  # half up at the second decimal
        (Decimal("-6912304"), {"signed": True}, "-$6,912,304"),
        (Decimal("-1199999999.99"), {"signed": True}, "-$1.20B"),
        (Decimal("25000000"), {"signed": True}, "+$25.00M"),
        (None, {}, "—"),
    ],
)
def test_money_short(value, kwargs, text):
    assert money_short(value, **kwargs) == text
