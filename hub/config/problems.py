"""Configuration problems as an installer reads them: file:line:col, expected, hint, caret."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class ConfigValueError(ValueError):
    """Raised by our validators; carries what was expected and a hint, in plain words."""

    def __init__(self, message: str, *, expected: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Mark:
    """Where a node sits in a file; lines and columns count from 1."""

    file: str
    line: int
    col: int
    length: int = 1
    text: str = ""  # the whole source line, for the excerpt


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    mark: Mark | None = None
    expected: str | None = None
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.mark is None:
            return ("", 0, 0, self.message)
        return (self.mark.file, self.mark.line, self.mark.col, self.message)

    def format(self) -> str:
        m = self.mark
        head = f"{m.file}:{m.line}:{m.col}: " if m else ""
        lines = [f"{head}error: {self.message}"]
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        if m and m.text:
            gutter = len(str(m.line))
            src = m.text.replace("\t", " ")
            lines.append(f"  {m.line:>{gutter}} | {src}")
            width = max(1, min(m.length, len(src) - (m.col - 1)))
            lines.append(f"  {'':>{gutter}} | {' ' * (m.col - 1)}{'^' * width}")
        return "\n".join(lines)


class ConfigError(Exception):
    """A configuration that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__(self.format())

    def format(self) -> str:
        body = "\n".join(p.format() for p in self.problems)
        n = len(self.problems)
        return f"{body}\n{n} error{'s' if n != 1 else ''} in the configuration"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    options = [str(c) for c in choices]
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"did you mean '{close[0]}'?" if close else None


def one_of(choices: Iterable[str], limit: int = 8) -> str:
    items = sorted(str(c) for c in choices)
    shown = ", ".join(items[:limit])
    return f"one of {shown}{', …' if len(items) > limit else ''}"
