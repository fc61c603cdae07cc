"""Punctuation written between translated words and data, in the language in force."""

from django.utils.translation import pgettext


def bracketed(text) -> str:
    """``text`` in the language's brackets: （件） in Chinese, " (件)" in English."""
    return (pgettext("opening parenthesis", "（") + str(text)
            + pgettext("closing parenthesis", "）"))
