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
            lines.append(t("%(assessed)s/%(total)s assessed", assessed=a["assessed"], total=a["total"])
                         if a["total"] else t("nothing applies"))
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


