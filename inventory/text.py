"""Text helpers for Vietnamese names."""

import unicodedata


def search_key(text: str) -> str:
    """Lower-case, diacritics removed, NFC/NFD-insensitive: 'Thành Vinh' → 'thanh vinh'."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").lower().strip()
