"""Read obhut.yaml into plain data, remembering where every key and value was written.

We build the data from ruamel.yaml's node graph ourselves rather than letting it construct
objects: that way every node keeps its file, line and column, duplicate keys are all
reported (not just the first), and `!include` / `!secret` resolve with the same care.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hub.config.problems import Mark, Problem, did_you_mean
from hub.config.units import Secret

type DataPath = tuple[str | int, ...]

SECRETS_FILE = "secrets.yaml"
_TAG = "tag:yaml.org,2002:"


@dataclass
class Document:
    data: Any
    values: dict[DataPath, Mark] = field(default_factory=dict)
    keys: dict[DataPath, Mark] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def mark(self, path: DataPath, *, key: bool = False) -> Mark | None:
        """The mark of `path`, or of its nearest written ancestor."""
        for n in range(len(path), -1, -1):
            sub = path[:n]
            if key and sub in self.keys:
                return self.keys[sub]
            if sub in self.values:
                return self.values[sub]
        return None


def read_document(path: Path) -> Document:
    doc = Document(data=None)
    reader = _Reader(doc, path.parent)
    doc.data = reader.load(path, (), ())
    return doc


class _Reader:
    def __init__(self, doc: Document, root: Path) -> None:
        self.doc = doc
        self.root = root
        self._secrets: dict[Path, dict[str, str] | None] = {}

    def load(self, path: Path, prefix: DataPath, stack: tuple[Path, ...]) -> Any:
        self.doc.files.append(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            self._problem(f"{path} is not UTF-8 text (byte {e.start})", None)
            return None
        lines = text.splitlines()
        try:
            node = YAML(typ="rt").compose(text)
        except MarkedYAMLError as e:
            self.doc.problems.append(_syntax_problem(e, str(path), lines))
            return None
        except YAMLError as e:
            self._problem(f"{path}: {e}", None)
            return None
        if node is None:
            return None
        return self._build(node, prefix, _File(str(path), lines, path, (*stack, path)))

    def _problem(self, message: str, mark: Mark | None, **kw: str | None) -> None:
        self.doc.problems.append(Problem(message, mark, **kw))

    def _build(self, node: Node, path: DataPath, f: _File) -> Any:
        self.doc.values[path] = f.mark(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path, f)
        if isinstance(node, SequenceNode):
            return [self._build(item, (*path, i), f) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        tag = str(node.tag)
        if tag == "!include":
            return self._include(node, path, f)
        if tag == "!secret":
            return self._secret(node, f)
        if tag.startswith("!"):
            self._problem(
                f"unknown tag '{tag}'", f.mark(node), expected="!include FILE or !secret NAME"
            )
            return None
        return _scalar(node)

    def _mapping(self, node: MappingNode, path: DataPath, f: _File) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged = self._build(value_node, path, f)
                for part in merged if isinstance(merged, list) else [merged]:
                    if isinstance(part, dict):
                        for k, v in part.items():
                            out.setdefault(k, v)
                continue
            if not isinstance(key_node, ScalarNode):
                self._problem("a key must be a plain word", f.mark(key_node))
                continue
            key = str(_scalar(key_node))
            key_mark = f.mark(key_node)
            if key in first_seen:
                self._problem(
                    f"duplicate key '{key}'",
                    key_mark,
                    hint=f"'{key}' is already set on line {first_seen[key]}; keep only one",
                )
                continue
            first_seen[key] = key_mark.line
            self.doc.keys[(*path, key)] = key_mark
            out[key] = self._build(value_node, (*path, key), f)
        return out

    def _include(self, node: ScalarNode, path: DataPath, f: _File) -> Any:
        target = (f.path.parent / str(node.value)).resolve()
        shown = f.path.parent / str(node.value)
        if target in f.stack:
            self._problem(f"'{node.value}' includes itself", f.mark(node))
            return None
        if not target.is_file():
            siblings = (
                [p.name for p in target.parent.glob("*.yaml")] if target.parent.is_dir() else []
            )
            self._problem(
                f"cannot include '{node.value}': no such file",
                f.mark(node),
                hint=did_you_mean(target.name, siblings),
            )
            return None
        value = self.load(shown, path, f.stack)
        return value

    def _secret(self, node: ScalarNode, f: _File) -> Secret | None:
        name = str(node.value)
        folder = f.path.parent
        searched: list[str] = []
        while True:
            secrets = self._secrets_in(folder)
            if secrets is not None:
                searched.append(str(folder / SECRETS_FILE))
                if name in secrets:
                    return Secret(name, secrets[name])
            if folder.resolve() == self.root.resolve() or folder.parent == folder:
                break
            folder = folder.parent
        if not searched:
            self._problem(
                f"secret '{name}' needs a {SECRETS_FILE} beside the configuration",
                f.mark(node),
                hint=f"create {self.root / SECRETS_FILE} with a line `{name}: ...`",
            )
        else:
            known = [k for d in self._secrets.values() if d for k in d]
            self._problem(
                f"secret '{name}' is not in {searched[0]}",
                f.mark(node),
                hint=did_you_mean(name, known) or f"add a line `{name}: ...` to {searched[0]}",
            )
        return None

    def _secrets_in(self, folder: Path) -> dict[str, str] | None:
        key = folder.resolve()
        if key not in self._secrets:
            file = folder / SECRETS_FILE
            self._secrets[key] = None
            if file.is_file():
                # secrets.yaml is read with the same reader so its errors get the same care,
                # but its values never enter the marks (they would end up in messages).
                sub = Document(data=None)
                data = _Reader(sub, folder).load(file, ("<secrets>",), ())
                self.doc.problems.extend(sub.problems)
                if isinstance(data, dict):
                    self._secrets[key] = {
                        str(k): str(v) for k, v in data.items() if isinstance(v, (str, int, float))
                    }
                elif data is not None:
                    self._problem(f"{file} must be a list of `name: value` lines", None)
        return self._secrets[key]


@dataclass(frozen=True)
class _File:
    name: str
    lines: list[str]
    path: Path
    stack: tuple[Path, ...]

    def mark(self, node: Node) -> Mark:
        start, end = node.start_mark, node.end_mark
        text = self.lines[start.line] if start.line < len(self.lines) else ""
        length = end.column - start.column if end.line == start.line else len(text) - start.column
        return Mark(self.name, start.line + 1, start.column + 1, max(1, length), text)


def _scalar(node: ScalarNode) -> Any:
    value: str = node.value
    tag = node.tag
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return value.lower() == "true"
    if tag == _TAG + "int":
        digits = value.replace("_", "")
        try:
            return int(digits, 0)
        except ValueError:
            return int(digits, 10)
    if tag == _TAG + "float":
        low = value.lower().replace("_", "")
        if low in (".inf", "+.inf"):
            return math.inf
        if low == "-.inf":
            return -math.inf
        if low == ".nan":
            return math.nan
        return float(low)
    return value


def _syntax_problem(e: MarkedYAMLError, name: str, lines: list[str]) -> Problem:
    mark = e.problem_mark or e.context_mark
    message = (e.problem or e.context or "this is not valid YAML").strip()
    hint = None
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        message = "a tab character; YAML indents with spaces only"
        hint = "replace the tab at the start of this line with spaces"
    elif "mapping values are not allowed" in message:
        hint = "a value with ': ' in it must be in quotes, and check the indentation above"
    elif "could not find expected ':'" in message:
        hint = "each line needs `key: value`; check the indentation and quotes"
    if mark is None:
        return Problem(message, None, hint=hint)
    text = lines[mark.line] if mark.line < len(lines) else ""
    return Problem(message, Mark(name, mark.line + 1, mark.column + 1, 1, text), hint=hint)
