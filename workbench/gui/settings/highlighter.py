"""Python syntax highlighting for the code editor: a small :class:`QSyntaxHighlighter`.

Why not Pygments (installed with ``rich``): Qt highlights one line (block) at a time as it is
edited, and Pygments lexes whole texts — it would have to re-lex the file on every keystroke
or lose what a line's start means (inside a triple-quoted string or not). A few regular
expressions per line, plus one bit of state carried from line to line for an open
triple-quoted string, cover what a classroom snippet needs: keywords, builtins, strings,
numbers, comments, decorators and the names ``def``/``class`` introduce.
"""

from __future__ import annotations

import builtins
import keyword
import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

_OPEN_SINGLE, _OPEN_DOUBLE = 1, 2
"""Block states: the line ends inside a ''' or a \"\"\" string."""

_KEYWORDS = re.compile(r"\b(?:" + "|".join(keyword.kwlist + keyword.softkwlist) + r")\b")
_BUILTINS = re.compile(
    r"\b(?:" + "|".join(n for n in dir(builtins) if not n.startswith("_")) + r")\b"
)
_NUMBER = re.compile(r"\b(?:0[xob][\da-f_]+|\d[\d_]*\.?[\d_]*(?:e[+-]?\d+)?j?)\b", re.I)
_DEFINED = re.compile(r"\b(?:def|class)\s+(\w+)")
_DECORATOR = re.compile(r"^\s*@[\w.]+")
_STRING = re.compile(r"""[rbuf]{0,2}(?:'(?:\\.|[^'\\])*'?|"(?:\\.|[^"\\])*"?)""", re.I)
_COMMENT = re.compile(r"#.*$")
_TRIPLES = {_OPEN_SINGLE: "'''", _OPEN_DOUBLE: '"""'}


def _format(colour: str, *, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    style = QTextCharFormat()
    style.setForeground(QColor(colour))
    if bold:
        style.setFontWeight(QFont.Weight.Bold)
    style.setFontItalic(italic)
    return style


class PythonHighlighter(QSyntaxHighlighter):
    """Colours Python source in a :class:`QTextDocument` as it is typed."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.styles = {
            "keyword": _format("#0033b3", bold=True),
            "builtin": _format("#8a3ab9"),
            "number": _format("#1750eb"),
            "defined": _format("#00627a", bold=True),
            "decorator": _format("#9e880d"),
            "string": _format("#067d17"),
            "comment": _format("#8c8c8c", italic=True),
        }

    def highlightBlock(self, text: str) -> None:
        self.setCurrentBlockState(0)
        start = 0
        previous = self.previousBlockState()
        if previous in _TRIPLES:  # still inside a string begun on an earlier line
            start = self._triple(text, 0, previous, opening=False)
            if start < 0:
                return
        self._line(text, start)

    def _triple(self, text: str, start: int, state: int, *, opening: bool) -> int:
        """Colour a triple-quoted string from ``start`` (its opening quotes, or the line's
        start when it began earlier); where it ends, or -1 if it goes on."""
        end = text.find(_TRIPLES[state], start + 3 if opening else start)
        if end < 0:
            self.setFormat(start, len(text) - start, self.styles["string"])
            self.setCurrentBlockState(state)
            return -1
        self.setFormat(start, end + 3 - start, self.styles["string"])
        return end + 3

    def _line(self, text: str, start: int) -> None:
        for pattern, style in (
            (_BUILTINS, "builtin"),
            (_KEYWORDS, "keyword"),
            (_NUMBER, "number"),
            (_DECORATOR, "decorator"),
        ):
            for match in pattern.finditer(text, start):
                self.setFormat(match.start(), match.end() - match.start(), self.styles[style])
        for match in _DEFINED.finditer(text, start):
            self.setFormat(match.start(1), match.end(1) - match.start(1), self.styles["defined"])
        self._strings_and_comment(text, start)

    def _strings_and_comment(self, text: str, position: int) -> None:
        """Strings and the comment, left to right: a # inside a string is no comment."""
        while position < len(text):
            char = text[position]
            if char == "#":
                self.setFormat(position, len(text) - position, self.styles["comment"])
                return
            for state, quotes in _TRIPLES.items():
                if text.startswith(quotes, position):
                    position = self._triple(text, position, state, opening=True)
                    if position < 0:
                        return
                    break
            else:
                match = _STRING.match(text, position) if char in "'\"rbufRBUF" else None
                if match and (position == 0 or not text[position - 1].isalnum()):
                    self.setFormat(position, match.end() - position, self.styles["string"])
                    position = match.end()
                else:
                    position += 1
