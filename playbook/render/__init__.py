"""Report rendering: one template set, several outputs.

The context handed to templates is built here from the Result, so templates
hold layout only. Heavy imports (WeasyPrint) live in pdf.py and are imported
only when a PDF is asked for.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from playbook import cache
from playbook.customers.view import customer_view
from playbook.errors import InvalidInput, Problem, RenderError, UsageError
from playbook.model import PHASES, Pack
from playbook.result import Result, relative_gap, to_json
from playbook.resources import data_dir
from playbook.values import format_value

FORMATS = ("html", "pdf", "json", "md")
EXTENSIONS = {"html": ".html", "pdf": ".pdf", "json": ".json", "md": ".md"}
TIER_LABEL = {"good": "Good", "better": "Better", "best": "Best", None: "—"}
STATUS_LABEL = {"met": "Met", "not_met": "Not met", "not_assessed": "Not assessed",
                "done": "Done", "not_done": "Not done", "recommended": "Open", "does_not_apply": "Does not apply"}
STATUS_SHAPE = {"met": "✔", "not_met": "✖", "not_assessed": "?", "done": "✔", "not_done": "✖",
                "does_not_apply": "–"}
MAX_LOGO_BYTES = 512_000
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Brand:
    firm: str = ""
    logo_data_uri: str = ""
    accent: str = "#1f5fa8"
    confidentiality: str = ""


@dataclass(frozen=True)
class RenderOptions:
    brand: Brand = field(default_factory=Brand)
    template_dir: str | None = None
    pdf_variant: str | None = None  # e.g. "pdf/a-3u"


def load_brand(path: Path) -> Brand:
    """Read brand.yaml (firm, logo, accent, confidentiality), embedding the logo."""
    from playbook.yamlio import load_file

    doc = load_file(path)
    data = doc.data
    if not isinstance(data, dict):
        raise InvalidInput([doc.problem((), "a brand file is a mapping: firm, logo, accent, confidentiality", "type")])
    problems: list[Problem] = []
    allowed = {"firm", "logo", "accent", "confidentiality"}
    for k in data:
        if k not in allowed:
            from playbook.suggest import did_you_mean
            problems.append(doc.problem((k,), f"unknown key {k!r}{did_you_mean(k, allowed)} "
                                        f"(valid keys: {', '.join(sorted(allowed))})", "unknown-key", key=True))
    accent = str(data.get("accent") or "#1f5fa8").strip()
    if re.match(r"^#[0-9a-fA-F]{3}$", accent):  # the CSS short form
        accent = "#" + "".join(c * 2 for c in accent[1:])
    if not _COLOR.match(accent):
        problems.append(doc.problem(("accent",), f"accent must be a colour like #1f5fa8, not {accent!r}", "value"))
    elif contrast(accent, "#ffffff") < MIN_CONTRAST:
        # the accent colours headings, links, the stage card and the radar on white
        problems.append(doc.problem(("accent",), f"accent {accent} is too light to read on white "
                                    f"(contrast {contrast(accent, '#ffffff'):.1f}:1; WCAG AA needs {MIN_CONTRAST}:1); "
                                    f"use {readable_shade(accent)}, the same hue darkened just enough, or a darker colour",
                                    "contrast"))
    logo_uri = ""
    if data.get("logo") and "://" in str(data["logo"]):
        problems.append(doc.problem(("logo",), "the logo must be a local image file next to brand.yaml; "
                                    "addresses on the web are never fetched", "value"))
    elif data.get("logo"):
        logo = (path.parent / str(data["logo"])).resolve()
        mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}.get(
            logo.suffix.lower())
        if mime is None:
            problems.append(doc.problem(("logo",), "the logo must be a .png, .jpg or .svg file", "value"))
        elif not logo.is_file():
            problems.append(doc.problem(("logo",), f"logo file not found: {logo}", "value"))
        elif logo.stat().st_size > MAX_LOGO_BYTES:
            problems.append(doc.problem(("logo",), f"the logo is larger than {MAX_LOGO_BYTES // 1000} KB", "value"))
        else:
            logo_uri = f"data:{mime};base64," + base64.b64encode(logo.read_bytes()).decode()
    if problems:
        raise InvalidInput(problems)
    return Brand(str(data.get("firm") or ""), logo_uri, accent, str(data.get("confidentiality") or ""))


MIN_CONTRAST = 4.5  # WCAG AA for normal text


def _luminance(hex_color: str) -> float:
    def ch(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_shade(hex_color: str, against: str = "#ffffff") -> str:
    """The colour darkened (towards black, hue kept) until it reaches WCAG AA against `against`."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    for step in range(101):
        f = 1 - step / 100
        c = f"#{round(r * f):02x}{round(g * f):02x}{round(b * f):02x}"
        if contrast(c, against) >= MIN_CONTRAST:
            return c
    return "#000000"


class _SelfExtendingLoader(jinja2.FileSystemLoader):
    """A --template-dir template that extends the bundled one of the same name
    ({% extends "report.html.j2" %} in report.html.j2) means the bundled one,
    not itself: without this it would extend itself until "nested too deeply"."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        pattern = r"""(\{%-?\s*(?:extends|include|import|from)\s+)(["'])""" + re.escape(template) + r"\2"
        return re.sub(pattern, lambda m: f"{m.group(1)}{m.group(2)}bundled/{template}{m.group(2)}", source), \
            filename, uptodate


def _env(template_dir: str | None, *, markdown: bool = False) -> jinja2.Environment:
    # The bundled templates are also reachable as "bundled/<name>", so an override
    # can extend or include the original.
    bundled = jinja2.FileSystemLoader(str(data_dir("templates")))
    loaders: list[jinja2.BaseLoader] = [bundled, jinja2.PrefixLoader({"bundled": bundled})]
    if template_dir:
        if not Path(template_dir).is_dir():
            raise UsageError(f"--template-dir {template_dir}: no such folder")
        loaders.insert(0, _SelfExtendingLoader(template_dir))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=_bytecode_cache(),
        autoescape=not markdown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_md_escape if markdown else None,
    )
    env.filters["value"] = format_value
    env.filters["css_str"] = _css_string
    env.filters["pct"] = lambda x: "—" if x is None else f"{x} %"
    env.filters["ids"] = _breakable_id
    return env


def _breakable_id(v: str) -> Markup:
    """An id that may wrap after its underscores rather than mid-word."""
    return Markup("_<wbr>").join(escape(str(v)).split("_"))


def _css_string(v: str) -> Markup:
    """A CSS string literal: every non-alphanumeric character as a CSS escape."""
    out = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in str(v))
    return Markup(f'"{out}"')


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates, cached per user: compiling the report template costs
    more than the rest of a run."""
    return _TemplateCache() if cache.enabled() else None


class _TemplateCache(jinja2.BytecodeCache):
    """A compiled template is marshalled Python code: whoever can plant one runs
    code. So they live in playbook's own cache folder, under its checks (0700,
    the user's own, never a symlink, temporaries O_EXCL; see playbook/cache.py),
    not in Jinja's folder under the system temp directory."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # a Jinja upgrade may compile differently under the same bytecode format
        return hashlib.sha256(f"{jinja2.__version__}\0{name}\0{filename}".encode()).hexdigest()[:32]

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = cache.read_entry(f"tpl-{bucket.key}.cache")
        if data is not None:
            bucket.bytecode_from_string(data)  # checks Jinja's magic and the template source's checksum

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        cache.write_entry(f"tpl-{bucket.key}.cache", bucket.bytecode_to_string())


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")
_MD_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _md_escape(v: Any) -> Any:
    """Every value printed into Markdown is escaped, so partner text stays text."""
    if isinstance(v, _Raw):
        return v.text
    if isinstance(v, str):
        # every character Markdown renderers (or the editors showing the file) may take for a
        # line break becomes a space: partner text never starts a heading or a list item
        return _MD_BREAKS.sub(" ", _MD_SPECIAL.sub(r"\\\1", v))
    return v


@dataclass(frozen=True)
class _Raw:
    """_ raw."""

    text: str


def bullet(value: float | None, op: str, target: Any, better: str) -> dict[str, Any] | None:
    """Geometry of a bullet bar: the scale, the value bar and the target mark (0..100)."""
    if value is None:
        return None
    bounds = list(target) if isinstance(target, (tuple, list)) else [target]
    hi = max([abs(value), *[abs(float(b)) for b in bounds]]) * 1.25 or 1.0
    lo = min(0.0, value, *[float(b) for b in bounds])
    span = hi - lo

    def pos(x: float) -> float:
        return round(100 * (x - lo) / span, 2)

    return {"value": pos(value), "zero": pos(0.0), "marks": [pos(float(b)) for b in bounds]}


def _wrap_label(text: str, width: int) -> list[str]:
    """Greedy word wrap, so long area names do not run off the chart."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


RADAR_FONT = 14  # label size in chart units: about 6 pt once the chart is scaled into its print column
RADAR_LINE = 15
RADAR_MARGIN = 100  # room beside the chart for the left and right labels


def radar(areas: list[dict[str, Any]], size: int = 300,
          outline: list[int | None] | None = None) -> dict[str, Any]:
    """Points of a radar chart: one axis per area, radius = score; `outline`
    (scores in the same order, e.g. last year's) is drawn as a dashed line."""
    n = len(areas)
    c = size / 2
    r = size / 2 - 62
    axes, pts, rings = [], [], []
    for i, a in enumerate(areas):
        ang = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        x, y = c + r * math.cos(ang), c + r * math.sin(ang)
        lx, ly = c + (r + 14) * math.cos(ang), c + (r + 14) * math.sin(ang) + RADAR_FONT / 3
        anchor = "middle" if abs(math.cos(ang)) < 0.3 else ("start" if math.cos(ang) > 0 else "end")
        lines = _wrap_label(a["name"], 14)
        if "total" in a:  # how much of the area the score rests on
            lines.append(f"{a['assessed']}/{a['total']} assessed" if a["total"] else "nothing applies")
        if math.sin(ang) < -0.3:  # labels above the chart grow upwards
            ly -= RADAR_LINE * (len(lines) - 1)
        axes.append({"x": round(x, 1), "y": round(y, 1), "lx": round(lx, 1), "ly": round(ly, 1),
                     "anchor": anchor, "name": a["name"], "lines": lines, "score": a["score"]})
        s = (a["score"] or 0) / 100
        pts.append(f"{c + r * s * math.cos(ang):.1f},{c + r * s * math.sin(ang):.1f}")
    for frac in (0.25, 0.5, 0.75, 1.0):
        ring = []
        for i in range(n):
            ang = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
            ring.append(f"{c + r * frac * math.cos(ang):.1f},{c + r * frac * math.sin(ang):.1f}")
        rings.append(" ".join(ring))
    old = None
    if outline is not None:
        old = " ".join(f"{c + r * ((s or 0) / 100) * math.cos(-math.pi / 2 + 2 * math.pi * i / max(n, 1)):.1f},"
                       f"{c + r * ((s or 0) / 100) * math.sin(-math.pi / 2 + 2 * math.pi * i / max(n, 1)):.1f}"
                       for i, s in enumerate(outline))
    return {"size": size, "c": c, "axes": axes, "points": " ".join(pts), "rings": rings, "outline": old,
            "margin": RADAR_MARGIN, "font": RADAR_FONT, "line": RADAR_LINE}


def citer(pack: Pack) -> Any:
    """"<file> § <section>" as a reader sees it: the source's title, not its file name."""
    titles = {s.file: s.title for s in pack.sources}

    def cite(source: str) -> str:
        file, sep, section = source.partition(" § ")
        return f"{titles.get(file.strip()) or file}{sep}{section}"
    return cite


def _all_sources(pack: Pack) -> list[str]:
    out = [a.source for a in pack.actions] + [b.source for b in pack.benchmarks]
    out += [band.source for b in pack.benchmarks for band in b.bands]
    out += [q.source for q in pack.questions.values()] + [m.source for m in pack.metrics.values()]
    out += [c.source for c in pack.checklists] + [it.source for c in pack.checklists for it in c.items]
    out += [s.source for s in pack.stages] + [s.source for s in pack.maturity_stages]
    return [s for s in out if s]


def _cite_groups(pack: Pack, sources: list[str]) -> list[tuple[str, list[str]]]:
    """Citations grouped by document, so a title is written once: [(title, [section, ...])]."""
    titles = {s.file: s.title for s in pack.sources}
    groups: dict[str, list[str]] = {}
    for src in sources:
        if not src:
            continue
        file, _, section = (p.strip() for p in src.partition(" § "))
        sections = groups.setdefault(titles.get(file) or file, [])
        if section and section not in sections:
            sections.append(section)
    return list(groups.items())


def context(result: Result, pack: Pack, options: RenderOptions) -> dict[str, Any]:
    cur = result.currency
    metric_rows = []
    not_applicable = {n.id for n in result.not_applicable if n.kind == "metric"}
    # every metric of the pack, so every definition is in the report, given or not
    for mid in sorted(set(result.metrics) | set(pack.metrics)):
        m = pack.metrics.get(mid)
        v = result.metrics.get(mid)
        origin = result.metric_origin.get(mid, "given") if v is not None else \
            "does not apply" if mid in not_applicable else "not given"
        metric_rows.append({"id": mid, "name": m.name if m else mid,
                            "value": format_value(v, m.unit if m else None, cur) if v is not None else "—",
                            "origin": origin, "definition": m.description if m else ""})
    findings: list[dict[str, Any]] = []
    for f in result.findings:
        if f.gap is None or f.status == "met":
            gap = "—"
        elif f.unit == "percent":  # the distance between two percentages is in points
            gap = f"{format_value(f.gap, None)} pts"
        else:
            gap = format_value(f.gap, f.unit, cur)
        findings.append({
            "f": f, "value": format_value(f.value, f.unit, cur), "gap": gap,
            "status_label": STATUS_LABEL[f.status], "shape": STATUS_SHAPE[f.status],
            "bullet": bullet(f.value, f.target_op, f.target_value, f.better),
        })
    phases = []
    for st in pack.stages:
        phases.append({"stage": st, "actions": [a for a in result.plan if a.phase == st.id],
                       "progress": next(p for p in result.phases if p.phase == st.id)})
    area_names = {a.id: a.name for a in pack.areas}
    areas = [{"id": a.id, "name": a.name, "score": a.score, "done": a.done, "open": a.open,
              "not_assessed": a.not_assessed, "assessed": a.assessed, "total": a.total,
              "does_not_apply": a.does_not_apply} for a in result.areas]
    scored = [int(a["score"]) for a in areas if a["score"] is not None]
    practices = [a for a in result.actions if a.state not in ("not_applicable", "does_not_apply")]
    assessed = sum(a.state != "not_assessed" for a in practices)
    order = {st.id: i for i, st in enumerate(pack.stages)}
    done = sorted((a for a in result.actions if a.state == "done"), key=lambda a: order.get(a.phase, 99))
    cited = {src.partition(" § ")[0].strip() for src in _all_sources(pack)}
    return {
        "r": result, "pack": pack, "brand": options.brand, "metric_rows": metric_rows, "cite": citer(pack),
        "findings": findings, "phases": phases, "areas": areas, "area_names": area_names,
        "titles": {a.id: a.title for a in pack.actions}, "planned": {a.id for a in result.plan},
        "radar": radar(areas, outline=[a.previous for a in result.baseline.areas] if result.baseline else None)
        if len(areas) >= 3 else None, "overall": round(sum(scored) / len(scored)) if scored else None,
        "top": list(result.plan[:5]), "tier_label": TIER_LABEL, "status_label": STATUS_LABEL,
        "status_shape": STATUS_SHAPE,
        # the snapshot leads with the misses, furthest from target first: six "met" cards
        # must not hide a missed target further down
        "kpis": sorted((x for x in findings if x["f"].status != "not_assessed"),
                       key=lambda x: (x["f"].status == "met", -(relative_gap(x["f"]) or 0.0)))[:6],
        "done_actions": done,
        "done_groups": [(st.name, [a for a in done if a.phase == st.id]) for st in pack.stages],
        "assessed": assessed, "practices": len(practices),
        "findings_assessed": sum(f.status != "not_assessed" for f in result.findings),
        "sources_cited": [s for s in pack.sources if s.file in cited],
        "cite_groups": _cite_groups(pack, [f.source for f in result.findings]),
        "na_actions": [a for a in result.actions if a.state == "not_assessed"],
        **_blanks_context(result, pack),
        "stage_names": {s.id: s.name for s in pack.stages},
        "cust": customer_view(result, pack),  # the "Your customers" section (templates/customers.*.j2)
        "title": f"{result.partner_name or 'Partner'} — {pack.name}",
    }


def _blanks_context(result: Result, pack: Pack) -> dict[str, Any]:
    """What the report says about blanks and n/a: the provisional stage, the
    deciding questions by phase, the rest of the blanks by phase, and what
    does not apply."""
    names = {s.id: s.name for s in pack.stages}
    deciding_groups = [(names[p], [d for d in result.deciding_questions if d.phase == p])
                       for p in PHASES if any(d.phase == p for d in result.deciding_questions)]
    rest = [n for n in result.not_assessed if not n.deciding]
    other_groups = [(names[p], sorted((n for n in rest if n.phase == p), key=lambda n: n.text.lower()))
                    for p in PHASES if any(n.phase == p for n in rest)]
    loose = sorted((n for n in rest if n.phase is None), key=lambda n: n.text.lower())
    if loose:
        other_groups.append(("KPIs and checklists", loose))
    n = len(result.deciding_questions)
    provisional = result.stage_status == "provisional"
    return {
        "provisional": provisional,
        "stage_label": f"{result.stage_name} – provisional" if provisional else result.stage_name,
        "confirm_line": (f"answer {'this question' if n == 1 else f'these {n} questions'} to confirm"
                         if provisional else ""),
        "range_names": (names[result.stage_range[0]], names[result.stage_range[1]]),
        "deciding_groups": deciding_groups, "other_na_groups": other_groups,
        "na_inputs": list(result.not_applicable),
        "na_practices": [a for a in result.actions if a.state == "does_not_apply"],
        "metric_defs": {m.id: m.description for m in pack.metrics.values()},
        "milestone_based": any(a.milestone for a in pack.actions),
        "stage_rule": pack.stage_rule,
    }


def render_html(result: Result, pack: Pack, options: RenderOptions | None = None, *, for_pdf: bool = False) -> str:
    options = options or RenderOptions()
    env = _env(options.template_dir)
    ctx = context(result, pack, options)
    ctx["for_pdf"] = for_pdf
    # the stylesheet is ours, not partner text: inline it unescaped
    ctx["css"] = Markup(env.get_template("report.css").render(brand=options.brand, for_pdf=for_pdf))
    return env.get_template("report.html.j2").render(**ctx)


def render_markdown(result: Result, pack: Pack, options: RenderOptions | None = None) -> str:
    options = options or RenderOptions()
    env = _env(options.template_dir, markdown=True)
    return env.get_template("report.md.j2").render(**context(result, pack, options))


def render(result: Result, pack: Pack, fmt: str, options: RenderOptions | None = None) -> bytes:
    try:
        return _render(result, pack, fmt, options)
    except jinja2.TemplateSyntaxError as exc:  # most likely a template from --template-dir
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc.message or exc}; check the templates in --template-dir") from None


def _render(result: Result, pack: Pack, fmt: str, options: RenderOptions | None = None) -> bytes:
    if fmt == "json":
        return to_json(result).encode()
    if fmt == "md":
        return render_markdown(result, pack, options).encode()
    if fmt == "html":
        return render_html(result, pack, options).encode()
    if fmt == "pdf":
        from playbook.render.pdf import html_to_pdf  # WeasyPrint is slow to import: only when asked

        opts = options or RenderOptions()
        return html_to_pdf(render_html(result, pack, opts, for_pdf=True), result, pack, opts)
    raise UsageError(f"unknown format {fmt!r} (use one of: {', '.join(FORMATS)})")


def write_atomic(path: Path, data: bytes) -> None:
    """Write next to the target and rename, so a failure never leaves half a file.
    A symlink is followed (the file it names is replaced, the link stays); a
    FIFO, device, socket or folder is never replaced."""
    path = path.resolve()
    if os.path.lexists(path) and not path.is_file():
        raise OSError(errno.EEXIST, "it is not a regular file", str(path))
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
