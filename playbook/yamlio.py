"""All YAML handling: safe, position-keeping, hostile-input-proof loading.

We never construct Python objects from tags. The document is rebuilt from
parser events with an explicit stack (no recursion, so deep nesting cannot
crash us), aliases are refused (no alias bombs), duplicate keys are refused,
and every key and value keeps its line and column for error messages.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from playbook.errors import InvalidInput, Problem

try:  # the C parser is much faster; fall back quietly where libyaml is absent
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64

PathKey = tuple[Union[str, int], ...]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG = _STD + "map"
_SEQ_TAG = _STD + "seq"

# One resolver/constructor pair, reused: resolving implicit scalar types and
# building them is all we borrow from PyYAML's constructor.
_RESOLVER = yaml.SafeLoader("")
_CONSTRUCTOR = yaml.SafeLoader("")


@dataclass(frozen=True)
class Document:
    """A loaded YAML file: plain data plus where each key and value was written."""

    file: str
    data: Any
    value_pos: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_pos: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `path` (or of its key), or
        of the nearest enclosing node that exists."""
        path = tuple(path)
        while True:
            if key and path in self.key_pos:
                return self.key_pos[path]
            if path in self.value_pos:
                return self.value_pos[path]
            if path in self.key_pos:
                return self.key_pos[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(
        self, path: PathKey, message: str, code: str, *, key: bool = False,
        severity: str = "error",
    ) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, message, code, severity)


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def _fail(file: str, mark: Any, message: str, code: str) -> InvalidInput:
    line, col = _pos(mark) if mark is not None else (0, 0)
    return InvalidInput([Problem(file, line, col, message, code)])


def decode(raw: bytes, file: str) -> str:
    """Bytes to text, refusing binary files and oversized input with a clear message."""
    if len(raw) > MAX_BYTES:
        raise InvalidInput([Problem(file, 0, 0,
            f"file is too large ({len(raw):,} bytes; the limit is {MAX_BYTES:,})", "too-large")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InvalidInput([Problem(file, line, col,
            "this is not a UTF-8 text file; save it as UTF-8 YAML", "not-text")]) from None
    if "\x00" in text:
        off = text.index("\x00")
        line = text.count("\n", 0, off) + 1
        raise InvalidInput([Problem(file, line, off - (text.rfind("\n", 0, off) + 1) + 1,
            "this looks like a binary file, not YAML text", "not-text")])
    return text


def load_file(path: Path, display: str | None = None) -> Document:
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput([Problem(name, 0, 0, f"cannot read the file: {exc.strerror}", "unreadable")]) from None
    return loads(decode(raw, name), name)


def _syntax_hint(what: str, text: str, mark: Any) -> str:
    """The usual cause of the parser's message, in the user's terms."""
    line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
    if "\t" in what or "\\t" in what or ("cannot start any token" in what and "\t" in line):
        return " - YAML indents with spaces, not tabs"
    if "mapping values are not allowed" in what:
        if mark is not None and line.find(":") == mark.column:  # the line's own key: it sits at the wrong depth
            return " - check the indentation of this line: it should line up with the keys above it"
        return " - a value that contains ': ' must be quoted (name: \"Fabrikam: Cloud\")"
    if "did not find expected key" in what or "expected <block end>" in what:
        return " - check the indentation of this line and the ones above it (items of one list line up)"
    if "found undefined alias" in what or "found unhashable key" in what:
        return " - quote values that start with * & ! [ or {"
    return ""


def _scalar(event: Any, file: str) -> Any:
    tag = event.tag
    if tag in (None, "!"):
        if event.implicit[0] and tag is None:
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
            if tag in (_STD + "merge", _STD + "value"):  # a plain "<<" or "=" is just text here
                tag = _STD + "str"
        else:
            tag = _STD + "str"
    elif tag.startswith("!!"):
        tag = _STD + tag[2:]
    if tag not in _SCALAR_TAGS:
        raise _fail(file, event.start_mark,
            f"the tag {_show_tag(event.tag or tag)!r} is not allowed: write plain values (text, numbers, yes/no, dates)", "tag")
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
    except (ValueError, yaml.YAMLError, OverflowError):
        if tag == _STD + "timestamp" and event.tag is None:
            return event.value  # looks like a date but is not one: the field's own check says which and where
        raise _fail(file, event.start_mark, f"{event.value!r} is not a valid {tag[len(_STD):]}", "value") from None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return event.value  # dates stay as the text written; callers parse them
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(file, event.start_mark, f"{event.value!r} is not a finite number", "value")
    return value


def _check_collection_tag(event: Any, expected: str, file: str) -> None:
    tag = event.tag
    if tag in (None, "!"):
        return
    if tag.startswith("!!"):
        tag = _STD + tag[2:]
    if tag != expected:
        raise _fail(file, event.start_mark,
            f"the tag {_show_tag(event.tag)!r} is not allowed: write plain mappings and lists", "tag")


def loads(text: str, file: str = "<string>") -> Document:
    """Parse one YAML document into plain data with positions.

    Raises InvalidInput for syntax errors, tags, aliases, duplicate keys,
    several documents, and documents that are too deep or too large."""
    value_pos: dict[PathKey, tuple[int, int]] = {}
    key_pos: dict[PathKey, tuple[int, int]] = {}
    # stack entries: [container, path, pending_key or None, seen_keys]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    nodes = 0

    def attach(value: Any, start: Any) -> Any:
        nonlocal root
        if not stack:
            root = value
            value_pos[()] = _pos(start)
            return ()
        top = stack[-1]
        container, path = top[0], top[1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
            value_pos[child] = _pos(start)
            return child
        if top[2] is None:  # this value is a key
            if not isinstance(value, str):
                raise _fail(file, start, "a key must be plain text, not a list or mapping", "key")
            if value in top[3]:
                first = key_pos[path + (value,)]
                raise _fail(file, start,
                    f"duplicate key {value!r} (first written at line {first[0]}); remove one of them",
                    "duplicate-key")
            top[3].add(value)
            top[2] = value
            key_pos[path + (value,)] = _pos(start)
            return None
        key = top[2]
        top[2] = None
        container[key] = value
        child = path + (key,)
        value_pos[child] = _pos(start)
        return child

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _fail(file, event.start_mark,
                        "the file holds more than one YAML document (---); keep one", "documents")
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _fail(file, event.start_mark,
                    "anchors and aliases (*name) are not supported; write the value out", "alias")
            nodes += 1
            if nodes > MAX_NODES:
                raise _fail(file, event.start_mark, f"the file has more than {MAX_NODES:,} values", "too-large")
            if isinstance(event, yaml.ScalarEvent):
                is_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None
                value = event.value if is_key and event.tag is None else _scalar(event, file)
                if is_key and event.tag is not None:
                    value = str(value)
                attach(value, event.start_mark)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                is_map = isinstance(event, yaml.MappingStartEvent)
                _check_collection_tag(event, _MAP_TAG if is_map else _SEQ_TAG, file)
                if len(stack) >= MAX_DEPTH:
                    raise _fail(file, event.start_mark, f"the file is nested more than {MAX_DEPTH} levels deep", "too-deep")
                container: Any = {} if is_map else []
                if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                    raise _fail(file, event.start_mark, "a key must be plain text, not a list or mapping", "key")
                path = attach(container, event.start_mark)
                stack.append([container, path, None, set()])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        raise _fail(file, mark, f"YAML syntax error: {what}{_syntax_hint(what, text, mark)}", "syntax") from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        mark = getattr(exc, "position", None)
        if isinstance(exc, yaml.reader.ReaderError):
            line = text.count("\n", 0, exc.position) + 1
            col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
            raise InvalidInput([Problem(file, line, col,
                "the file contains a control character YAML does not allow "
                f"(U+{int(exc.character) if isinstance(exc.character, int) else ord(exc.character):04X}); remove it", "syntax")]) from None
        raise _fail(file, None, f"YAML error: {exc}", "syntax") from None
    return Document(file, root, value_pos, key_pos)


def dump(data: Any) -> str:
    """Block-style YAML for output we write (resolved packs)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
