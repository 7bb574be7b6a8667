"""Loading a rule pack, the first stages: finding its folders and reading each one.

A pack spec (a bundled id, a folder, or its pack.yaml) is resolved to a folder,
and so is each `extends:` target; each folder of the chain is then read as one
layer: its YAML files, then the JSON Schema stage. Items that fail the schema
are marked broken so that the later stages leave them out; playbook/pack/load.py
runs the stages and re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playbook.base.resources import bundled_packs
from playbook.base.suggest import did_you_mean, one_of
from playbook.base.values import describe
from playbook.base.yamlio import Document, PathKey, decode, loads, read_file
from playbook.errors import InvalidInput, Problem, UsageError
from playbook.pack import cache as pack_cache
from playbook.pack.schema import manifest_schema, pack_file_schema
from playbook.pack.validation import schema_errors

if TYPE_CHECKING:
    from playbook.pack.build import _Builder

DEFAULT_PACK = "default"


def resolve_pack_dir(spec: str | None) -> Path:
    """A pack given by bundled id or by folder (or its pack.yaml) path."""
    spec = spec or DEFAULT_PACK
    p = Path(spec)
    packs = bundled_packs()
    # A bare bundled id means the bundled pack even if the working directory
    # happens to hold a folder of that name; write ./NAME for the folder.
    if spec in packs and "/" not in spec and "\\" not in spec:
        return packs[spec]
    try:
        is_file, is_dir = p.is_file(), p.is_dir()
    except (OSError, ValueError):  # a name too long for the file system, a NUL: no such pack
        is_file = is_dir = False
    if is_file and p.name == "pack.yaml":
        return p.parent
    if is_dir:
        if not (p / "pack.yaml").is_file():
            raise UsageError(f"{spec}: not a rule pack (no pack.yaml in this folder)")
        return p
    raise UsageError(f"unknown pack {describe(spec)}{did_you_mean(spec, packs)}; "
                     f"bundled packs: {one_of(packs) or 'none'}; or give a folder holding pack.yaml")


def is_pack_path(path: Path) -> bool:
    return path.is_dir() or path.name == "pack.yaml"


@dataclass
class _Layer:
    root: Path
    manifest: Document
    content: list[Document]
    broken: set[tuple[str, PathKey]]


def _read_layer(root: Path, b: _Builder, hasher: Any) -> _Layer | None:
    """Read one pack folder: YAML, then the JSON Schema stage."""
    docs, unreadable = _read_files(root, b, hasher)
    manifest_doc = next((d for d in docs if Path(d.file).name == "pack.yaml"), None)
    if manifest_doc is None or unreadable:
        # every id an unreadable file defines would be reported as unknown
        # wherever it is used: fix the files that cannot be read first
        return None
    content_docs = [d for d in docs if d is not manifest_doc]
    # Items that fail the schema are left out of the cross-reference stage
    # (checking them would only add noise), but every other item is still
    # checked, so one run reports every mistake.
    broken: set[tuple[str, PathKey]] = set()
    usable: list[Document] = []
    for doc, schema in [(manifest_doc, manifest_schema()), *[(d, pack_file_schema()) for d in content_docs]]:
        if doc.data is None:
            b.err(doc, (), "the file is empty", "empty")
            continue
        if not isinstance(doc.data, dict):
            b.err(doc, (), "the file must be a mapping of keys (e.g. `actions:`) to lists", "type")
            continue
        errs = schema_errors(doc, schema)
        b.problems.extend(p for _, p in errs)
        if any(len(path) < 2 for path, _ in errs) and doc is not manifest_doc:
            continue  # the file's own shape is wrong: nothing in it can be trusted
        broken |= {(doc.file, path[:2]) for path, _ in errs}
        broken |= {(doc.file, path[:3]) for path, _ in errs if path[:1] in (("override",), ("disable",))}
        if doc is not manifest_doc:
            usable.append(doc)
    if any(p.file == manifest_doc.file for p in b.problems) or not isinstance(manifest_doc.data, dict):
        return None
    return _Layer(root, manifest_doc, usable, broken)


def _read_files(root: Path, b: _Builder, hasher: Any) -> tuple[list[Document], bool]:
    """pack.yaml and the folder's other .yaml files, parsed and hashed; and
    whether any could not be read (its problems are in `b`)."""
    files = sorted(p for p in root.glob("*.yaml") if p.name != "pack.yaml")
    base = root.parent

    def display(p: Path) -> str:
        # Authors read `default/actions-lifecycle.yaml:31`; a bundled pack inside an
        # installed package (site-packages, under a venv in the working folder) is
        # named by its pack folder rather than by the path into the install.
        installed = any(part in ("site-packages", "dist-packages") for part in p.parts)
        if not installed:
            try:
                return str(p.relative_to(Path.cwd().resolve()))
            except ValueError:
                pass
        return str(p.relative_to(base)) if p.is_relative_to(base) else str(p)

    for stray in sorted(root.glob("*.yml")):
        b.problems.append(Problem(display(stray), 0, 0, "this file is not read: pack files end in .yaml; "
                                  "rename it", "ignored-file", severity="warning"))
    docs: list[Document] = []
    unreadable = False
    for p in [root / "pack.yaml", *files]:
        try:
            # read once: the bytes parsed are the bytes hashed, here and in the pack cache
            raw = read_file(p, display(p))
            pack_cache.note_read(p, raw)
            doc = loads(decode(raw, display(p)), display(p))
        except InvalidInput as exc:
            b.problems.extend(exc.problems)
            unreadable = True
            continue
        hasher.update(p.name.encode() + b"\0" + raw + b"\0")
        docs.append(doc)
    return docs, unreadable


def _extends_target(root: Path, spec: str) -> Path | None:
    """A folder relative to the extending pack first, then a bundled pack id."""
    p = root / spec
    try:
        if p.is_dir() and (p / "pack.yaml").is_file():
            return p.resolve()
    except (OSError, ValueError):  # a name too long for the file system, a NUL: no such folder
        pass
    packs = bundled_packs()
    return packs[spec].resolve() if spec in packs else None


def _resolve_extends(layer: _Layer, spec: str) -> Path:
    target = _extends_target(layer.root, spec)
    if target is not None:
        return target
    packs = bundled_packs()
    raise InvalidInput([layer.manifest.problem(("extends",), f"cannot find the pack {describe(spec)} to extend"
                        f"{did_you_mean(spec, packs)}; give a bundled pack id ({one_of(packs)}) or a folder "
                        "path relative to this pack", "extends")])

