"""HTML for the long tables and the entry grid, written in Python.

``escape`` and ``format_html`` give what Django's ``conditional_escape`` and ``format_html`` give,
without their check of every argument for a lazy translation: the portal's long tables call them
thousands of times on one page, and that check cost more than the escaping itself.
tests/test_html.py compares them with Django's.
"""

import html

from django.utils.safestring import SafeString


def escape(value) -> str:
    """A value as autoescape writes it: safe strings (and form fields) as they are, the rest
    converted to text and escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def format_html(template: str, *args) -> SafeString:
    """``template`` with every argument escaped, marked safe (so that it nests)."""
    return SafeString(template.format(*map(escape, args)))
