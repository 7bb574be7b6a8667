"""All YAML handling: safe, position-keeping, hostile-input-proof loading.

We never construct Python objects from tags. The document is rebuilt from
parser events with an explicit stack (no recursion, so deep nesting cannot
crash us), aliases are refused (no alias bombs), duplicate keys are refused,
and every key and value keeps its line and column for error messages.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import math
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from playbook.base.messages import number, t
from playbook.errors import InvalidInput, Problem

try:  # the C parser is much faster; fall back quietly where libyaml is absent
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64

PathKey = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MAP_TAG = _STD + "map"
_SEQ_TAG = _STD + "seq"

# Line breaks as editors count them (VS Code, Notepad++, Sublime, Python's
# universal newlines): LF, CRLF and a lone CR. PyYAML and libyaml also break
# lines at NEL, U+2028 and U+2029, even inside comments and quoted text, so
# their line numbers can name a line the user's editor does not have; every
# position we report is recounted from the character offset instead.
_EDITOR_BREAK = re.compile(r"\r\n?|\n")
_SHOWN = 60  # characters of a bad value quoted in a message


def show(value: Any) -> str:
    """A value quoted in a message, cut short: a 2 MB line helps nobody."""
    r = repr(value) if isinstance(value, str) else str(value)
    return r if len(r) <= _SHOWN else r[:_SHOWN - 5] + "…" + r[-4:]


def line_starts(text: str) -> list[int]:
    """Offsets where each editor line of `text` starts."""
    return [0, *(m.end() for m in _EDITOR_BREAK.finditer(text))]


def line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset, counted as an editor does."""
    i = bisect.bisect_right(starts, offset) - 1
    return (i + 1, offset - starts[i] + 1)


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
    # the text as written of every plain scalar YAML read as a number: YAML
    # reads `1.200` as 1.2, `012` as 10 and `1:30` as 90, so values people
    # type are parsed from what they typed
    written: dict[PathKey, str] = field(default_factory=dict)
    text: str = ""  # the source, for checks that read comments

    @cached_property
    def lines(self) -> list[str]:
        """The source's lines as an editor shows them (split once, then kept)."""
        return _EDITOR_BREAK.split(self.text)

    def line(self, n: int) -> str:
        """Line `n` (1-based, editor lines) of the source, or ''."""
        return self.lines[n - 1] if 0 < n <= len(self.lines) else ""

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


class _Marks:
    """Parser marks to editor positions, from the mark's character offset.
    (The parser's own line numbers differ where the text has a NEL, U+2028 or
    U+2029, and at the end of a file without a final line break, where
    libyaml names the line after the last.)"""

    def __init__(self, text: str):
        self.starts = line_starts(text)

    def __call__(self, mark: Any) -> tuple[int, int]:
        return line_col(self.starts, mark.index)


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def _fail(file: str, mark: Any, message: str, code: str, pos: Any = _pos) -> InvalidInput:
    line, col = pos(mark) if mark is not None else (0, 0)
    return InvalidInput([Problem(file, line, col, message, code)])


def decode(raw: bytes, file: str) -> str:
    """Bytes to text, refusing binary files and oversized input with a clear message."""
    if len(raw) > MAX_BYTES:
        raise InvalidInput([Problem(file, 0, 0,
            t("the file is too large: over %(limit)s bytes; an answers file or pack file is far smaller",
              limit=number(MAX_BYTES, f"{MAX_BYTES:,}")),
            "too-large")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8")  # valid up to the first bad byte
        line, col = line_col(line_starts(before), len(before))
        raise InvalidInput([Problem(file, line, col,
            t("this is not a UTF-8 text file; save it as UTF-8 YAML"), "not-text")]) from None
    if "\x00" in text:
        off = text.index("\x00")
        line, col = line_col(line_starts(text[:off]), off)
        raise InvalidInput([Problem(file, line, col,
            t("this looks like a binary file, not YAML text"), "not-text")])
    return text


def read_file(path: Path, display: str | None = None, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, refusing devices, FIFOs, sockets and
    folders before reading and never reading more than `limit` + 1 bytes
    (`/dev/zero` given as an answers file would otherwise be read forever)."""
    name = display or str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InvalidInput([Problem(name, 0, 0, f"cannot read the file: {exc.strerror}", "unreadable")]) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InvalidInput([Problem(name, 0, 0, "this is not a regular file (a folder, device, pipe or "
                                        "socket); give the path of a YAML file", "not-a-file")])
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InvalidInput([Problem(name, 0, 0, f"cannot read the file: {exc.strerror}", "unreadable")]) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def load_file(path: Path, display: str | None = None) -> Document:
    name = display or str(path)
    return loads(decode(read_file(path, name), name), name)


def _syntax_hint(what: str, text: str, mark: Any, pos: Any = _pos) -> str:
    """The usual cause of the parser's message, in the user's terms."""
    lines = _EDITOR_BREAK.split(text)
    n, col = pos(mark) if mark is not None else (0, 0)
    line = lines[n - 1] if 0 < n <= len(lines) else ""
    if "\t" in what or "\\t" in what or ("cannot start any token" in what and "\t" in line):
        return t(" - YAML indents with spaces, not tabs")
    if "mapping values are not allowed" in what:
        if mark is not None and line.find(":") == col - 1:  # the line's own key: it sits at the wrong depth
            return t(" - check the indentation of this line: it should line up with the keys above it")
        return t(" - a value that contains ': ' must be quoted (name: \"Fabrikam: Cloud\")")
    if "did not find expected key" in what or "expected <block end>" in what:
        return t(" - check the indentation of this line and the ones above it (items of one list line up)")
    if "found undefined alias" in what or "found unhashable key" in what:
        return t(" - quote values that start with * & ! [ or {")
    return ""


_NUMBER_TAGS = {_STD + "int", _STD + "float"}
_TAG_WORDS = {"bool": "yes, no, true, false, on or off", "null": "null, ~ or nothing",
              "int": "a whole number", "float": "a number", "timestamp": "a date like 2026-11-01"}


def _fits_tag(tag: str, value: str) -> bool:
    """Whether `value` is written the way `tag` expects. PyYAML's constructors
    assume it (they index, look up and match without checking), which holds
    for values it resolved itself but not for an explicit `!!bool maybe`."""
    if tag == _STD + "str":
        return True
    if "\n" in value:  # the resolver's patterns end in `$`, which also matches before a newline
        return False
    return bool(_RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == tag)  # type: ignore[no-untyped-call]


def _scalar(event: Any, file: str, pos: Any = _pos) -> Any:
    tag = event.tag
    explicit = tag not in (None, "!")
    if not explicit:
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
            f"the tag {show(_show_tag(event.tag or tag))} is not allowed: write plain values (text, numbers, "
            "yes/no, dates)", "tag", pos)
    short = tag[len(_STD):]
    if explicit and not _fits_tag(tag, event.value):
        raise _fail(file, event.start_mark, f"{show(event.value)} is not a valid !!{short} (write "
                    f"{_TAG_WORDS[short]}, or drop the tag)", "value", pos)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
    except (ValueError, OverflowError):  # e.g. 2026-02-30, or more digits than Python converts
        if tag == _STD + "timestamp" and not explicit:
            return event.value  # looks like a date but is not one: the field's own check says which and where
        if tag in _NUMBER_TAGS and not explicit:
            return event.value  # too long to be a number: the field's own check says so
        raise _fail(file, event.start_mark, t("%(value)s is not a valid %(tag)s", value=show(event.value), tag=short),
                    "value", pos) from None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return event.value  # dates stay as the text written; callers parse them
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail(file, event.start_mark, t("%(value)s is not a finite number", value=show(event.value)), "value",
                    pos)
    return value


def _check_collection_tag(event: Any, expected: str, file: str, pos: Any = _pos) -> None:
    tag = event.tag
    if tag in (None, "!"):
        return
    if tag.startswith("!!"):
        tag = _STD + tag[2:]
    if tag != expected:
        raise _fail(file, event.start_mark,
            f"the tag {show(_show_tag(event.tag))} is not allowed: write plain mappings and lists", "tag", pos)


def loads(text: str, file: str = "<string>") -> Document:
    """Parse one YAML document into plain data with positions.

    Raises InvalidInput for syntax errors, tags, aliases, duplicate keys,
    several documents, and documents that are too deep or too large."""
    tree = _Tree(text, file)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            tree.add(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        raise _fail(file, mark, t("YAML syntax error: %(what)s%(hint)s", what=what,
                                  hint=_syntax_hint(what, text, mark, tree.pos)), "syntax",
                    tree.pos) from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry a position too
        raise _reader_error(exc, text, file) from None
    return Document(file, tree.root, tree.value_pos, tree.key_pos, tree.written, text)


def _reader_error(exc: yaml.YAMLError, text: str, file: str) -> InvalidInput:
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts this offset in UTF-8 bytes, PyYAML in characters
        offset = exc.position
        if _Loader is not yaml.SafeLoader:
            offset = len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
        line, col = line_col(line_starts(text), offset)
        return InvalidInput([Problem(file, line, col,
            "the file contains a control character YAML does not allow "
            f"(U+{int(exc.character) if isinstance(exc.character, int) else ord(exc.character):04X}); remove it", "syntax")])
    return _fail(file, None, f"YAML error: {exc}", "syntax")


class _Tree:
    """The plain data and its positions, built from the parser's events one at a time."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.pos = _Marks(text)  # every mark is recounted the way an editor counts lines
        self.value_pos: dict[PathKey, tuple[int, int]] = {}
        self.key_pos: dict[PathKey, tuple[int, int]] = {}
        self.written: dict[PathKey, str] = {}
        # stack entries: [container, path, pending_key or None, seen_keys]
        self.stack: list[list[Any]] = []
        self.root: Any = None
        self.documents = 0
        self.nodes = 0

    def add(self, event: Any) -> None:
        file, pos, stack = self.file, self.pos, self.stack
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise _fail(file, event.start_mark,
                    t("the file holds more than one YAML document (---); keep one"), "documents", pos)
            return
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            return
        if isinstance(event, yaml.AliasEvent):
            raise _fail(file, event.start_mark,
                t("anchors and aliases (*name) are not supported; write the value out"), "alias", pos)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _fail(file, event.start_mark, f"the file has more than {MAX_NODES:,} values", "too-large", pos)
        if isinstance(event, yaml.ScalarEvent):
            is_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None
            value = event.value if is_key and event.tag is None else _scalar(event, file, pos)
            if is_key and event.tag is not None:
                value = str(value)
            child = self.attach(value, event.start_mark)
            if (child is not None and event.tag is None and event.implicit[0]
                    and isinstance(value, (int, float)) and not isinstance(value, bool)):
                self.written[child] = event.value
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            is_map = isinstance(event, yaml.MappingStartEvent)
            _check_collection_tag(event, _MAP_TAG if is_map else _SEQ_TAG, file, pos)
            if len(stack) >= MAX_DEPTH:
                raise _fail(file, event.start_mark, f"the file is nested more than {MAX_DEPTH} levels deep", "too-deep", pos)
            container: Any = {} if is_map else []
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                raise _fail(file, event.start_mark, "a key must be plain text, not a list or mapping", "key", pos)
            path = self.attach(container, event.start_mark)
            stack.append([container, path, None, set()])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()

    def attach(self, value: Any, start: Any) -> Any:
        """Put a value where the parser is; its path, or None when it was a key."""
        pos = self.pos
        if not self.stack:
            self.root = value
            self.value_pos[()] = pos(start)
            return ()
        top = self.stack[-1]
        container, path = top[0], top[1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
            self.value_pos[child] = pos(start)
            return child
        if top[2] is None:  # this value is a key
            if not isinstance(value, str):
                raise _fail(self.file, start, "a key must be plain text, not a list or mapping", "key", pos)
            if value in top[3]:
                first = self.key_pos[path + (value,)]
                raise _fail(self.file, start,
                    t("duplicate key %(key)s (first written at line %(line)s); remove one of them", key=repr(value),
                      line=first[0]), "duplicate-key", pos)
            top[3].add(value)
            top[2] = value
            self.key_pos[path + (value,)] = pos(start)
            return None
        key = top[2]
        top[2] = None
        container[key] = value
        child = path + (key,)
        self.value_pos[child] = pos(start)
        return child


def dump(data: Any) -> str:
    """Block-style YAML for output we write (resolved packs)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
