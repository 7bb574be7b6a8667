"""Languages: message catalogs (gettext, through Babel) and locale formatting.

Babel does the locale work (CLDR data for numbers, money and dates; reading
`.po` catalogs), so none of it is written by hand here. English keeps the
house formats of `playbook.base.values.format_value` ("USD 180,000 / month"), which
the golden reports pin; every other language is formatted by Babel for its
locale ("180.000 $ / Monat" in German).

Babel is imported only when a language other than English is asked for, so
an English run pays nothing for it.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from playbook.base.messages import translating
from playbook.base.values import format_value as _format_value
from playbook.errors import UsageError

DEFAULT = "en"
NBSP = "\u00a0"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """English and every language a catalog ships for (the package's own
    folder, so it is read once)."""
    shipped = sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / "playbook.po").is_file()) \
        if LOCALE_DIR.is_dir() else []
    return (DEFAULT, *[lang for lang in shipped if lang != DEFAULT])


def language_tag(tag: str) -> str:
    """`de-DE` -> `de`: the base language of a tag, for naming a new translation."""
    import re

    base = str(tag).strip().replace("_", "-").split("-")[0].lower()
    if not re.fullmatch(r"[a-z]{2,3}", base):
        raise UsageError(f"{tag!r} is not a language tag; write it like de or de-DE")
    return base


def resolve_language(tag: str | None) -> str:
    """`de`, `de-DE`, `de_AT` -> `de`; None -> English; an unknown language is a
    usage error that names the ones there are."""
    if tag is None or not str(tag).strip():
        return DEFAULT
    base = language_tag(tag)
    known = languages()
    if base not in known:
        from playbook.base.suggest import did_you_mean

        raise UsageError(f"no translation for language {tag!r}{did_you_mean(base, known)} "
                         f"(available: {', '.join(known)})")
    return base


@cache
def messages(lang: str) -> gettext.NullTranslations:
    """The gettext catalog of `lang`; English is the identity.

    The compiled `.mo` beside the `.po` is read with the standard library (a
    few ms); parsing the `.po` with Babel costs some 40 ms a process. A `.po`
    edited after its `.mo` was compiled (a translator at work) is read
    directly, so an edit shows at once; `python -m playbook.i18n.catalogs
    compile LANG` writes the `.mo`, and a test keeps the shipped one in step."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "playbook.po"
    if lang == DEFAULT or not po.is_file():
        return gettext.NullTranslations()
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.GNUTranslations(io.BytesIO(compile_po(po, lang)))


def compile_po(po: Path, lang: str) -> bytes:
    """The `.mo` bytes of a `.po` file (fuzzy entries left out, as gettext does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def _t(lang: str, msg: str) -> str:
    return str(messages(lang).gettext(msg))


# The language of the assessment being made or rendered. A context variable
# rather than a parameter threaded through every sentence-building function:
# the engine, the customer analysis and the templates all write sentences, and
# each thread, task or Dask worker sees only the language its own call set
# (Django's translation.override works the same way).
_current: ContextVar[str] = ContextVar("playbook_language", default=DEFAULT)


@contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Within the block, sentences and values are written in `lang`."""
    token = _current.set(lang or DEFAULT)
    try:
        with translating(None if (lang or DEFAULT) == DEFAULT else _Words(lang or DEFAULT)):
            yield lang or DEFAULT
    finally:
        _current.reset(token)


@dataclass(frozen=True)
class _Words:
    """The translator of playbook.base.messages for `lang`: base's messages
    from this catalog, numbers in them as `lang` writes them."""

    lang: str

    def gettext(self, msg: str) -> str:
        return _t(self.lang, msg)

    def number(self, x: float) -> str:
        return Formatter(self.lang).number(x)


def current() -> str:
    return _current.get()


# the language of messages about a partner's input (--lang, the file's, the locale's): see asked.py
from playbook.i18n.asked import ask_messages as ask_messages  # noqa: E402
from playbook.i18n.asked import message_language as message_language  # noqa: E402
from playbook.i18n.asked import messages_asked as messages_asked  # noqa: E402


def environment_language(environ: Any = None) -> str | None:
    """The language of the environment's locale (LC_ALL, LC_MESSAGES, LANG as
    POSIX orders them: de_DE.UTF-8 -> de) when a translation ships for it;
    None for C, POSIX or a language without one."""
    import os

    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = str(env.get(var) or "").strip()
        if value:
            tag = value.split(".")[0].split("@")[0]
            if tag in ("C", "POSIX"):
                return None
            try:
                base = language_tag(tag)
            except UsageError:
                return None
            return base if base in languages() else None
    return None


def t(msg: str, **values: Any) -> str:
    """`msg` in the current language, with `%(name)s` placeholders filled."""
    lang = _current.get()
    text = msg if lang == DEFAULT else str(messages(lang).gettext(msg))
    return text % values if values else text


def tn(singular: str, plural: str, n: int, **values: Any) -> str:
    """The singular or plural form for `n` (as the language counts), filled;
    `%(n)s` is the count."""
    lang = _current.get()
    if lang == DEFAULT:
        text = singular if n == 1 else plural
    else:
        text = str(messages(lang).ngettext(singular, plural, n))
    return text % {"n": n, **values}


@lru_cache(maxsize=1)
def script_msgids() -> tuple[Any, ...]:
    """The messages of the questionnaire's script (T("...") in form.js), read
    with Babel's JavaScript extractor."""
    from babel.messages.extract import extract_from_file

    from playbook.base.resources import data_dir

    path = data_dir("templates") / "form.js"
    return tuple(m[1] for m in extract_from_file("javascript", str(path), keywords={"T": None}))


def install(env: Any, wrap: Any = str, safe: Any = str) -> None:
    """Jinja's i18n extension on `env`, with gettext in the current language.
    The extension's own newstyle callables go through `Context.call` for every
    string, which made the report's 700 messages cost as much as the rest of
    the render; these do the same (look up, mark safe when autoescaping, fill
    `%(name)s` with escaped values) directly. `wrap` makes a translated
    sentence that escapes its values when formatted, `safe` one printed as it
    is (the Markdown report's own types)."""
    from jinja2 import pass_eval_context
    from markupsafe import Markup

    env.add_extension("jinja2.ext.i18n")
    # sets newstyle_gettext, which decides how {% trans %} compiles; the callables are replaced below
    env.install_gettext_callables(lambda m: m, lambda s, p, n: s if n == 1 else p, newstyle=True)

    def finish(eval_ctx: Any, rv: str, variables: dict[str, Any]) -> Any:
        if not variables:  # the common case: no formatting to do beyond %% (a percent sign)
            rv = rv.replace("%%", "%") if "%" in rv else rv
            return Markup(rv) if eval_ctx.autoescape else safe(rv)
        rv = wrap(rv)
        if eval_ctx.autoescape:
            rv = Markup(rv)
        # newstyle: always a format string (%% is a percent sign), as the extension does
        return rv % variables

    @pass_eval_context
    def gettext_(eval_ctx: Any, __string: str, **variables: Any) -> Any:
        lang = _current.get()
        return finish(eval_ctx, __string if lang == DEFAULT else messages(lang).gettext(__string), variables)

    @pass_eval_context
    def ngettext_(eval_ctx: Any, __singular: str, __plural: str, __num: int, **variables: Any) -> Any:
        variables.setdefault("num", __num)
        lang = _current.get()
        rv = (__singular if __num == 1 else __plural) if lang == DEFAULT else \
            messages(lang).ngettext(__singular, __plural, __num)
        return finish(eval_ctx, rv, variables)

    env.globals.update(gettext=gettext_, _=gettext_, ngettext=ngettext_)


def N_(msg: str) -> str:
    return msg


def value(x: Any, unit: str | None, currency: str = "") -> str:
    """values.format_value in the current language."""
    lang = _current.get()
    if lang == DEFAULT:
        return _format_value(x, unit, currency)
    return Formatter(lang, currency).value(x, unit)


def number(x: float, decimals: int = 2) -> str:
    return Formatter(_current.get()).number(x, decimals)


def plain(x: float) -> str:
    """A number in its shortest form (Python's :g in English: 1500, 4.5)."""
    lang = _current.get()
    if lang == DEFAULT:
        return f"{x:g}"
    from babel.numbers import format_decimal

    return str(format_decimal(float(f"{x:g}"), format="0.######", locale=lang))


def fixed(x: float, decimals: int) -> str:
    """A number with exactly `decimals` places (12.0)."""
    lang = _current.get()
    if lang == DEFAULT:
        return f"{x:.{decimals}f}"
    from babel.numbers import format_decimal

    return str(format_decimal(round(float(x), decimals), format="#,##0." + "0" * decimals, locale=lang))


def month_label(d: Any) -> str:
    """"Dec 2026": a month and year as the current language abbreviates them."""
    lang = _current.get()
    if lang == DEFAULT:
        return str(d.strftime("%b %Y"))
    from babel.dates import format_date

    return str(format_date(d, format="MMM yyyy", locale=lang))


def language_name(lang: str) -> str:
    """The language's own name for itself ("Deutsch"), from CLDR."""
    if lang == DEFAULT:
        return "English"
    from babel import Locale

    try:
        return str(Locale.parse(lang).get_display_name(lang) or lang)
    except (ValueError, LookupError):
        return lang


def date_example() -> str:
    """1 November 2026 written the short numeric way of the current language."""
    import datetime as _dt

    lang = _current.get()
    if lang == DEFAULT:
        return "2026-11-01"
    from babel.dates import format_date

    return str(format_date(_dt.date(2026, 11, 1), format="short", locale=lang)).replace("26", "2026", 1) \
        if date_order(lang) else "2026-11-01"


def date(iso: Any) -> str:
    """An ISO date as the current language writes it (English keeps ISO)."""
    return Formatter(_current.get()).date(None if iso is None else str(iso))


def date_order(lang: str) -> str | None:
    """"dmy" or "mdy": how `lang` orders a short numeric date (CLDR's short
    pattern: dd.MM.yy in German, dd/MM/y in British English), or None when it
    is neither."""
    return Convention.of(lang).date_order if lang else None


@dataclass(frozen=True)
class Convention:
    """How a partner writes numbers and dates, from partner.language with its
    region: a German file has 1.234,56 and 31.01.2027 (and a German CSV export
    `;` between cells), a Swiss German one 1'234.56, a British one 01/11/2026
    for 1 November. The default is the neutral one, which refuses what reads
    two ways. playbook.base.values reads every field kind with it."""

    decimal: str | None = None  # "," or "."; None: 1.200 is refused as unclear
    date_order: str | None = None  # "dmy" or "mdy"; None: ISO dates, and those that read one way only
    group: str | None = None  # the thousands mark (".", ",", "'", a narrow space); None: the other of decimal
    tag: str = ""  # the language tag it was made from, for messages

    @classmethod
    def of(cls, language: str) -> Convention:
        """The convention of a language tag (`de-CH`, `en_GB`, `fr`), region
        honoured, from CLDR through Babel; plain English without Babel. A tag
        CLDR does not know gives the neutral convention."""
        return _convention(str(language or "").strip().replace("_", "-"))


# English as CLDR writes it (en: 1,234.5 and M/d/yy), so an English run never imports Babel
_ENGLISH = Convention(".", "mdy", ",", "en")


@lru_cache(maxsize=256)
def _convention(tag: str) -> Convention:
    if not tag:
        return Convention()
    if tag.lower() in ("en", "en-us"):
        return Convention(".", "mdy", ",", tag)
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return Convention(tag=tag)
    table = loc.number_symbols
    table = table.get("latn", table) if hasattr(table, "get") else {}
    dec = table.get("decimal") if hasattr(table, "get") else None
    grp = table.get("group") if hasattr(table, "get") else None
    decimal = dec if dec in (".", ",") else None
    return Convention(decimal, _order(loc), grp if decimal and isinstance(grp, str) and grp != decimal else None,
                      tag)


def _order(loc: Any) -> str | None:
    try:
        pattern = loc.date_formats["short"].pattern
    except (KeyError, AttributeError):
        return None
    d, m, y = pattern.find("d"), pattern.find("M"), pattern.find("y")
    if min(d, m, y) < 0:
        return None
    return "dmy" if d < m < y else "mdy" if m < d < y else None


def decimal_separator(lang: str) -> str | None:
    """"," or "." as `lang` writes the decimal point (CLDR, through Babel), or
    None when it is neither (the number reader then refuses ambiguous values)."""
    return Convention.of(lang).decimal if lang else None


@dataclass(frozen=True)
class Formatter:
    """Values as a reader of `lang` writes them."""

    lang: str = DEFAULT
    currency: str = ""

    def number(self, x: float, decimals: int = 2) -> str:
        if self.lang == DEFAULT:
            from playbook.base.values import fmt_number

            return fmt_number(round(float(x), decimals))
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        return str(format_decimal(float(x), format=pattern, locale=self.lang))

    def value(self, x: Any, unit: str | None) -> str:
        """The same contract as values.format_value, for this language."""
        from playbook.base.values import format_value

        if self.lang == DEFAULT or x is None or isinstance(x, bool) or not isinstance(x, (int, float)):
            if self.lang != DEFAULT and (x is None or isinstance(x, bool)):
                if x is None:
                    return _t(self.lang, "not assessed")
                return _t(self.lang, "yes") if x else _t(self.lang, "no")
            return format_value(x, unit, self.currency)
        money = unit in ("money", "money_month")
        whole = money and abs(x) >= 100  # as in English: USD 37,755 rather than USD 37,755.14
        if money and self.currency:
            from babel.numbers import format_currency

            pattern = "#,##0 ¤" if whole else "#,##0.00 ¤"
            text = str(format_currency(float(x), self.currency, format=pattern, locale=self.lang,
                                       currency_digits=False))
        else:
            text = self.number(round(float(x)) if whole else float(x), 0 if whole else 2)
        # a value never breaks between its number and its unit (NBSP; English keeps its house
        # format, which the golden reports pin)
        text = text.replace(" ", NBSP)
        if unit == "percent":
            return f"{text}{NBSP}%"
        if unit == "money_month":
            return text + " " + _t(self.lang, "/ month")
        if unit == "ratio":
            return f"{text}×"
        if unit == "days":
            return f"{text}{NBSP}" + _t(self.lang, "days")
        if unit == "hours":
            return f"{text}{NBSP}" + _t(self.lang, "hours")
        return text

    def date(self, iso: str | None) -> str:
        if not iso or self.lang == DEFAULT:
            return iso or ""
        import datetime as _dt

        from babel.dates import format_date

        try:
            return str(format_date(_dt.date.fromisoformat(iso), format="long", locale=self.lang))
        except ValueError:
            return iso


def parse_decimal(text: str, lang: str) -> float:
    """A number written in `lang`'s convention ("1.200,50" in German), strictly:
    a string that only reads one way in that locale is accepted."""
    from babel.numbers import NumberFormatError
    from babel.numbers import parse_decimal as _parse

    try:
        return float(_parse(text.strip(), locale=lang, strict=True))
    except NumberFormatError:
        from babel import Locale

        loc = Locale.parse(lang)
        example = str(_format_example(lang))
        raise ValueError(f"{text!r} is not a number as {loc.english_name} writes it (e.g. {example})") from None


def _format_example(lang: str) -> str:
    from babel.numbers import format_decimal

    return str(format_decimal(1200.5, format="#,##0.00", locale=lang))
