"""The per-user cache of validated packs (and of compiled report templates).

Validating a pack costs more than the rest of a run, so the validated Pack is
kept per user. The cache holds data only: the Pack's frozen dataclasses are
written as a tree of plain values (msgspec's MessagePack) and read back into
the classes of playbook.base.model and nothing else, so a planted cache file can at
worst make a run read a wrong pack, never run code; and even that is ruled out
by where the files live:

- one folder, `$XDG_CACHE_HOME/playbook` (or ~/.cache/playbook), created 0700;
  a folder that is a symlink, is not this user's, or that group or others can
  write is not used at all (the run goes on without a cache);
- every file is opened relative to that folder's descriptor with O_NOFOLLOW
  (a symlink is never followed, a FIFO never blocks), must be this user's
  regular file that nobody else can write, and temporaries are created with
  O_EXCL, so a planted name is never written through;
- an entry names the code that wrote it (every module of the package) and is
  checked against a digest of every YAML file of every layer before use.

Any failure of the cache is a miss; a run never fails because of it.
PLAYBOOK_NO_CACHE=1 turns it off. Caching needs POSIX descriptors (dir_fd and
O_NOFOLLOW); elsewhere there is simply no cache.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime
import hashlib
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec

from playbook import ENGINE_VERSION
from playbook.base import model
from playbook.errors import Problem

FORMAT = 1  # bump when the layout of an entry changes
MAX_BYTES = 64 * 1024 * 1024
MAX_AGE_DAYS = 30
PACK_SUFFIX = ".msgpack"

# dir_fd and O_NOFOLLOW are what make the folder checks race-free; without them, no cache
_SUPPORTED = (hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY") and hasattr(os, "getuid")
              and os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd and os.unlink in os.supports_dir_fd
              and os.scandir in os.supports_fd)


def enabled() -> bool:
    return _SUPPORTED and not os.environ.get("PLAYBOOK_NO_CACHE")


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "playbook"


@contextmanager
def _open_folder(create: bool) -> Iterator[int | None]:
    """A descriptor of the cache folder, or None when it must not be used."""
    path = folder()
    fd = -1
    try:
        if create:
            os.makedirs(path, mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        st = os.fstat(fd)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
            yield None
        else:
            yield fd
    except OSError:
        yield None
    finally:
        if fd >= 0:
            os.close(fd)


def read_entry(name: str) -> bytes | None:
    """The bytes of a cache file, if it is safe to trust as this user's own."""
    if not enabled():
        return None
    with _open_folder(create=False) as dfd:
        if dfd is None:
            return None
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dfd)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022
                    or st.st_size > MAX_BYTES):
                return None
            with os.fdopen(os.dup(fd), "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
            os.utime(fd)  # recently used: kept by the pruning in write_entry
            return data if len(data) <= MAX_BYTES else None
        except OSError:
            return None
        finally:
            os.close(fd)


def write_entry(name: str, data: bytes) -> None:
    """Write a cache file atomically; any failure leaves the cache as it was."""
    if not enabled():
        return
    with _open_folder(create=True) as dfd:
        if dfd is None:
            return
        tmp = f".{name}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=dfd)
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            # a rename replaces whatever has the name (a symlink included) and writes through nothing
            os.rename(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)  # POSIX: replaces atomically
        except OSError:
            try:
                os.unlink(tmp, dir_fd=dfd)
            except OSError:
                pass
            return
        _prune(dfd)


def _prune(dfd: int) -> None:
    """One small file per pack, working folder and template: drop those unused for a month,
    and the pickles older versions wrote (a format that can run code is never read again)."""
    limit = time.time() - MAX_AGE_DAYS * 86400
    try:
        with os.scandir(dfd) as entries:
            for e in entries:
                old_format = e.name.startswith("pack-") and e.name.endswith(".pickle")
                if not (old_format or e.name.startswith(("pack-", "tpl-"))):
                    continue
                st = e.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and (old_format or st.st_mtime < limit):
                    os.unlink(e.name, dir_fd=dfd)
    except OSError:
        pass


# ---- a data-only encoding of the model's frozen dataclasses ----------------
#
# msgspec decodes dataclasses itself, but not a Union of several of them (the
# model's Condition), and an `Any` field comes back as a list where a tuple
# went in. So the Pack is written as a tree of plain values that keeps what
# MessagePack cannot say: a container's kind, and for a dataclass, its class
# name and its fields in definition order (the entry's code stamp guarantees
# the same definitions read it). Only classes of playbook.base.model (and Problem)
# are ever built, with exactly their declared fields.

_TUPLE, _LIST, _DICT, _FROZENSET, _DATE, _DATETIME, _OBJECT = range(7)


def _classes() -> dict[str, tuple[type, tuple[str, ...]]]:
    found = [c for c in vars(model).values()
             if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == model.__name__]
    return {c.__name__: (c, tuple(f.name for f in dataclasses.fields(c))) for c in [*found, Problem]}


_CLASSES = _classes()


def _enc(o: Any) -> Any:
    if o is None or isinstance(o, (str, bool, int, float)):
        return o
    if isinstance(o, tuple):
        return [_TUPLE, *map(_enc, o)]
    if isinstance(o, list):
        return [_LIST, *map(_enc, o)]
    if isinstance(o, dict):
        return [_DICT, *(x for kv in o.items() for x in map(_enc, kv))]
    if isinstance(o, frozenset):
        return [_FROZENSET, *map(_enc, o)]
    if isinstance(o, datetime.datetime):
        return [_DATETIME, o.isoformat()]
    if isinstance(o, datetime.date):
        return [_DATE, o.isoformat()]
    name = type(o).__name__
    if name in _CLASSES and type(o) is _CLASSES[name][0]:
        return [_OBJECT, name, *(_enc(getattr(o, f)) for f in _CLASSES[name][1])]
    raise TypeError(f"the pack cache cannot hold a {type(o).__name__}")


def _dec(o: Any) -> Any:
    if type(o) is not list:
        return o
    tag = o[0]
    if tag == _OBJECT:
        cls, names = _CLASSES[o[1]]
        if len(o) != len(names) + 2:
            raise ValueError("fields differ from the class definition")
        obj: Any = object.__new__(cls)
        # frozen: the generated __init__ would set each field with object.__setattr__
        obj.__dict__.update(zip(names, map(_dec, o[2:])))
        return obj
    if tag == _TUPLE:
        return tuple(map(_dec, o[1:]))
    if tag == _DICT:
        it = map(_dec, o[1:])
        return dict(zip(it, it))
    if tag == _LIST:
        return list(map(_dec, o[1:]))
    if tag == _FROZENSET:
        return frozenset(map(_dec, o[1:]))
    if tag == _DATE:
        return datetime.date.fromisoformat(o[1])
    if tag == _DATETIME:
        return datetime.datetime.fromisoformat(o[1])
    raise ValueError(f"unknown tag {tag!r}")


def encode(value: Any) -> bytes:
    return msgspec.msgpack.encode(_enc(value))


def decode(data: bytes) -> Any:
    return _dec(msgspec.msgpack.decode(data))


# ---- the pack cache -----------------------------------------------------------

def code_stamp() -> str:
    """The code that validates and models a pack: an upgrade or a local edit of
    the package never meets an entry an older version wrote."""
    pkg = Path(__file__).resolve().parents[1]  # the whole playbook package: its stages are subpackages
    code = sorted((str(f.relative_to(pkg)), f.stat().st_mtime_ns, f.stat().st_size) for f in pkg.rglob("*.py"))
    return f"{FORMAT}\0{ENGINE_VERSION}\0{sys.version}\0{msgspec.__version__}\0{code}"


def cache_file(root: Path) -> str | None:
    """The name of the cache entry for the pack in `root` run from this working
    folder (file names in messages are relative to it), or None when off."""
    if not enabled():
        return None
    key = hashlib.sha256(f"{code_stamp()}\0{root}\0{os.getcwd()}".encode()).hexdigest()[:32]
    return f"pack-{key}{PACK_SUFFIX}"


def layers_digest(layer_dirs: tuple[Path, ...], seen: dict[Path, bytes] | None = None) -> str:
    """Every YAML file in every layer's folder (absolute paths): an edited,
    added or removed file changes the digest. With `seen` (the bytes the loader
    parsed, from `recording`), the digest is of those bytes, never of a later
    read: a pack saved between the load and the cache write then leaves an
    entry that no longer matches the file, instead of one that matches the new
    file and holds the old pack."""
    h = hashlib.sha256()
    for layer in layer_dirs:
        files = sorted(f for f in seen if f.parent == layer) if seen is not None else sorted(layer.glob("*.yaml"))
        for f in files:
            h.update(str(f).encode() + b"\0" + (seen[f] if seen is not None else f.read_bytes()) + b"\0")
    return h.hexdigest()


_READS: contextvars.ContextVar[dict[Path, bytes] | None] = contextvars.ContextVar("pack_reads", default=None)


@contextmanager
def recording() -> Iterator[dict[Path, bytes]]:
    """Collect the bytes of every pack file the loader parses while inside."""
    seen: dict[Path, bytes] = {}
    token = _READS.set(seen)
    try:
        yield seen
    finally:
        _READS.reset(token)


def note_read(path: Path, raw: bytes) -> None:
    """Called by the pack reader with the exact bytes it is about to parse."""
    seen = _READS.get()
    if seen is not None:
        seen[Path(path).absolute()] = raw


def extends_chain(root: Path, extends_target: Callable[[Path, str], Path | None]) -> tuple[Path, ...]:
    """The layer folders as `extends` resolves them today (a symlink may have
    been re-pointed since the cache was written)."""
    chain = [root]
    while len(chain) < 16:
        # only the top-level `extends:` line matters here; a full YAML parse of
        # the manifest would cost more than the rest of a cached load
        m = re.search(r"^extends:[ \t]*(.*?)[ \t]*(?:#.*)?$", (chain[-1] / "pack.yaml").read_text(encoding="utf-8"),
                      re.MULTILINE)
        ext = m.group(1).strip("'\"") if m else None
        target = extends_target(chain[-1], ext) if ext else None
        if target is None:
            break
        chain.append(target)
    return tuple(chain)


def read(name: str, extends_target: Callable[[Path, str], Path | None]) -> model.Pack | None:
    data = read_entry(name)
    if data is None:
        return None
    try:
        stamp, digest, dirs, pack = decode(data)
        layer_dirs = tuple(Path(d) for d in dirs)
        if (stamp == code_stamp() and isinstance(pack, model.Pack)
                and extends_chain(layer_dirs[0], extends_target) == layer_dirs and digest == layers_digest(layer_dirs)):
            return pack
    except Exception:
        pass
    return None


def write(name: str, pack: model.Pack, layer_dirs: tuple[Path, ...], seen: dict[Path, bytes] | None = None) -> None:
    """Cache `pack`, paired with the digest of the bytes it was built from (`seen`)."""
    try:
        digest = layers_digest(layer_dirs, seen)
        data = encode((code_stamp(), digest, tuple(str(d) for d in layer_dirs), pack))
        # a pack that would not read back equal (a value of a kind the tree cannot
        # hold exactly) is not cached rather than cached wrong
        if decode(data)[3] != pack:
            return
    except Exception:
        return
    write_entry(name, data)
