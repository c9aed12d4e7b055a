"""Text helpers: Vietnamese names and numbers."""

import unicodedata
from decimal import Decimal


def search_key(text: str) -> str:
    """Lower-case, diacritics removed, NFC/NFD-insensitive: 'Thành Vinh' → 'thanh vinh'."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").lower().strip()


# Fields holding a calendar year: written as a year ("2008"), never grouped like an amount.
YEAR_FIELDS = frozenset({"year_built", "year"})


def number_text(value, field_name: str = "") -> str:
    """A number as Vietnamese officials write it: thousands grouped by dots and a decimal
    comma (1.234.567.890; 1.234,5), whole numbers without decimals, trailing zeros of an
    amount's scale dropped; a year as a year ("2008", not "2.008")."""
    from django.utils.formats import number_format

    if field_name in YEAR_FIELDS:
        return str(int(value))
    number = Decimal(str(value))
    number = int(number) if number == number.to_integral_value() else number.normalize()
    return number_format(number, force_grouping=True)
