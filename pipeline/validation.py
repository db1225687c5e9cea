"""Turning what a person typed into clean values, or a message naming what is wrong.

Every parser takes the field's label for its messages and raises FieldError; callers
collect those into one ValidationError so a form can show every problem at once.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from pipeline.formatting import SYMBOLS

MAX_AMOUNT = Decimal("1000000000000")  # 1e12: no real deal is larger
NOTE_LIMIT = 10_000
SHORT_TEXT_LIMIT = 1_000
HORIZON_YEARS = 5  # close dates further out than this are typos, not plans
# 12500 · 12,500 · 12,500.5 · 12500.50 · 1,234,567.89 (commas only as thousands groups)
_PLAIN_NUMBER = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


class FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ValidationError(ValueError):
    """One or more fields refused; nothing was written."""

    def __init__(self, problems: list[FieldError]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class Collector:
    """Runs parsers and gathers their FieldErrors instead of stopping at the first."""

    def __init__(self):
        self.problems: list[FieldError] = []

    def take(self, parse, *args, **kwargs):
        try:
            return parse(*args, **kwargs)
        except FieldError as problem:
            self.problems.append(problem)
            return None

    def add(self, field: str, message: str) -> None:
        self.problems.append(FieldError(field, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)


def amount(value, field: str = "Amount", currency: str = "USD") -> Decimal | None:
    """A money amount, exact to the cent. Accepts numbers and text such as '12500',
    '12,500.00' or '$12,500' (the deal's own currency symbol or code only). Blank means
    no amount. Refuses negatives, NaN, infinity, more than two decimals, above 1e12."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(field, f"{value} is not an amount")
    text = str(value).strip()
    if not text:
        return None
    symbol = SYMBOLS.get(currency, "")
    for marker in filter(None, (symbol, currency)):
        if text.startswith(marker):
            text = text[len(marker) :].strip()
        elif text.endswith(marker):
            text = text[: -len(marker)].strip()
    if text.startswith("-"):
        raise FieldError(field, "cannot be negative")
    if not _PLAIN_NUMBER.match(text):
        raise FieldError(
            field,
            f"{str(value).strip()!r} is not an amount in {currency}; type digits with an "
            "optional decimal point, e.g. 12500 or 12,500.00",
        )
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise FieldError(field, f"{text!r} is not a number") from None
    if number.as_tuple().exponent < -2:
        raise FieldError(field, "has more than two decimal places (cents)")
    if number > MAX_AMOUNT:
        raise FieldError(field, "is above 1,000,000,000,000, which no deal can be")
    return number.quantize(Decimal("0.01"))


def percent(value, field: str = "Probability") -> Decimal | None:
    """A percentage 0-100 typed as '35' or '35%' (up to two decimals), returned as a
    fraction 0..1. Blank means none."""
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(field, f"{value} is not a percentage")
    text = str(value).strip().removesuffix("%").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FieldError(field, f"{str(value)!r} is not a number from 0 to 100") from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise FieldError(field, f"must be from 0 to 100 (got {str(value).strip()})")
    if number.as_tuple().exponent < -2:
        raise FieldError(field, "has more than two decimal places")
    return (number / 100).quantize(Decimal("0.0001"))


def day(value, field: str) -> date | None:
    """A calendar date from a date, a datetime or 'YYYY-MM-DD' text. Blank means none."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(field, f"{str(value)!r} is not a date (use YYYY-MM-DD)") from None


def within(value: date | None, field: str, *, earliest: date, latest: date, why: str) -> None:
    if value is None:
        return
    if value < earliest:
        raise FieldError(field, f"{value:%Y-%m-%d} is before {why} ({earliest:%Y-%m-%d})")
    if value > latest:
        raise FieldError(field, f"{value:%Y-%m-%d} is after {latest:%Y-%m-%d}")


def horizon(today: date) -> date:
    try:
        return today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + HORIZON_YEARS, day=28)


def text(value, field: str, limit: int = SHORT_TEXT_LIMIT) -> str | None:
    """Free text kept exactly as typed (only surrounding blanks trimmed); blank means
    none. SQL, HTML or script in it is just text: it is bound as a parameter and
    never rendered as markup."""
    if value is None:
        return None
    text_value = str(value).strip()
    if not text_value:
        return None
    if "\x00" in text_value:
        raise FieldError(field, "contains a NUL character")
    if any("\ud800" <= ch <= "\udfff" for ch in text_value):
        raise FieldError(field, "contains a broken character (half of a surrogate pair)")
    if len(text_value) > limit:
        raise FieldError(field, f"is {len(text_value):,} characters; the limit is {limit:,}")
    return text_value


def whole_number(value, field: str) -> int | None:
    """An id chosen in a form: a whole number (blank means none)."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise FieldError(field, f"{value!r} is not one of the choices") from None
    if str(value).strip() != str(number) and not isinstance(value, int):
        raise FieldError(field, f"{value!r} is not one of the choices")
    return number


def choice(value, field: str, allowed) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise FieldError(field, f"{value!r} is not one of {', '.join(map(str, allowed))}")
    return value
