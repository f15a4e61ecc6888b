"""Text that came from outside (a results file, a run's error, a user's code) as the window
shows it: elided when long, escaped wherever it goes into rich text.

A results file may hold an error message of megabytes, or text that looks like HTML. Handed
to a rich-text widget as it is, the first freezes the window while Qt lays it out (a 2 MB
error kept it frozen for minutes) and the second is rendered as markup. The file keeps the
whole text; only the display is short.
"""

from __future__ import annotations

import html

SHORT = 300
"""Characters of a name or a one-line message shown in titles, banners and readings."""


def elided(text: str, limit: int = SHORT) -> str:
    """``text``, or its first ``limit`` characters, an ellipsis and how long it really is."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters in all)"


def as_html(text: str, limit: int = SHORT) -> str:
    """``text`` elided and escaped, to put inside rich text."""
    return html.escape(elided(text, limit))
