"""Brand files (--brand): firm, logo, accent and confidentiality line, checked."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

from playbook.errors import InvalidInput, Problem

MAX_LOGO_BYTES = 512_000
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Brand:
    firm: str = ""
    logo_data_uri: str = ""
    accent: str = "#1f5fa8"
    confidentiality: str = ""


def load_brand(path: Path) -> Brand:
    """Read brand.yaml (firm, logo, accent, confidentiality), embedding the logo."""
    from playbook.base.yamlio import load_file

    doc = load_file(path)
    data = doc.data
    if not isinstance(data, dict):
        raise InvalidInput([doc.problem((), "a brand file is a mapping: firm, logo, accent, confidentiality", "type")])
    problems: list[Problem] = []
    allowed = {"firm", "logo", "accent", "confidentiality"}
    for k in data:
        if k not in allowed:
            from playbook.base.suggest import did_you_mean
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


