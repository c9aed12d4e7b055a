"""The filters' select widget writes its options in Python (speed): it must write what
Django's template-rendered Select writes, with names escaped."""

import re

from django import forms

from inventory.filterfields import QuickSelect

CHOICES = [
    ("", "---------"),
    ("40", "Nghệ An"),
    ("X<1>", '<b onmouseover="alert(1)">Xã "A" & B</b>'),
    ("Groups", [("g1", "Một"), ("g2", "Hai")]),
]


def _same_html(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_quick_select_writes_what_djangos_select_writes():
    for value, attrs in (("X<1>", {"id": "id_agency"}), ("g2", {"id": "x", "multiple": False}), (None, None)):
        expected = forms.Select(choices=CHOICES).render("agency", value, attrs)
        assert _same_html(QuickSelect(choices=CHOICES).render("agency", value, attrs)) == _same_html(expected)


def test_quick_select_escapes_names():
    html = QuickSelect(choices=CHOICES).render("agency", "X<1>")
    assert "<b" not in html and "&lt;b onmouseover=&quot;alert(1)&quot;&gt;Xã &quot;A&quot; &amp; B&lt;/b&gt;" in html
    assert '<option value="X&lt;1&gt;" selected>' in html
