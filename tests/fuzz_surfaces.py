"""Generators and checks for the surfaces fuzzed beyond English answers files
and packs (issue 22): customer CSV exports, pack translations, the web app
(answers in other locales, with their oracle, are in fuzz_locales.py). Used by tests/test_fuzz.py (small budgets) and
benchmarks/fuzz.py (the big one). Every generator is `random.Random(seed)`, so
a failure names a seed that replays it.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import random
import re
import shutil
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import test_fuzz as fz
import yaml

# the locale surface (fuzz_locales.py), named here too for the tests and the benchmark
from fuzz_locales import LOCALES, LocaleCase, Meant, check_locale_case, locale_case, run_locale_case  # noqa: F401

# ---- 2. customer CSVs -------------------------------------------------------------

CANONICAL = ["name", "stage", "revenue", "mrr", "first_purchase", "renewal_date", "services", "seats",
             "industry", "size", "nps", "ended", "Name", "Stage", "ARR", "Renewal date", "Services",
             "Customer", "Revenue (EUR)", "Umsatz", "Kunde", "Vertragsende"]
FORMULA_LEADS = ["=", "+", "-", "@", "\t", "\r", " =", "\t="]


def _crm_headers() -> list[str]:
    out: list[str] = []
    for f in sorted((fz.ROOT / "tests" / "data" / "customers").glob("*.csv")):
        first = f.read_text(encoding="utf-8-sig").splitlines()[0]
        out += next(csv.reader([first]))
    return sorted(set(out))


_HEADERS: list[str] = []


def _crm_first(name: str) -> list[str]:
    first = (fz.ROOT / "tests" / "data" / "customers" / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    return next(csv.reader([first]))


def _header(rng: random.Random) -> str:
    if not _HEADERS:
        _HEADERS.extend(_crm_headers())
    kind = rng.randrange(6)
    if kind <= 1:
        return rng.choice(CANONICAL)
    if kind == 2:
        return rng.choice(_HEADERS)
    if kind == 3:  # a near miss
        h = list(rng.choice(CANONICAL + _HEADERS))
        if len(h) > 2:
            i = rng.randrange(len(h) - 1)
            h[i], h[i + 1] = h[i + 1], h[i]
        return "".join(h)
    if kind == 4:
        return rng.choice(["", " ", "x", "??", "=cmd", "\ufeffname", "name\x00", "a" * 3000, "Spalte 7"])
    return f"col{rng.randrange(10**6)}"


def formula(rng: random.Random, k: int) -> str:
    return rng.choice(FORMULA_LEADS) + f"FZ{k}(1)"


def _cell(rng: random.Random, header: str, k: int, hostile: float) -> str:
    lower = header.lower()
    if rng.random() >= hostile:  # a plausible cell; text columns may still hold a formula
        if any(w in lower for w in ("name", "kunde", "customer", "services", "industry", "topic")) \
                and rng.random() < 0.3:
            return formula(rng, k) if rng.random() < 0.5 else rng.choice(["Backup", "M365"]) + \
                rng.choice([";", "|", "; ", " | "]) + formula(rng, k)
        kind = 99
    else:
        kind = rng.randrange(7)
    if kind == 0:
        return formula(rng, k)
    if kind == 1:
        return rng.choice(["Backup", "M365", ""]) + rng.choice([";", "|", "; ", " | "]) + formula(rng, k)
    if kind == 2:
        return rng.choice(["9" * rng.choice([16, 20, 400]), "1e400", "-1", "NaN", "inf", "1.0e+16", "0.500",
                           "0,021", "45.000", "1.234", "1,234", "1.200,50", "1'234.50"])
    if kind == 3:
        return rng.choice(["£500", "€1200", "EUR 900", "USD 1,200", "1.200 €", "CHF 5'000", "¥5", "$45,000"])
    if kind == 4:
        return rng.choice(["13/11/2026", "11/13/2026", "01/02/2026", "2026-02-30", "31.01.2027", "2027-01-31",
                           "1/2/27", "2027-01-31 09:30", "Jan 5, 2027", "5. Januar 2027", "9998-12-31"])
    if kind == 5:
        return rng.choice(fz.WORDS)
    if kind == 6:
        return "x" + rng.choice(fz.CONTROL + ["\t", "\r", "\n", "\r\n", '"']) + "y"
    if "stage" in lower:
        return rng.choice(["managed", "repeatable", "ad_hoc", "opportunistic", "Managed", "optimized"])
    if any(w in lower for w in ("revenue", "arr", "amount", "umsatz", "mrr")):
        return rng.choice(["1000", "$180,000", "12500", "0", "250000", "99.5"])
    if any(w in lower for w in ("seats", "employees", "nps", "probability", "id")):
        return rng.choice(["1", "10", "250", "0"])
    if any(w in lower for w in ("date", "ende", "ended", "purchase", "modified")):
        return rng.choice(["2027-01-31", "2026-12-01", "2026-11-20", ""])
    return rng.choice(["Contoso", "Fabrikam", "Ärger & Söhne", "Acme Ltd", "x"])


def csv_case(rng: random.Random) -> tuple[bytes, str, dict[str, str] | None]:
    """A customer export (bytes), the answers file naming it, and the columns map if any."""
    hostile = rng.choice([0.0, 0.0, 0.02, 0.1, 0.5])
    width = rng.choice([1, 2, 3, 4, 5, 6, 8, 12]) if rng.random() < 0.97 else rng.choice([300, 3000, 30_000])
    if hostile < 0.05 and rng.random() < 0.7:  # a header that reads: ours, or a CRM's as exported
        headers = rng.choice([["name", "stage", "revenue", "renewal_date", "services", "industry"],
                              ["Name", "Stage", "ARR", "Renewal date", "Services", "Industry"],
                              _crm_first("hubspot"), _crm_first("salesforce"), _crm_first("dynamics")])
        headers = headers + [_header(rng) for _ in range(rng.choice([0, 0, 1, 2]))]
    else:
        headers = ["name", "stage", "revenue"][: rng.randint(0, 3)] + [_header(rng) for _ in range(width)]
        rng.shuffle(headers)
    if rng.random() < 0.15:
        headers.append(rng.choice(headers))  # a duplicate header
    delim = "," if rng.random() < 0.85 else rng.choice([";", "\t", "|"])
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator=rng.choice(["\r\n", "\n", "\r"]))
    w.writerow(headers)
    for r in range(rng.choice([0, 1, 2, 5, 10, 30])):
        w.writerow([_cell(rng, h, r * 1000 + c, hostile) for c, h in enumerate(headers[:60])])
    text = buf.getvalue()
    enc = rng.choice(["utf-8"] * 8 + ["utf-8-sig"] * 3 + ["cp1252", "utf-16", "latin-1"])
    raw = text.encode(enc, "replace")
    if rng.random() < 0.05:
        raw = fz._damage_bytes(rng, raw)
    columns = None
    if rng.random() < 0.3:
        ours = ["name", "stage", "revenue", "renewal_date", "services", "industry"] * 3 + ["nope"]
        columns = {rng.choice(ours): rng.choice(headers + ["missing header"]) for _ in range(rng.randint(1, 3))}
    language = rng.choice([None, None, *LOCALES])
    assessed = rng.choice(["2026-11-01"] * 8 + ["9998-12-31", "1900-01-01", "2026-02-28"])
    currency = rng.choice(["USD"] * 6 + ["EUR", "GBP", "CHF"])
    lines = ["partner:", "  name: CSV Partner", f"  assessed_on: {assessed}", f"  currency: {currency}"]
    if language:
        lines.append(f"  language: {language}")
    lines += ["answers:", "  onboarding_process: yes"]
    if columns is None:
        lines.append("customers: customers.csv")
    else:
        lines.append("customers: " + json.dumps({"file": "customers.csv", "columns": columns}, ensure_ascii=False))
    return raw, "\n".join(lines) + "\n", columns


def formula_leaks(text: str, fmt: str) -> list[str]:
    """Places in a rendered report where a fuzzed formula (FZn(1)) would start a
    spreadsheet cell without its neutralising apostrophe."""
    if "FZ" not in text:
        return []
    cells: list[str] = []
    if fmt == "json":
        def walk(node: Any) -> None:
            if isinstance(node, str):
                cells.append(node)
            elif isinstance(node, dict):
                for k, v in node.items():
                    walk(k)
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(json.loads(text))
    elif fmt == "html":
        class P(html.parser.HTMLParser):
            def handle_data(self, data: str) -> None:
                cells.append(data)

            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                cells.extend(v for k, v in attrs if v and k in ("title", "aria-label", "alt", "value"))
        p = P()
        p.feed(text)
    elif fmt == "md":  # the cells of its tables
        for line in text.splitlines():
            if line.startswith("|"):
                cells += re.split(r"(?<!\\)\|", line)[1:-1]
    else:
        cells += [c for row in csv.reader(io.StringIO(text)) for c in row]
    # a cell a spreadsheet runs: it starts with a formula character (spaces before = count too)
    return [f"{fmt}: {cell[:120]!r}" for cell in cells
            if "FZ" in cell and re.match(r"[ \t\r]*[=+\-@\t\r]", cell.lstrip(" \n") if fmt != "csv" else cell)
            and re.match(r"[\s=+\-@]*FZ\d+\(1\)", cell)]


# no row to name (the encoding), or a row but no column (the CSV module stops at a row, not a cell)
WHOLE_FILE = {"encoding"}
ROW_ONLY = {"csv"}


def run_csv_case(assessor: Any, tmp: Path, rng: random.Random) -> fz.Outcome:
    raw, answers_text, _ = csv_case(rng)
    folder = tmp / "csvcase"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "customers.csv").write_bytes(raw)
    answers = folder / "partner.yaml"
    answers.write_text(answers_text, encoding="utf-8")
    n = fz.editor_lines(raw) + 1

    def check() -> list[str]:
        from playbook.errors import InvalidInput

        out = assessor.outcome(answers)
        bad = []
        for p in (*out.problems, *out.warnings):
            whole_file = p.line == 0 and p.code in WHOLE_FILE
            if p.file.endswith("customers.csv") and p.severity == "error" and not whole_file \
                    and not (1 <= p.line <= n and (p.column >= 1 or p.code in ROW_ONLY)):
                bad.append(f"CSV error not at row:column: {p.format()[:300]}")
        if out.assessment is None:
            if bad:
                return bad
            raise InvalidInput(list(out.problems))
        for fmt in ("html", "md", "json", "csv"):
            text = assessor.render(out.assessment, fmt).decode("utf-8")
            bad += formula_leaks(text, fmt)
        return bad

    return fz._run(check)


# ---- 3. pack translations (and overlays) ---------------------------------------------

TRANSLATION_ODD = [5, 0, True, None, "", [], {}, [1], {"of": 5}, "9" * 5000, "x" * 200_000, "a\x00b",
                   "a\x1bb", "\u202egnp", "a\u2028b", "{name}", "%s", "{{ 7*7 }}", "<script>alert(1)</script>",
                   {"of": "deadbeef", "title": "Alt"}, "'=HYPERLINK(1)", "=HYPERLINK(1)"]


def _mutate_translation(rng: random.Random, data: Any, ids: dict[str, list[str]]) -> Any:
    op = rng.randrange(8)
    if op == 0:
        return rng.choice([5, "5", None, [], "de", 1.5, True, "x" * 100_000])  # the whole file one bare value
    if not isinstance(data, dict):
        return data
    if op == 1:  # a stale digest
        for node in rng.sample(fz._walk(data), min(5, len(fz._walk(data)))):
            target = fz._get(data, node) if node else data
            if isinstance(target, dict) and "of" in target:
                target["of"] = rng.choice(["00000000", "", 5, None, "x" * 500])
        return data
    if op == 2:  # an id the pack does not have, or one of another kind
        kind = rng.choice(sorted(ids))
        section = data.setdefault(kind, {})
        if isinstance(section, dict):
            section[rng.choice(["nope", "x" * 300, rng.choice(sum(ids.values(), []))])] = {"of": "1", "title": "T"}
        return data
    if op == 3:  # a missing id or section
        key = rng.choice(sorted(data))
        if isinstance(data[key], dict) and data[key] and rng.random() < 0.7:
            del data[key][rng.choice(sorted(data[key]))]
        else:
            del data[key]
        return data
    if op == 4:
        data["language"] = rng.choice(["en", "fr", 5, None, "de-CH", "xx-YY-zz"])
        return data
    paths = [p for p in fz._walk(data) if p]
    path = rng.choice(paths)
    fz._get(data, path[:-1])[path[-1]] = rng.choice(TRANSLATION_ODD)
    return data


@dataclass
class TranslationFixture:
    pack: fz.PackFixture
    original: str
    ids: dict[str, list[str]] = field(default_factory=dict)
    german: bytes = b""


def make_translation_fixture(tmp: Path) -> TranslationFixture:
    fx = fz.make_pack_fixture(tmp)
    de = tmp / "default" / "translations" / "de.yaml"
    return TranslationFixture(fx, de.read_text(encoding="utf-8"), fx.ids,
                              (fz.ROOT / "examples" / "german-partner.yaml").read_bytes())


def _cli_codes(top: Path, german: Path) -> list[str]:
    """validate and assess as the user runs them: the exit codes and no traceback."""
    from click.testing import CliRunner

    from playbook.cli.main import cli

    bad = []
    for args in (["validate", str(top)], ["assess", str(german), "--pack", str(top), "--format", "json", "-o", "-"]):
        res = CliRunner().invoke(cli, args)
        if res.exit_code not in (0, 1, 2, 3) or "Traceback" in res.output:
            bad.append(f"{' '.join(args[:1])}: exit {res.exit_code}: {res.output[-1500:]}")
    return bad


def run_translation_case(tf: TranslationFixture, rng: random.Random, cli: bool = False) -> fz.Outcome:
    """A damaged translations/de.yaml (in the pack, or in an overlay over it):
    validate and a German assessment end with a located problem, never a crash."""
    root = tf.pack.root
    in_overlay = rng.random() < 0.3
    target = root / ("overlay" if in_overlay else "default") / "translations" / "de.yaml"
    target.parent.mkdir(exist_ok=True)
    data = yaml.safe_load(tf.original)
    if in_overlay and isinstance(data, dict):  # an overlay translates a few items only
        data = {k: v for k, v in data.items() if k in ("language", "pack") or rng.random() < 0.2}
    for _ in range(rng.choice([1, 1, 2, 3])):
        data = _mutate_translation(rng, data, tf.ids)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    if rng.random() < 0.15:
        text = fz._mutate_text(rng, text)
    raw = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:
        raw = fz._damage_bytes(rng, raw)
    target.write_bytes(raw)
    top = root / ("overlay" if in_overlay or rng.random() < 0.3 else "default")
    files = {str(target.relative_to(root)): raw}

    def check() -> list[str]:
        from playbook.api import Assessor
        from playbook.errors import InvalidInput
        from playbook.pack import translations
        from playbook.pack.load import load_pack

        try:
            pack = load_pack(top)
            problems = translations.problems_for(pack)
            bad = fz.check_problems(problems, files)
            if cli:
                german = root / "german.yaml"
                german.write_bytes(tf.german)
                bad += _cli_codes(top, german)
            out = Assessor(pack).outcome(tf.german, name="german.yaml")
            if out.assessment is not None:
                Assessor(pack).render(out.assessment, rng.choice(["html", "md", "json"]))
            elif not out.problems:
                bad.append("refused with no problem")
            if bad:
                return bad
            if any(p.severity == "error" for p in problems):
                raise InvalidInput(problems)
            if out.assessment is None:
                raise InvalidInput(list(out.problems))
        except InvalidInput as exc:
            bad = fz.check_problems(exc.problems, files)
            if bad:
                return bad
            raise
        return bad

    try:
        return fz._run(check)
    finally:
        if in_overlay:
            target.unlink(missing_ok=True)
        else:
            target.write_text(tf.original, encoding="utf-8")


# ---- 4. the web app ------------------------------------------------------------------

ENDPOINTS = ("/report", "/report.json", "/answers.yaml")


def web_body(rng: random.Random) -> tuple[bytes, dict[str, str]]:
    form = {"content-type": "application/x-www-form-urlencoded"}
    kind = rng.randrange(12)
    if kind <= 3:
        return urllib.parse.urlencode({"answers": fz.answers_input(rng)}).encode(), form
    if kind <= 5:
        case = locale_case(rng)
        return urllib.parse.urlencode({"answers": case.text(rng)}).encode(), form
    if kind == 6:  # bytes that are not UTF-8, percent-encoded or raw
        raw = fz._damage_bytes(rng, fz.answers_input(rng))
        return (b"answers=" + urllib.parse.quote_from_bytes(raw).encode()) if rng.random() < 0.5 \
            else b"answers=" + raw, form
    if kind == 7:  # huge
        size = rng.choice([200_000, 256_001, 600_000])
        return b"answers=" + b"x" * size, form
    if kind == 8:  # no answers, or many fields, or broken encoding
        return rng.choice([b"", b"answers=", b"answers=%20%0A", b"other=1", b"&&&=&", b"answers=%ZZ%",
                           b"&".join(b"f%d=1" % i for i in range(1000)), b"answers=a&answers=b",
                           b"answers=" + b"%" * 1000]), form
    if kind == 9:
        ctype = rng.choice(["application/json", "multipart/form-data; boundary=x", "text/plain", "",
                            "application/x-www-form-urlencoded; charset=latin-1"])
        return urllib.parse.urlencode({"answers": "partner:\n  name: x\n"}).encode(), {"content-type": ctype}
    if kind == 10:  # a careless German file from the shipped example
        text = fz._careless(rng, (fz.ROOT / "examples" / "german-partner.yaml").read_text(encoding="utf-8"))
        return urllib.parse.urlencode({"answers": text}).encode(), form
    text = fz._mutate_text(rng, (fz.ROOT / "examples" / "german-partner.yaml").read_text(encoding="utf-8"))
    return urllib.parse.urlencode({"answers": text}).encode("utf-8", "surrogatepass"), form


def run_web_case(client: Any, rng: random.Random, pdf_share: float = 0.0) -> tuple[int, float, list[str]]:
    """One submission: its HTTP status, seconds, and what it got wrong."""
    path = "/report.pdf" if rng.random() < pdf_share else rng.choice(ENDPOINTS)
    body, headers = web_body(rng)
    t = time.perf_counter()
    try:
        r = client.post(path, content=body, headers=headers)
    except Exception as exc:  # the app raised through the client: a 500 to a real user
        return 500, time.perf_counter() - t, [f"{path}: raised {type(exc).__name__}: {exc}"[:300]]
    took = time.perf_counter() - t
    bad = []
    if r.status_code >= 500 and not (r.status_code == 503 and path == "/report.pdf"):
        bad.append(f"{path}: HTTP {r.status_code}: {r.text[:300]}")
    if "Traceback" in r.text[:200_000]:
        bad.append(f"{path}: a traceback in the body")
    return r.status_code, took, bad
