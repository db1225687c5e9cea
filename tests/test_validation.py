"""Parsing what people type (pipeline/validation.py): exact values, and every refusal
names the field and what is wrong."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import validation

D = Decimal


@pytest.mark.parametrize(
    ("typed", "currency", "amount"),
    [
        ("12500", "USD", D("12500.00")),
        ("12,500.5", "USD", D("12500.50")),
        ("$12,500.00", "USD", D("12500.00")),
        ("12500 USD", "USD", D("12500.00")),
        ("€1,000", "EUR", D("1000.00")),
        (" 7 ", "USD", D("7.00")),
        ("", "USD", None),
        (None, "USD", None),
        (12.5, "USD", D("12.50")),
        ("1000000000000", "USD", D("1000000000000.00")),
    ],
)
def test_amounts_people_type(typed, currency, amount):
    assert validation.amount(typed, "Amount", currency) == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "cannot be negative"),
        ("12.345", "more than two decimal places"),
        ("1000000000000.01", "above 1,000,000,000,000"),
        ("12,50", "is not an amount in USD"),
        ("abc", "is not an amount in USD"),
        ("€100", "is not an amount in USD"),  # another currency's symbol
        (float("nan"), "is not an amount"),
        (float("inf"), "is not an amount"),
    ],
)
def test_amounts_refused_name_the_field(typed, message):
    with pytest.raises(validation.FieldError, match=message) as refused:
        validation.amount(typed, "Amount", "USD")
    assert refused.value.field == "Amount"


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_every_amount_written_plainly_or_grouped_reads_back_exactly(value):
    assert validation.amount(f"{value:f}") == value
    assert validation.amount(f"{value:,.2f}") == value


@pytest.mark.parametrize(
    ("typed", "fraction"),
    [("35", D("0.3500")), ("35%", D("0.3500")), ("12.5", D("0.1250")), ("0", D("0")),
     ("100", D("1.0000")), ("", None)],
)  # fmt: skip
def test_percentages(typed, fraction):
    assert validation.percent(typed) == fraction


@pytest.mark.parametrize("typed", ["101", "-1", "abc", "12.345", "nan"])
def test_bad_percentages(typed):
    with pytest.raises(validation.FieldError):
        validation.percent(typed, "Probability override")


def test_dates():
    assert validation.day("2026-11-18", "Close date") == date(2026, 11, 18)
    assert validation.day(datetime(2026, 11, 18, 9), "Close date") == date(2026, 11, 18)
    assert validation.day("", "Close date") is None
    with pytest.raises(validation.FieldError, match="not a date"):
        validation.day("18/11/2026", "Close date")
    with pytest.raises(validation.FieldError, match="before the deal was created"):
        validation.within(
            date(2026, 1, 1), "Close date", earliest=date(2026, 2, 1),
            latest=date(2030, 1, 1), why="the deal was created",
        )  # fmt: skip
    assert validation.horizon(date(2028, 2, 29)) == date(2033, 2, 28)


def test_text_is_kept_as_typed_within_its_limit():
    assert validation.text("  <b>hi</b>  ", "Note") == "<b>hi</b>"
    assert validation.text("   ", "Note") is None
    with pytest.raises(validation.FieldError, match="NUL"):
        validation.text("a\x00b", "Note")
    with pytest.raises(validation.FieldError, match="is 1,001 characters; the limit is 1,000"):
        validation.text("x" * 1001, "Next step")


def test_choices_and_collected_problems():
    check = validation.Collector()
    check.take(validation.choice, "Maybe", "Forecast category", ("Commit", "Pipeline"))
    check.take(validation.amount, "-1", "Amount")
    check.add("Lost reason", "is required")
    with pytest.raises(validation.ValidationError) as refused:
        check.raise_if_any()
    assert [p.field for p in refused.value.problems] == [
        "Forecast category", "Amount", "Lost reason",
    ]  # fmt: skip
