"""The one Jinja environment factory: every template of the package (the
report, the short report, the form, the pack catalog, the portfolio) is
rendered in an environment made here, so escaping, undefined values, the
i18n extension and the filters are the same everywhere."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from playbook import i18n
from playbook.base.resources import data_dir
from playbook.errors import UsageError
from playbook.i18n import N_
from playbook.i18n import value as format_value
from playbook.pack import cache
from playbook.report.baseline import signed_change

# impact and effort levels are ids, never words a German card may show (the `level` filter)
LEVEL_LABEL = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}


def environment(template_dir: str | None = None, *, markdown: bool = False) -> jinja2.Environment:
    """The Jinja environment every template is rendered in (report, short
    report, form, catalog, portfolio): autoescaped HTML (or escaped Markdown),
    StrictUndefined so a missing value is an error rather than a blank, and
    the i18n extension. One per template folder and flavour, made once: a
    fresh one would compile every template again."""
    if template_dir and not Path(template_dir).is_dir():
        raise UsageError(f"--template-dir {template_dir}: no such folder")
    return _environment(template_dir or None, markdown, cache.enabled())


@functools.lru_cache(maxsize=16)
def _environment(template_dir: str | None, markdown: bool, cached: bool) -> jinja2.Environment:
    # The bundled templates are also reachable as "bundled/<name>", so an override
    # can extend or include the original.
    bundled = jinja2.FileSystemLoader(str(data_dir("templates")))
    loaders: list[jinja2.BaseLoader] = [bundled, jinja2.PrefixLoader({"bundled": bundled})]
    if template_dir:
        loaders.insert(0, _SelfExtendingLoader(template_dir))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=_TemplateCache() if cached else None,
        autoescape=not markdown,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=md_escape if markdown else None,
    )
    # Jinja's i18n extension: {% trans %} and _() in the templates look up the
    # language of the render (i18n.using) at run time, so one compiled template
    # serves every language.
    i18n.install(env, _MdText if markdown else str, _MdSafe if markdown else str)
    env.filters["value"] = format_value
    env.filters["date"] = i18n.date
    env.filters["num"] = i18n.number
    env.filters["change"] = signed_change  # a change written like its values: "+USD 141,763", "+2.5 pp"
    env.filters["css_str"] = _css_string
    env.filters["css_text"] = _css_text
    env.filters["pct"] = lambda x: "—" if x is None else f"{i18n.number(x)} %"
    env.filters["ids"] = _breakable_id
    env.filters["level"] = lambda x: i18n.t(LEVEL_LABEL[x]) if x in LEVEL_LABEL else x
    return env


class _SelfExtendingLoader(jinja2.FileSystemLoader):
    """A --template-dir template that extends the bundled one of the same name
    ({% extends "report.html.j2" %} in report.html.j2) means the bundled one,
    not itself: without this it would extend itself until "nested too deeply"."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        pattern = r"""(\{%-?\s*(?:extends|include|import|from)\s+)(["'])""" + re.escape(template) + r"\2"
        return re.sub(pattern, lambda m: f"{m.group(1)}{m.group(2)}bundled/{template}{m.group(2)}", source), \
            filename, uptodate


def _breakable_id(v: str) -> Markup:
    """An id that may wrap after its underscores rather than mid-word."""
    return Markup("_<wbr>").join(escape(str(v)).split("_"))


def _css_string(v: str) -> Markup:
    """A CSS string literal: every non-alphanumeric character as a CSS escape."""
    out = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in str(v))
    return Markup(f'"{out}"')


def _css_text(v: str) -> Markup:
    """A CSS string literal for our own words (a translated label): readable
    punctuation stays as it is, anything else is a CSS escape."""
    out = "".join(c if c.isalnum() or c in " .,:;!?-()'%" else f"\\{ord(c):x} " for c in str(v))
    return Markup(f'"{out}"')


class _TemplateCache(jinja2.BytecodeCache):
    """A compiled template is marshalled Python code: whoever can plant one runs
    code. So they live in playbook's own cache folder, under its checks (0700,
    the user's own, never a symlink, temporaries O_EXCL; see playbook/pack/cache.py),
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


class _MdSafe(str):
    """Markdown of our own (a translated template sentence): printed as it is."""


class _MdText(str):
    """A translated template sentence in Markdown. Jinja fills its placeholders
    with `%`; the values are partner or pack text and are escaped, the
    sentence's own Markdown (**bold**, links) is kept."""

    def __mod__(self, values: Any) -> _MdSafe:
        if isinstance(values, dict):
            values = {k: md_escape(v) for k, v in values.items()}
        return _MdSafe(str.__mod__(self, values))


def md_escape(v: Any) -> Any:
    """Every value printed into Markdown is escaped, so partner text stays text."""
    if isinstance(v, _MdSafe):
        return str(v)
    if isinstance(v, str):
        # every character Markdown renderers (or the editors showing the file) may take for a
        # line break becomes a space: partner text never starts a heading or a list item
        return _MD_BREAKS.sub(" ", _MD_SPECIAL.sub(r"\\\1", v))
    return v
