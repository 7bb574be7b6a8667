"""The package's shape, checked: the import graph over playbook/ has no cycle,
every import runs down the stages docs/architecture.md lists (the test reads
its table), no module reaches into another subpackage's private (``_name``)
modules or names, and functions stay short enough to read.

The graph counts every import the interpreter could run: top-level ones,
lazy ones inside functions and the ones under ``if TYPE_CHECKING:`` (a type
import is still a dependency a reader must follow, and it hides cycles).
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "playbook"
DOC = ROOT / "docs" / "architecture.md"

# Cycles known and owned elsewhere, each pending its own change; the set may
# only shrink. Each entry is the sorted tuple of the modules in one cycle.
PENDING_CYCLES: set[tuple[str, ...]] = set()


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted (playbook.engine.result)
    target: str  # imported module, dotted
    names: tuple[str, ...]  # names taken from target by `from target import ...`
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _resolve(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".") if is_package else source.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(mods: dict[str, Path]) -> Iterator[Import]:
    """Every import of a playbook module, wherever it sits in the file."""
    for name, path in mods.items():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "playbook":
                        yield Import(name, alias.name, (), node.lineno)
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(name, path.name == "__init__.py", node)
                if target.split(".")[0] != "playbook":
                    continue
                names = tuple(a.name for a in node.names)
                # `from playbook.cli import authoring` imports a module, not a name
                submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in mods]
                rest = tuple(n for n in names if f"{target}.{n}" not in mods)
                for sub in submodules:
                    yield Import(name, sub, (), node.lineno)
                if rest or not submodules:
                    yield Import(name, target, rest, node.lineno)


def graph() -> dict[str, set[str]]:
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for imp in imports(mods):
        if imp.target in mods and imp.target != imp.source:
            edges[imp.source].add(imp.target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(tuple(sorted(component)))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def unit(module: str) -> str:
    """The stage unit a module belongs to: its first-level subpackage or module
    under playbook (playbook.engine.result -> engine, playbook.api -> api); the
    package root itself (version constants) is `playbook`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "playbook"


def documented_units() -> dict[str, int]:
    """The rank of each unit, from the table between the markers in
    docs/architecture.md: `| rank | unit | ... |`."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- stages:begin -->(.*?)<!-- stages:end -->", text, re.S)
    assert block, "docs/architecture.md has no <!-- stages:begin --> ... <!-- stages:end --> table"
    ranks: dict[str, int] = {}
    for row in block.group(1).splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].isdigit():
            name = cells[1].strip("`").removesuffix("/").removesuffix(".py")
            assert name not in ranks, f"{name} listed twice in docs/architecture.md"
            ranks[name] = int(cells[0])
    return ranks


def test_the_stage_table_reads_and_orders_the_pipeline() -> None:
    ranks = documented_units()
    # the order the pipeline runs in; a table that lost it would make the direction test vacuous
    order = ["errors", "base", "i18n", "pack", "customers", "engine", "answers", "report", "api", "cli"]
    assert [ranks[u] for u in order] == sorted(ranks[u] for u in order)
    assert ranks["base"] < ranks["engine"] < ranks["report"] < ranks["cli"]


def test_the_document_lists_every_subpackage_and_module_that_exists() -> None:
    existing = {unit(m) for m in modules()}
    assert set(documented_units()) == existing


def test_no_import_cycles() -> None:
    found = {c for c in cycles(graph())}
    unexpected = found - PENDING_CYCLES
    assert not unexpected, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in sorted(unexpected))


def test_the_cycle_finder_finds_a_cycle() -> None:
    # so an empty answer above means "no cycle", not "the finder is broken"
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [("a", "b", "c")]


def test_imports_run_down_the_stages() -> None:
    ranks = documented_units()
    wrong = []
    for imp in imports(modules()):
        src, dst = unit(imp.source), unit(imp.target)
        # a unit may import only from a lower rank: two units of one rank stay independent
        if src != dst and ranks[dst] >= ranks[src]:
            wrong.append(f"{imp.source}:{imp.line} imports {imp.target} ({src} is stage {ranks[src]}, "
                         f"{dst} is stage {ranks[dst]})")
    assert not wrong, "imports against the documented direction:\n" + "\n".join(wrong)


def test_no_reaching_into_another_subpackages_private_parts() -> None:
    wrong = []
    for imp in imports(modules()):
        if unit(imp.source) == unit(imp.target):
            continue
        private_module = any(p.startswith("_") and not p.startswith("__") for p in imp.target.split("."))
        private_names = [n for n in imp.names if n.startswith("_") and not n.startswith("__")]
        if private_module or private_names:
            wrong.append(f"{imp.source}:{imp.line} imports {imp.target} {', '.join(private_names)}".rstrip())
    assert not wrong, "private modules or names used across subpackages:\n" + "\n".join(wrong)


def test_import_reader_sees_lazy_and_type_checking_imports() -> None:
    found = {(i.source, i.target) for i in imports(modules())}
    # a lazy import inside a function (WeasyPrint is slow to import)
    assert ("playbook.report.render", "playbook.report.pdf") in found
    # an import under `if TYPE_CHECKING:` (the builder type the layer reader takes)
    assert ("playbook.pack.read", "playbook.pack.build") in found


def test_the_pending_cycles_still_exist() -> None:
    # a pending entry that was fixed must leave the list, so it cannot hide a new cycle of the same modules
    assert PENDING_CYCLES <= set(cycles(graph()))


# --- function length -------------------------------------------------------

STRICT = {"engine", "answers", "pack"}  # the core stages: 60 lines
LIMIT, STRICT_LIMIT = 80, 60

# Functions over the limit that other changes own; this list may only shrink.
LONG_FUNCTION_ALLOWED: set[str] = set()


def long_functions() -> list[str]:
    out = []
    for name, path in modules().items():
        limit = STRICT_LIMIT if unit(name) in STRICT else LIMIT
        for node in ast.walk(parsed(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    out.append(f"{name}.{node.name}")
    return sorted(out)


def test_no_long_functions() -> None:
    over = set(long_functions()) - LONG_FUNCTION_ALLOWED
    assert not over, f"functions over {STRICT_LIMIT} lines ({', '.join(sorted(STRICT))}) or {LIMIT} lines: {sorted(over)}"


def test_the_long_function_allow_list_is_not_stale() -> None:
    stale = LONG_FUNCTION_ALLOWED - set(long_functions())
    assert not stale, f"shorter now, take off LONG_FUNCTION_ALLOWED: {sorted(stale)}"


# --- the result JSON and its schema are one thing ---------------------------

ANSWERS_EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", ANSWERS_EXAMPLES, ids=lambda p: p.stem)
def test_result_keys_are_exactly_the_published_schemas_properties(example: Path, default_pack: Any,
                                                                   tmp_path: Path) -> None:
    import json

    import jsonschema

    from playbook.answers.check import load_answers
    from playbook.engine.evaluation import evaluate
    from playbook.engine.result import to_dict, to_json
    from playbook.pack.schema import result_schema
    from playbook.report.baseline import compare, load_baseline

    published = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
    schema = result_schema()
    assert published == json.loads(json.dumps(schema)), "schemas/ is stale: run `playbook schema --out schemas`"
    assert schema["additionalProperties"] is False
    properties = set(schema["properties"])

    result = evaluate(default_pack, load_answers(example, default_pack))
    plain = to_dict(result)
    # an earlier assessment (this one's JSON): the result then carries a comparison
    earlier = tmp_path / "earlier.json"
    earlier.write_text(to_json(result), encoding="utf-8")
    compared = dataclasses.replace(result, baseline=compare(result, load_baseline(earlier, default_pack),
                                                            default_pack))
    with_baseline = to_dict(compared)
    assert set(with_baseline) == properties
    assert set(plain) == properties - {"baseline"}
    for doc in (plain, with_baseline):
        jsonschema.validate(doc, schema)


def test_the_examples_include_one_with_customers() -> None:
    # so the key test above sees customer_base and customer_stages filled, not null or empty
    assert "customers-partner" in {p.stem for p in ANSWERS_EXAMPLES}
