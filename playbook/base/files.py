"""The one place that writes files the user asked for.

Every generated file (a report, a batch's reports and summary, `init`'s template,
`form`, `docs`, `schema`, the portfolio, exports) goes through `write_output`, so
the same rules hold everywhere:

- the target is resolved first (a symlink is followed), and the checks look at
  what would really be replaced;
- an input of the run, any YAML file (answers, packs), a link to one, a dangling
  link, a folder, a FIFO, device or socket is never replaced;
- the bytes go to a new temporary file in the same folder (created with O_EXCL)
  and are renamed over the target, so a failure never leaves half a file;
- every file-system failure is a `FileSystemError` (exit 2) with one line that
  says what, where and how to fix it. No OSError leaves this module.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from playbook.errors import FileSystemError

YAML_SUFFIXES = frozenset({".yaml", ".yml"})


def resolve_target(target: Path, *, inputs: Iterable[Path] = (), allow_yaml: bool = False) -> Path:
    """The real file `target` would replace, after refusing what must never be replaced."""
    try:
        return _resolve(Path(target), inputs, allow_yaml)
    except (OSError, RuntimeError) as exc:  # a name too long, a symlink loop, a folder we may not look into
        raise FileSystemError(f"cannot write {target}: {_reason(exc)}; "
                              f"{_fix(exc) if isinstance(exc, OSError) else 'choose another path'}") from None


def _resolve(target: Path, inputs: Iterable[Path], allow_yaml: bool) -> Path:
    if os.path.islink(target) and not os.path.exists(target):
        raise FileSystemError(f"refusing to write {target}: it is a symbolic link to "
                              f"{os.readlink(target)}, which does not exist; remove the link or choose another path")
    resolved = target.resolve()
    shown = str(target) if resolved == target.absolute() else f"{target} (-> {resolved})"
    if any(resolved == _real(i) for i in inputs):
        raise FileSystemError(f"refusing to overwrite {shown}: it is an input of this run; choose another output")
    yaml = {target.suffix.lower(), resolved.suffix.lower()} & YAML_SUFFIXES
    # a command whose product is YAML (init) still never writes through a link onto one
    if yaml and (not allow_yaml or os.path.islink(target)):
        raise FileSystemError(f"refusing to overwrite {shown}: it is a YAML file (answers or pack)"
                              f"{' behind a symbolic link' if allow_yaml else ''}; choose another output name")
    if resolved.is_dir():
        raise FileSystemError(f"cannot write {shown}: it is a folder; give a file name")
    if os.path.lexists(resolved) and not resolved.is_file():
        raise FileSystemError(f"refusing to replace {shown}: it is not a regular file (a FIFO, device or socket); "
                              "choose another output")
    if not resolved.parent.is_dir():
        raise FileSystemError(f"cannot write {target}: the folder {target.parent} does not exist; "
                              "create it first or choose another path")
    return resolved


def write_output(target: Path, data: bytes, *, inputs: Iterable[Path] = (), allow_yaml: bool = False,
                 replace: bool = True) -> Path:
    """Write `data` to `target` whole or not at all; returns the file written.

    `inputs` are the files this run read: never overwritten, nor through a link.
    `allow_yaml` is for the commands whose product is YAML (`init`); `replace=False`
    refuses an existing file (their --force is `replace=True`)."""
    resolved = resolve_target(target, inputs=inputs, allow_yaml=allow_yaml)
    if not replace and os.path.lexists(target):
        raise FileSystemError(f"{target} already exists; choose another path or add --force to overwrite it")
    try:
        _atomic(resolved, data)
    except OSError as exc:
        raise FileSystemError(f"cannot write {target}: {_reason(exc)}; {_fix(exc)}") from None
    return resolved


def make_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) for outputs; a failure is one usage line."""
    folder = Path(folder)
    if os.path.islink(folder) and not os.path.exists(folder):
        raise FileSystemError(f"cannot create the folder {folder}: it is a symbolic link to {os.readlink(folder)}, "
                              "which does not exist; remove the link or choose another folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if isinstance(exc, FileExistsError) or folder.exists() and not folder.is_dir():
            raise FileSystemError(f"cannot create the folder {folder}: a file has that name; "
                                  "choose another folder") from None
        raise FileSystemError(f"cannot create the folder {folder}: {_reason(exc)}; {_fix(exc)}") from None
    try:  # a folder we cannot write into fails every report: say so once, before the work
        fd, probe = tempfile.mkstemp(prefix=".playbook-", suffix=".tmp", dir=str(folder))
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise FileSystemError(f"cannot write into the folder {folder}: {_reason(exc)}; {_fix(exc)}") from None
    return folder


def write_stdout(data: bytes) -> None:
    """The report on standard output; a closed pipe is left to the caller (not an error)."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        # nothing more can reach this stdout; keep Python's exit-time flush from failing again
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise FileSystemError(f"cannot write the report to standard output: {_reason(exc)}") from None


def write_atomic(path: Path, data: bytes) -> None:
    """The raw atomic write (OSError on failure), for callers that collect failures
    themselves; everything else uses write_output."""
    path = Path(path).resolve()
    if os.path.lexists(path) and not path.is_file():
        raise OSError(errno.EEXIST, "it is not a regular file", str(path))
    _atomic(path, data)


def _atomic(path: Path, data: bytes) -> None:
    # mkstemp opens with O_CREAT | O_EXCL: it never writes into a file (or link) planted in advance
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would surprise users
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _real(p: Path) -> Path:
    try:
        return Path(p).resolve()
    except (OSError, RuntimeError):
        return Path(p).absolute()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _fix(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "make the folder writable or choose another one"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free some space or choose another disk"
    if exc.errno == errno.ENAMETOOLONG:
        return "choose a shorter name"
    return "check the path or choose another one"
