"""What the report templates need to draw the customer section: chart
geometry in SVG units and the figures as display strings. Layout stays in
templates/customers.html.j2; labels are escaped there like all partner text."""

from __future__ import annotations

from typing import Any

from playbook.base.model import Pack
from playbook.customers.figures import CustomerBase
from playbook.i18n import tn
from playbook.i18n import value as format_value

W, H = 520, 200  # chart box in SVG units; the charts scale to their column
PAD_L, PAD_B, PAD_T = 44, 28, 10


def _money(x: float | None, cur: str) -> str:
    return "—" if x is None else format_value(x, "money", cur)


def _pareto(b: CustomerBase) -> dict[str, Any] | None:
    s = b.all_stars
    if s is None:
        return None
    pw, ph = W - PAD_L - 10, H - PAD_B - PAD_T

    def xy(px: float, py: float) -> str:
        return f"{PAD_L + pw * px / 100:.1f},{PAD_T + ph * (1 - py / 100):.1f}"
    k_x = s.customer_share
    return {"w": W, "h": H, "points": " ".join(xy(x, y) for x, y in s.curve),
            "y80": round(PAD_T + ph * 0.2, 1), "x_k": round(PAD_L + pw * k_x / 100, 1),
            "x20": round(PAD_L + pw * 0.2, 1), "left": PAD_L, "right": W - 10, "top": PAD_T, "bottom": H - PAD_B,
            "ticks": [{"x": round(PAD_L + pw * t / 100, 1), "y": round(PAD_T + ph * (1 - t / 100), 1), "t": t}
                      for t in (0, 20, 40, 60, 80, 100)]}


def _bars(items: list[tuple[str, float, str]], width: int = W) -> dict[str, Any]:
    """Horizontal bars: (label, value, shown value)."""
    top = max((v for _, v, _ in items), default=0.0) or 1.0
    label_w, row = 120, 24
    bar_w = width - label_w - 190  # room after the longest bar for its figures
    return {"w": width, "h": row * len(items) + 6, "label_w": label_w, "rows": [
        {"y": 4 + i * row, "label": lab, "len": round(bar_w * v / top, 1), "shown": shown,
         "tx": round(label_w + bar_w * v / top + 6, 1)} for i, (lab, v, shown) in enumerate(items)]}


def _timeline(b: CustomerBase, cur: str) -> dict[str, Any] | None:
    if not b.months:
        return None
    top = max(m.revenue for m in b.months) or 1.0
    pw, ph = W - PAD_L - 10, H - PAD_B - PAD_T - 14
    step = pw / 12
    cols = []
    for i, m in enumerate(b.months):
        h = ph * m.revenue / top
        cols.append({"x": round(PAD_L + i * step + 3, 1), "w": round(step - 6, 1),
                     "y": round(PAD_T + 14 + ph - h, 1), "h": round(h, 1), "label": m.label.split()[0],
                     "year": m.label.split()[1], "count": m.customers, "cx": round(PAD_L + i * step + step / 2, 1),
                     "title": tn("%(month)s: %(n)s renewal, %(amount)s", "%(month)s: %(n)s renewals, %(amount)s",
                                 m.customers, month=m.label, amount=_money(m.revenue, cur)),
                     "urgent": i < 3})
    return {"w": W, "h": H, "cols": cols, "base": PAD_T + 14 + ph, "left": PAD_L, "right": W - 10,
            "top_label": _money(top, cur)}


def customer_view(result: Any, pack: Pack) -> dict[str, Any] | None:
    b: CustomerBase | None = getattr(result, "customer_base", None)
    if b is None:
        return None
    cur = result.currency
    services = {ms.id: ms for ms in pack.maturity_stages}
    tiers = _bars([(t.name, t.revenue, f"{t.customers} · {_money(t.revenue, cur)}") for t in b.tiers])
    stages = _bars([(s.name, float(s.customers), f"{s.customers} · {_money(s.revenue, cur)}") for s in b.stages])
    return {
        "b": b, "money": lambda x: _money(x, cur), "pareto": _pareto(b), "tiers_chart": tiers,
        "stages_chart": stages, "timeline": _timeline(b, cur),
        "stage_services": {sid: ms for sid, ms in services.items()},
        "churn": result.metrics.get("churn_rate_annual"), "nps": result.metrics.get("nps"),
        "churn_origin": result.metric_origin.get("churn_rate_annual"),
        "nps_origin": result.metric_origin.get("nps"),
    }
