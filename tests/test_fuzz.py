"""Seeded, bounded fuzzing of answers files and packs (issue 11).

Each case mutates a shipped example answers file or a copy of the default
pack (and an overlay extending it) the way careless or hostile input does:
wrong types, stray punctuation, huge numbers, NaN/inf, explicit tags,
control characters, every kind of line break, byte damage; for packs also
deleted keys, wrong types and odd values under disable/override/extends.
Every case must end as the CLI would end it with an exit code of 0-3 (never
an internal error), name only lines that exist (counted as an editor counts
them), give strict JSON, and finish within a time bound.

The generator is plain `random.Random(seed)`, so a failure names a seed that
replays it: `python benchmarks/fuzz.py --seed N --cases 1`.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
DEFAULT_PACK = ROOT / "assessments" / "default"

BREAKS = ["\n", "\r", "\r\n", "\n\r", "\x85", "\u2028", "\u2029", "\v", "\f", "\x1c"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x9b", "\ufeff", "\ufffe", "\u200b", "\u202e"]
WORDS = ["maybe,", "yes,", "yes.", "no!", "some,", "ad hoc;", "12%%", "%", "$", "€", "£900", "$45,000",
         "€1.200", "1.234", "45.000", "1,234", "12,5", "1.200,50", "1.2.3", "--5", "+-3", "0x1F", "012",
         "1:30", "1e400", "1.0e+400", "-1.0e+400", "2026-02-30", "2026-13-45", "9999-99-99", "0", "-1",
         "101%", "n/a", "?", "", '""', "''", "~", "null", "[]", "{}", "[1, 2]", "{a: 1}", "- x", "*x",
         "&a x", "!x", "|", ">", "@", "`", "? x", ": x", "#", "yes # no", "1.005", "0.5", "12.5%",
         "USD 1.200", "1.200 EUR", "¥5", "₹1,00,000", "R$ 5", "1 200", "180k", "1.2bn", "x" * 300]
PLAUSIBLE = ["yes", "no", "Yes", "N", "true", "12%", "12", "$180,000", "180k", "0.5", "2026-11-01", "some", "all",
             "ad hoc", "Ad-hoc", "quarterly", "1.5", "", "3", "48 days", "2.1x", "USD 5,000", "1,200.50", "0", "100%"]
TAGS = ["!!bool", "!!int", "!!float", "!!timestamp", "!!null", "!!str", "!!binary", "!!set", "!!omap",
        "!!python/object:os.system", "!custom", "!<tag:yaml.org,2002:int>", "!"]
TAG_VALUES = ["maybe", "maybe,", "''", "x", "1", "yes", "2026-01-01", "", "0b_", "_", ".inf", '"yes\\n"',
              "-", "+", "1_000", "0x", "9" * 5000]
PACK_ODD = [5, -1, 0, True, False, None, "x", "", [], {}, [1], [None], {"a": 1}, 1e308, -1e308,
            "9" * 5000, "yes", "maybe,", "€1.200", "1.234", "a" * 5000, "\u2028", "x\ry", {"eq": None},
            {"question": 5, "eq": "yes"}, {"metric": "mrr", "gt": "9" * 400}, {"all": True}, {"not": 5}]


def hostile_value(rng: random.Random) -> str:
    """One YAML value (as text) of the kinds that broke playbook before."""
    kind = rng.randrange(14)
    if kind >= 11:  # values that may well be valid: the later stages (engine, reports) get fuzzed too
        return rng.choice(PLAUSIBLE)
    if kind == 0:
        return rng.choice(TAGS) + " " + rng.choice(TAG_VALUES)
    if kind == 1:
        return "9" * rng.choice([16, 17, 40, 41, 400, 5000, 20000])
    if kind == 2:
        return (rng.choice(["-", "", "$", "€", "USD "]) + "9" * rng.randint(14, 320)
                + rng.choice(["", ".5", "k", "bn", "%", ".000"]))
    if kind == 3:
        return rng.choice([".nan", ".NaN", ".inf", "-.inf", "+.inf", "nan", "inf", "-Infinity", "1e308",
                           "1.0e308", "1.7976931348623157e+308", "9.0e+15", "1.0e-320"])
    if kind == 4:
        return "x" + rng.choice(CONTROL) + "y"
    if kind == 5:
        return rng.choice(["a", "'q", '"q']) + rng.choice(BREAKS) + rng.choice(["b", "q'", 'q"', "- x", "# c"])
    if kind == 6:
        return rng.choice(["1 a", "1,", " ", "a", "9", "1.", ","]) * rng.choice([100, 5000, 20000])
    if kind == 7:
        return '"' + rng.choice(["\\x07", "\\u2028", "\\r", "\\0", "\\uD800", "\\U0001F600", "\\x85", "\\e"]) + '"'
    return rng.choice(WORDS)


# ---- answers files ----------------------------------------------------------

_VALUE_LINE = re.compile(r"^(\s*(?:- )?[A-Za-z_][\w ]*:)(\s*)(.*)$")


def _mutate_text(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    op = rng.randrange(12)
    i = rng.randrange(len(lines))
    if op <= 3:  # a value replaced by a hostile one (the commonest mistake, so the commonest case)
        # lines that hold a value (not `partner:` over a mapping): a mistake in one answer, not in the layout
        cands = [j for j, ln in enumerate(lines) if (m := _VALUE_LINE.match(ln)) and m.group(3)[:1] not in ("", "#")]
        if cands:
            j = rng.choice(cands)
            m = _VALUE_LINE.match(lines[j])
            assert m
            lines[j] = m.group(1) + " " + hostile_value(rng)
    elif op == 4:  # an answer typed after a hint comment
        i = next((j + 1 for j, ln in enumerate(lines) if ln.startswith(("answers:", "metrics:"))), i)
        lines.insert(i, f"  {rng.choice(['onboarding_process', 'partner_of_record', 'mrr', 'nope'])}:    "
                        f"# {rng.choice(['yes or no', 'one of: none, some, all', 'x'])}  {hostile_value(rng)}")
    elif op == 5:  # a line break of another kind, anywhere
        pos = rng.randrange(len(text) + 1)
        return text[:pos] + rng.choice(BREAKS) + text[pos:]
    elif op == 6:  # a control character, anywhere
        pos = rng.randrange(len(text) + 1)
        return text[:pos] + rng.choice(CONTROL) + text[pos:]
    elif op == 7:  # line structure
        what = rng.randrange(4)
        if what == 0:
            del lines[i]
        elif what == 1:
            lines.insert(i, lines[i])
        elif what == 2:
            lines[i] = " " * rng.choice([1, 2, 3, 5]) + lines[i]
        else:
            lines[i] = lines[i].lstrip()
    elif op == 8:  # a comment that holds a break YAML counts and editors do not
        lines.insert(i, f"  # note{rng.choice(BREAKS)}{rng.choice(['more: 1', 'x', '- y', 'b: ['])}")
    elif op == 9:  # the whole file in another line-break convention
        return text.replace("\n", rng.choice(["\r\n", "\r", "\u2028", "\x85"]))
    elif op == 10:  # customers whose revenues overflow a float when summed, or hostile ones
        lines.append("customers:")
        for k in range(rng.randint(1, 4)):
            rev = rng.choice(["9" * 15, "1.0e+308", "999999999999999", hostile_value(rng)])
            stage = rng.choice(["repeatable", "basic", "x", hostile_value(rng)])
            lines.append(f"  - {{name: c{k}, stage: {stage}, revenue: {rev}}}")
    else:  # partner fields
        field_ = rng.choice(["currency", "name", "notes", "region", "years_in_cloud", "assessed_on", "focus"])
        val = rng.choice([hostile_value(rng), "X" * rng.choice([4, 300, 50000]), "EUR", "€", "usd"])
        lines.insert(1 if len(lines) > 1 else 0, f"  {field_}: {val}")
    return "\n".join(lines)


def _damage_bytes(rng: random.Random, raw: bytes) -> bytes:
    b = bytearray(raw)
    op = rng.randrange(4)
    if op == 0 and b:
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif op == 1:
        pos = rng.randrange(len(b) + 1)
        b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 6)))
    elif op == 2:
        del b[rng.randrange(len(b) + 1):]
    else:
        pos = rng.randrange(len(b) + 1)
        b[pos:pos] = rng.choice([b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xff"])
    return bytes(b)


def _careless(rng: random.Random, text: str) -> str:
    """Values swapped for plausible or careless ones only: files that mostly
    pass, so the engine and the reports see odd values too."""
    lines = text.split("\n")
    cands = [j for j, ln in enumerate(lines) if (m := _VALUE_LINE.match(ln)) and m.group(3)[:1] not in ("", "#")]
    for _ in range(rng.randint(1, 6)):
        j = rng.choice(cands)
        m = _VALUE_LINE.match(lines[j])
        assert m
        lines[j] = m.group(1) + " " + _near(rng, m.group(3))
    return "\n".join(lines)


def _near(rng: random.Random, old: str) -> str:
    """A value of the same kind as `old`, written another way, or a slip."""
    if old.lower() in ("yes", "no", "true", "false"):
        return rng.choice(["yes", "no", "Yes", "NO", "y", "n", "true", "off", "'yes'", "yes,", "maybe", ""])
    if re.fullmatch(r"[$€£]?[\d.,]+%?", old):
        return rng.choice(["12%", "12", "0.5", "1.5", "180000", "$180,000", "€1.200", "1.234", "45.000",
                           "1,234", "180k", "9" * 15, "0", "100%", "1e3", "", "1.0e+14", "USD 5", "¥5"])
    return rng.choice([old, old.upper(), old.replace("_", " "), old + ",", "", "x"])


def answers_input(rng: random.Random) -> bytes:
    text = rng.choice(EXAMPLES).read_text(encoding="utf-8")
    if rng.random() < 0.3:
        return _careless(rng, text).encode("utf-8")
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        text = _mutate_text(rng, text)
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.08:
        raw = _damage_bytes(rng, raw)
    return raw


# ---- checks -------------------------------------------------------------------

def editor_lines(raw: bytes) -> int:
    """How many lines an editor shows: LF, CRLF and a lone CR end a line;
    after a final break the cursor sits on one more (empty) line."""
    text = raw.decode("utf-8", "replace")
    return len(re.findall(r"\r\n?|\n", text)) + 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"not strict JSON: {name}")


@dataclass
class Outcome:
    code: int
    seconds: float
    failures: list[str] = field(default_factory=list)


def _run(fn: Callable[[], list[str]]) -> Outcome:
    """Run one case as the CLI would end it: its exit code, and what it got wrong."""
    from playbook.errors import PlaybookError

    t = time.perf_counter()
    try:
        failures = fn()
        code = 0
    except PlaybookError as exc:
        code, failures = exc.exit_code, []
    except RecursionError:  # the CLI reports this one as invalid input too
        code, failures = 1, []
    except Exception:
        code, failures = 70, [traceback.format_exc(limit=-4)]
    return Outcome(code, time.perf_counter() - t, failures)


def check_problems(problems: Any, files: dict[str, bytes]) -> list[str]:
    out = []
    for p in problems:
        raw = files.get(p.file)
        if raw is None:
            continue
        n = editor_lines(raw)
        if not 0 <= p.line <= n:
            out.append(f"{p.format()[:200]}: line {p.line} does not exist (the file has {n})")
        if p.line and p.column < 1:
            out.append(f"{p.format()[:200]}: column {p.column}")
    return out


def run_answers_case(pack: Any, raw: bytes, rng: random.Random, name: str = "fuzz.yaml") -> Outcome:
    from playbook.answers.check import parse_answers
    from playbook.engine.evaluation import evaluate
    from playbook.engine.result import to_json
    from playbook.errors import InvalidInput
    from playbook.report.render import RenderOptions, render

    def case() -> list[str]:
        try:
            data = parse_answers(raw, pack, name)
        except InvalidInput as exc:
            bad = check_problems(exc.problems, {name: raw})
            if bad:
                return bad
            raise
        bad = check_problems(data.warnings, {name: raw})
        result = evaluate(pack, data)
        json.loads(to_json(result), parse_constant=_no_constant)
        json.loads(render(result, pack, "json", RenderOptions()), parse_constant=_no_constant)
        if rng.random() < 0.3:
            md = render(result, pack, "md", RenderOptions()).decode("utf-8")
            if data.partner_name and data.partner_name.strip():
                for brk in ("\r", "\x85", "\u2028", "\u2029", "\v", "\f"):
                    if brk in md:
                        bad.append(f"the Markdown report holds {brk!r}")
        if rng.random() < 0.05:
            render(result, pack, "html", RenderOptions())
        return bad

    return _run(case)


# ---- packs --------------------------------------------------------------------

def _walk(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _walk(v, path + (i,))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        node = node[p]
    return node


def _mutate_data(rng: random.Random, data: Any) -> Any:
    paths = [p for p in _walk(data) if p]
    if not paths:
        return rng.choice(PACK_ODD)
    path = rng.choice(paths)
    parent = _get(data, path[:-1])
    key = path[-1]
    op = rng.randrange(5)
    if op == 0 and isinstance(parent, dict):
        del parent[key]
    elif op == 1 and isinstance(parent, dict) and isinstance(key, str):
        parent[key[:-1] + rng.choice("sxz_") if key else "x"] = parent.pop(key)  # a typo in a key
    elif op == 2 and isinstance(parent, list):
        parent.insert(key, parent[key])  # a duplicate item (and id)
    else:
        parent[key] = rng.choice(PACK_ODD)
    return data


def _overlay_data(rng: random.Random, ids: dict[str, list[str]]) -> dict[str, Any]:
    kind = rng.choice(sorted(ids))
    real = rng.choice(ids[kind]) if ids[kind] else "x"
    disable = rng.choice([True, 5, None, [], "actions", {kind: True}, {kind: [5, None, real]},
                          {kind: [real, real]}, {"nokind": [real]}, {kind: [{"id": real}]}, {kind: [real]}])
    override = rng.choice([True, 5, None, {kind: True}, {kind: [5]}, {kind: [{"title": "x"}]},
                           {kind: [{"id": real, "when": rng.choice(PACK_ODD)}]},
                           {kind: [{"id": real, rng.choice(["phase", "target", "min", "choices", "unit"]):
                                    rng.choice(PACK_ODD)}]},
                           {kind: [{"id": 5}]}, {kind: [{"id": "nope"}]}, {"nokind": [{"id": real}]}])
    out: dict[str, Any] = {}
    if rng.random() < 0.7:
        out["disable"] = disable
    if rng.random() < 0.7:
        out["override"] = override
    return out


@dataclass
class PackFixture:
    root: Path  # holds default/ and overlay/
    originals: dict[Path, str]
    ids: dict[str, list[str]]


def make_pack_fixture(tmp: Path) -> PackFixture:
    shutil.copytree(DEFAULT_PACK, tmp / "default", ignore=shutil.ignore_patterns("tests"))
    (tmp / "overlay").mkdir()
    (tmp / "overlay" / "pack.yaml").write_text(
        "id: overlay\nname: Overlay\nversion: 0.1.0\nengine: \">=0.1,<1\"\nextends: ../default\n", encoding="utf-8")
    (tmp / "overlay" / "overrides.yaml").write_text("disable:\n  actions: []\n", encoding="utf-8")
    ids: dict[str, list[str]] = {}
    for f in (tmp / "default").glob("*.yaml"):
        for kind, items in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).items():
            if isinstance(items, list):
                ids.setdefault(kind, []).extend(str(x["id"]) for x in items if isinstance(x, dict) and "id" in x)
    originals = {f: f.read_text(encoding="utf-8") for d in ("default", "overlay") for f in (tmp / d).glob("*.yaml")}
    return PackFixture(tmp, originals, {k: sorted(v) for k, v in ids.items() if k != "areas"})


def run_pack_case(fx: PackFixture, rng: random.Random) -> Outcome:
    from playbook.errors import InvalidInput
    from playbook.pack.load import load_pack

    # the overlay (disable/override/extends) is a small part of the files but where packs broke: half the cases
    files = sorted(fx.originals)
    target = rng.choice([f for f in files if (f.parent.name == "overlay") == (rng.random() < 0.5)] or files)
    text = fx.originals[target]
    overlay = target.parent.name == "overlay"
    if overlay and target.name == "pack.yaml":
        data = yaml.safe_load(text)
        data["extends"] = rng.choice(["a" * 5000, 5, True, None, ".", "../default/pack.yaml", "/", "../nope",
                                      "default", "../overlay", "\x00", "../default\u2028", "../default"])
        new = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    elif overlay:
        new = yaml.safe_dump(_overlay_data(rng, fx.ids), allow_unicode=True, sort_keys=False)
    else:
        data = yaml.safe_load(text)
        for _ in range(rng.choice([1, 1, 2, 3])):
            data = _mutate_data(rng, data)
        new = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88)
    if rng.random() < 0.15:
        new = _mutate_text(rng, new)
    raw = new.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:
        raw = _damage_bytes(rng, raw)
    target.write_bytes(raw)
    top = fx.root / ("overlay" if overlay or rng.random() < 0.3 else "default")
    files = {str(f.relative_to(fx.root)): f.read_bytes() for f in fx.originals}

    def case() -> list[str]:
        try:
            load_pack(top)
        except InvalidInput as exc:
            bad = check_problems(exc.problems, files)
            if bad:
                return bad
            raise
        return []

    try:
        return _run(case)
    finally:
        target.write_text(text, encoding="utf-8")


# ---- the test -------------------------------------------------------------------

ANSWERS_CASES = 2000
PACK_CASES = 100
ANSWERS_SECONDS = 5.0  # per case; today a case takes some 10 ms, a hang or a quadratic blow-up far more
PACK_SECONDS = 15.0


def _verdict(label: str, seed: int, out: Outcome, bound: float) -> list[str]:
    bad = [f"{label} seed {seed}: {f}" for f in out.failures]
    if out.code not in (0, 1, 2, 3):
        bad.append(f"{label} seed {seed}: exit {out.code}")
    if out.seconds > bound:
        bad.append(f"{label} seed {seed}: took {out.seconds:.1f} s (bound {bound} s)")
    return bad


def test_fuzz_answers_files(default_pack: Any) -> None:
    bad: list[str] = []
    codes: dict[int, int] = {}
    for seed in range(ANSWERS_CASES):
        rng = random.Random(seed)
        out = run_answers_case(default_pack, answers_input(rng), rng)
        codes[out.code] = codes.get(out.code, 0) + 1
        bad += _verdict("answers", seed, out, ANSWERS_SECONDS)
    assert not bad, "\n".join(bad[:20])
    # the generator reaches both sides: a fuzzer whose inputs all fail (or all pass) tests nothing
    assert codes.get(0, 0) > ANSWERS_CASES // 10 and codes.get(1, 0) > ANSWERS_CASES // 3, codes


def test_fuzz_packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_NO_CACHE", "1")
    monkeypatch.chdir(tmp_path)  # problem file names are relative to it, so they can be opened
    fx = make_pack_fixture(tmp_path)
    bad: list[str] = []
    codes: dict[int, int] = {}
    for seed in range(PACK_CASES):
        out = run_pack_case(fx, random.Random(10_000 + seed))
        codes[out.code] = codes.get(out.code, 0) + 1
        bad += _verdict("pack", 10_000 + seed, out, PACK_SECONDS)
    assert not bad, "\n".join(bad[:20])
    assert codes.get(0, 0) > 0 and codes.get(1, 0) > PACK_CASES // 4, codes


def test_fuzz_through_the_cli(tmp_path: Path) -> None:
    """A few cases end to end: the exit code the user sees, JSON on stdout."""
    from click.testing import CliRunner

    from playbook.cli.main import cli

    runner = CliRunner()
    seen = set()
    for seed in range(40):
        rng = random.Random(50_000 + seed)
        f = tmp_path / f"a{seed}.yaml"
        f.write_bytes(answers_input(rng))
        res = runner.invoke(cli, ["assess", str(f), "--format", "json", "-o", "-"])
        assert res.exit_code in (0, 1, 2, 3), (seed, res.output[-2000:])
        assert "Traceback" not in res.output and "internal error" not in res.output, (seed, res.output[-2000:])
        if res.exit_code == 0:
            json.loads(res.stdout, parse_constant=_no_constant)
        val = runner.invoke(cli, ["validate", str(f)])
        assert val.exit_code in (0, 1), (seed, val.output[-2000:])
        assert (val.exit_code == 0) == (res.exit_code == 0), (seed, val.output[-500:], res.output[-500:])
        seen.add(res.exit_code)
    assert seen >= {0, 1}


# ---- the surfaces of issue 22 (generators and checks: tests/fuzz_locales.py, tests/fuzz_surfaces.py) --

LOCALE_CASES = 1500
CSV_CASES = 300
TRANSLATION_CASES = 12
WEB_CASES = 250
CASE_SECONDS = 10.0  # a hang is a case over this


def test_fuzz_locales_against_the_oracle(default_pack: Any) -> None:
    """Numbers, money, percentages and dates written as people of en, en-US,
    en-GB, de, de-CH, de-AT, fr, fr-CH, nl, it and es write them (Babel, and
    careless variants) read exactly as meant or are refused on their own line;
    without a language, what reads two ways is refused."""
    from collections import Counter

    import fuzz_surfaces as fs

    stats: Counter[str] = Counter()
    bad: list[str] = []
    codes: Counter[int] = Counter()
    for seed in range(LOCALE_CASES):
        out = fs.run_locale_case(default_pack, random.Random(200_000 + seed), stats)
        codes[out.code] += 1
        bad += _verdict("locale", 200_000 + seed, out, CASE_SECONDS)
    assert not bad, "\n".join(bad[:10])
    # both sides reached, for every kind of value, and the two-way values were refused as they must be
    assert all(stats[f"read {k}"] > 20 for k in ("money", "percent", "count", "number", "date")), stats
    assert stats["refused as it must"] > 20 and codes[0] > LOCALE_CASES // 4, (stats, codes)


def test_the_locale_oracle_sees_a_misreading(default_pack: Any) -> None:
    """The oracle can fail: a value read as anything but what was meant is named."""
    from decimal import Decimal

    import fuzz_surfaces as fs

    meant = fs.Meant(("metrics", "cac"), "money", Decimal("1.2345"), "1.234,50 €")  # a German 1234.50, not 1.2345
    out = fs.check_locale_case(default_pack, fs.LocaleCase("de", "de", "EUR", [meant]))
    assert any("SILENT MISREADING" in f for f in out.failures), out
    two_way = fs.Meant(("metrics", "cac"), "money", Decimal("1.234"), "1,234", must_refuse=True)
    out = fs.check_locale_case(default_pack, fs.LocaleCase(None, "de", "EUR", [two_way]))
    assert any("must be refused" in f for f in out.failures), out  # documented: a comma before 3 digits is thousands


def test_the_formula_check_sees_a_leak() -> None:
    import fuzz_surfaces as fs

    assert fs.formula_leaks('{"services": ["Backup", "=FZ1(1)"]}', "json")
    assert fs.formula_leaks("<td> @FZ2(1)</td>", "html")
    assert fs.formula_leaks("| a | -FZ3(1) |\n", "md")
    assert not fs.formula_leaks('{"services": ["Backup", "\'=FZ1(1)"], "n": "M365 | =FZ4(1)"}', "json")


def test_fuzz_customer_csvs(tmp_path: Path) -> None:
    """Random headers (CRM profiles, near misses, duplicates, wide), BOM, CRLF,
    other encodings, formulas and hostile cells through `customers:`: exit 0-2,
    errors at file:row:column, no formula un-neutralised in any output."""
    from collections import Counter

    import fuzz_surfaces as fs

    from playbook.api import Assessor

    assessor = Assessor("default")
    bad: list[str] = []
    codes: Counter[int] = Counter()
    for seed in range(CSV_CASES):
        out = fs.run_csv_case(assessor, tmp_path, random.Random(300_000 + seed))
        codes[out.code] += 1
        bad += _verdict("csv", 300_000 + seed, out, CASE_SECONDS)
        if out.code == 3:
            bad.append(f"csv seed {300_000 + seed}: exit 3")
    assert not bad, "\n".join(bad[:10])
    assert codes[0] > CSV_CASES // 10 and codes[1] > CSV_CASES // 4, codes


def test_fuzz_pack_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged translations/de.yaml, in the pack or in an overlay: validation
    and a German assessment end with located problems, exit 0-3."""
    from collections import Counter

    import fuzz_surfaces as fs

    monkeypatch.setenv("PLAYBOOK_NO_CACHE", "1")
    monkeypatch.chdir(tmp_path)
    tf = fs.make_translation_fixture(tmp_path)
    bad: list[str] = []
    codes: Counter[int] = Counter()
    for seed in range(TRANSLATION_CASES):
        out = fs.run_translation_case(tf, random.Random(400_000 + seed), cli=seed < 2)  # two through the CLI
        codes[out.code] += 1
        bad += _verdict("translation", 400_000 + seed, out, PACK_SECONDS)
    assert not bad, "\n".join(bad[:10])
    assert codes[0] > 0 and codes[1] > 0, codes


def test_fuzz_the_web_app() -> None:
    """Hostile and careless submissions to /report, /report.json and
    /answers.yaml (PDFs: tests/test_web.py and benchmarks/fuzz.py): never a 5xx,
    never a traceback in the body."""
    import warnings
    from collections import Counter

    pytest.importorskip("httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    import fuzz_surfaces as fs

    from playbook import web
    from playbook.pack.load import load_pack

    bad: list[str] = []
    statuses: Counter[int] = Counter()
    pack = load_pack(None)
    for lang, seeds in ((None, range(0, WEB_CASES, 2)), ("de", range(1, WEB_CASES, 2))):  # a German app too
        with TestClient(web.create_app(pack, lang=lang), raise_server_exceptions=False) as client:
            for seed in seeds:
                status, seconds, wrong = fs.run_web_case(client, random.Random(500_000 + seed))
                statuses[status] += 1
                bad += [f"web ({lang or 'en'}) seed {500_000 + seed}: {w}" for w in wrong]
                if seconds > CASE_SECONDS:
                    bad.append(f"web seed {500_000 + seed}: took {seconds:.1f} s")
    assert not bad, "\n".join(bad[:10])
    assert statuses[200] > 0 and statuses[422] > 0 and statuses[413] > 0, statuses
