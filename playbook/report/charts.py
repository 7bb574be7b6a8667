"""The report's charts as geometry for the templates: bullet bars and the radar."""

from __future__ import annotations

import math
from typing import Any

from playbook.i18n import t


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
RADAR_CHAR = 0.62  # a DejaVu Sans character's width, in font sizes, to keep every label inside the drawing


def low_confidence(assessed: int, total: int) -> bool:
    """Fewer than a quarter of an area's practices answered: its score may swing
    from 0 to 100 % on one answer, so its point is drawn hollow and labelled."""
    return 0 < assessed and assessed * 4 < total


def _at(c: float, r: float, i: int, n: int, frac: float) -> tuple[float, float]:
    ang = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
    return round(c + r * frac * math.cos(ang), 1), round(c + r * frac * math.sin(ang), 1)


def _ring(c: float, r: float, n: int, fracs: list[float | None]) -> list[tuple[float, float] | None]:
    return [None if f is None else _at(c, r, i, n, f) for i, f in enumerate(fracs)]


def _path(points: list[tuple[float, float] | None]) -> str:
    """An SVG path through the points in order, closed when none is missing and
    broken at each missing one: an unassessed area is a gap, never a 0."""
    n = len(points)
    gaps = [i for i, p in enumerate(points) if p is None]
    if not gaps:
        return "M" + " L".join(f"{p[0]},{p[1]}" for p in points if p is not None) + " Z"
    first_gap = gaps[0]
    runs: list[list[tuple[float, float]]] = [[]]
    for k in range(1, n + 1):  # start just after a gap, so no run wraps around
        p = points[(first_gap + k) % n]
        if p is None:
            runs.append([])
        else:
            runs[-1].append(p)
    return " ".join("M" + " L".join(f"{x},{y}" for x, y in run) for run in runs if run)


def radar(areas: list[dict[str, Any]], size: int = 300,
          outline: list[int | None] | None = None) -> dict[str, Any]:
    """Geometry of the radar chart: one axis per area, radius = score; `outline`
    (scores in the same order, e.g. last year's) is drawn as a dashed line.

    An area without a score has no point (the line breaks and its label says
    "not assessed"); a point resting on few answers is hollow and labelled; the
    view box grows to hold every label, whatever the language."""
    n = len(areas)
    c = size / 2
    r = size / 2 - 62
    axes = []
    box = [0.0, 0.0, float(size), float(size)]  # left, top, right, bottom
    scores: list[float | None] = [None if a["score"] is None else a["score"] / 100 for a in areas]
    for i, a in enumerate(areas):
        x, y = _at(c, r, i, n, 1.0)
        ang = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        lx, ly = c + (r + 14) * math.cos(ang), c + (r + 14) * math.sin(ang) + RADAR_FONT / 3
        anchor = "middle" if abs(math.cos(ang)) < 0.3 else ("start" if math.cos(ang) > 0 else "end")
        lines = _wrap_label(a["name"], 14)
        low = "total" in a and low_confidence(a["assessed"], a["total"])
        if a["score"] is None:
            lines.append(t("not assessed"))
        elif "total" in a:  # how much of the area the score rests on
            lines.append(t("%(assessed)s/%(total)s assessed", assessed=a["assessed"], total=a["total"])
                         if a["total"] else t("nothing applies"))
            if low:
                lines.append(t("low confidence"))
        if math.sin(ang) < -0.3:  # labels above the chart grow upwards
            ly -= RADAR_LINE * (len(lines) - 1)
        width = max(len(line) for line in lines) * RADAR_FONT * RADAR_CHAR
        left = {"start": lx, "middle": lx - width / 2, "end": lx - width}[anchor]
        box = [min(box[0], left - 4), min(box[1], ly - RADAR_FONT - 2),
               max(box[2], left + width + 4), max(box[3], ly + RADAR_LINE * (len(lines) - 1) + RADAR_FONT / 2 + 2)]
        axes.append({"x": x, "y": y, "lx": round(lx, 1), "ly": round(ly, 1), "anchor": anchor, "name": a["name"],
                     "lines": lines, "score": a["score"], "gap": a["score"] is None, "low": low})
    points = _ring(c, r, n, scores)
    for ax, p in zip(axes, points):
        ax["point"] = p
    rings = [" ".join("{},{}".format(*_at(c, r, i, n, frac)) for i in range(n)) for frac in (0.25, 0.5, 0.75, 1.0)]
    old = None
    if outline is not None:
        old = _path(_ring(c, r, n, [None if s is None else s / 100 for s in outline]))
    left, top = math.floor(box[0]), math.floor(box[1])
    return {"size": size, "c": c, "axes": axes, "path": _path(points), "complete": all(p is not None for p in points),
            "rings": rings, "outline": old, "font": RADAR_FONT, "line": RADAR_LINE,
            "view": (left, top, math.ceil(box[2]) - left, math.ceil(box[3]) - top)}
