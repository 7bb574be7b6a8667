/* The questionnaire's behaviour. Every rule it checks arrives in the JSON block
   #form-data, generated from the pack and playbook's own definitions; this
   script only knows how to apply them. No network access of any kind. */
(function () {
  "use strict";
  var S = JSON.parse(document.getElementById("form-data").textContent);
  // the page's own sentences in the form's language (S.messages, from playbook/report/form.py), English when not given
  function T(s, v) { var m = (S.messages && S.messages[s]) || s; if (v) { m = m.replace(/%\((\w+)\)s/g, function (_, k) { return String(v[k]); }); } return m; }
  var R = S.rules, N = R.number;
  // the decimal mark of the form's language ("," in German), or null: then, as
  // in playbook/base/values.py without a locale, 1.200 is refused as unclear
  var DEC = S.decimal || null;
  // patterns arrive in Python's syntax translated for the `u` flag (playbook/report/form.py js_pattern)
  function rx(d, extra) { return new RegExp(d.source, (d.ignore_case ? "i" : "") + "u" + (extra || "")); }
  function whole(d) { return rx({ source: "^(?:" + d.source + ")$", ignore_case: d.ignore_case }); }
  var RE = { core: whole(N.core), exponent: whole(N.exponent), ambiguous: whole(N.ambiguous),
             grouped: { ",": whole(N.grouped[","]), ".": whole(N.grouped["."]) },
             curPrefix: rx({ source: "^(?:" + N.currency_prefix.source + ")", ignore_case: N.currency_prefix.ignore_case }),
             scale: rx(N.scale_suffix), code: rx(R.currency.code) };
  var FIELDS = {};
  S.fields.forEach(function (f) { FIELDS[f.key] = f; });
  var st = {};

  // ---- reading values the way playbook/base/values.py does ----------------------
  var NA = R.na ? rx(R.na) : null;
  function isNa(s) { return NA !== null && NA.test(s); }
  function fmt(x) { return Number.isInteger(x) ? x.toLocaleString("en-US") : String(x); }

  // Python's str.strip(): the characters str.isspace() calls space
  var SPACE = /^[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
  var RSPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;
  function strip(s) { return s.replace(SPACE, ""); }
  function rstrip(s) { return s.replace(RSPACE, ""); }
  var ND = /\p{Nd}/u;
  // Python's float() reads any Unicode digit; Number() only 0-9. Unicode's digits come in
  // runs of ten, zero to nine, so a digit's value is its place in its run.
  function ascii(s) {
    return Array.from(s).map(function (ch) {
      if (ch >= "0" && ch <= "9" || !ND.test(ch)) return ch;
      var cp = ch.codePointAt(0), n = 0;
      while (ND.test(String.fromCodePoint(cp - n - 1))) n++;
      return String(n % 10);
    }).join("");
  }
  function codes(marker) {
    var m = strip(marker);
    return Object.prototype.hasOwnProperty.call(N.symbols, m) ? N.symbols[m] : [m.toUpperCase()];
  }
  // partner.currency as the answers reader normalizes it, or null when it is not a currency
  function currencyOf(v) {
    // a lone surrogate is saved as U+FFFD (quote below), so it is checked as one
    var s = strip(String(v === undefined || v === null ? "" : v)
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
    if (RE.code.test(s)) return s.toUpperCase();
    var cps = Array.from(s);
    if (cps.length > 0 && cps.length <= R.currency.symbol_max &&
        cps.every(function (c) { return !/[\p{Nd}\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]/u.test(c) && !/\p{C}/u.test(c) && strip(c) !== ""; })) return s;
    return null;
  }
  function splitCurrency(s) {
    var m = RE.curPrefix.exec(s);
    if (m) return [m[1], s.slice(m[0].length)];
    var tail = s.slice(-3);
    if (s.length > 3 && /^[A-Z]{3}$/.test(tail)) return [tail, rstrip(s.slice(0, -3))];
    if (s && Object.prototype.hasOwnProperty.call(N.symbols, s.slice(-1))) return [s.slice(-1), rstrip(s.slice(0, -1))];
    return [null, s];
  }
  function plain(x) { return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(10))); }
  // values._read: t read with point as the decimal separator and group between thousands
  function readAs(t, point, group) {
    var i = t.indexOf(point), whole = i < 0 ? t : t.slice(0, i), frac = i < 0 ? "" : t.slice(i + 1);
    if (frac.indexOf(group) >= 0 || frac.indexOf(point) >= 0 || (i >= 0 && !frac) ||
        (whole.indexOf(group) >= 0 && !RE.grouped[group].test(whole))) return null;
    return Number(ascii((whole.split(group).join("") || "0") + "." + (frac || "0")));
  }
  function fits(x, lo, hi) { return (lo === null || lo === undefined || x >= lo) && (hi === null || hi === undefined || x <= hi); }

  /* values.parse_number for text, step by step in the same order: o.percent, o.money,
     o.whole (a count), o.currency (the partner's, normalized), o.within ([lo, hi]). */
  function parseNumber(v, o) {
    var f = parseText(v, o);
    if (!isFinite(f)) throw new Error(T("Write a finite number."));
    if (Math.abs(f) > N.max_magnitude) throw new Error(T("That is too large: numbers here stay below %(max)s.", { max: fmt(N.max_magnitude) }));
    if (o.whole && !Number.isInteger(f)) throw new Error(T("Write a whole number: this is a count."));
    return f;
  }
  function parseText(v, o) {
    var s = strip(v), marker = null, i;
    var n = Array.from(s).length;
    if (n > N.max_chars) throw new Error(T("That is too long to be a number (%(n)s characters; a number has at most %(max)s).", { n: n, max: N.max_chars }));
    if (o.percent && s.slice(-1) === "%") s = rstrip(s.slice(0, -1));
    if (o.money) {
      var sp = splitCurrency(s);
      marker = sp[0]; s = strip(sp[1]);
    } else {
      var low = s.toLowerCase();
      for (i = 0; i < N.unit_words.length; i++) {
        var w = N.unit_words[i];
        if (low.slice(-w.length) === w) { s = rstrip(s.slice(0, s.length - w.length)); break; }
      }
    }
    if (RE.exponent.test(s)) return Number(ascii(s));
    var scale = RE.scale.exec(s);
    var core = scale ? rstrip(s.slice(0, scale.index)) : s;
    var m = RE.core.exec(core);
    if (!m || (scale && !o.money)) {
      if (N.unknown.indexOf(s.toLowerCase()) >= 0) throw new Error(T("Write a number, or leave this blank if you do not know it."));
      throw new Error(o.percent ? T("Write a number, like 12 or 12%.") : o.money ? T("Write an amount, like 180000 or $180,000.") : T("Write a number, like 12."));
    }
    if (marker !== null && o.currency) {
      var mine = codes(o.currency);
      if (!codes(marker).some(function (c) { return mine.indexOf(c) >= 0; })) {
        throw new Error(T("This amount is in %(marker)s, but your currency is %(currency)s: write the amount in %(currency)s, or change the currency.",
                          { marker: marker, currency: o.currency }));
      }
    }
    var t = m[2].replace(/[_ ]/g, ""), mult = scale ? N.scale[scale[0].toLowerCase()] : 1;
    var neg = m[1] === "-";
    if (DEC === null && RE.ambiguous.test(t) && (t.indexOf(".") >= 0 || !(o.money || o.whole))) {
      var asPoint = Number(ascii(t.replace(",", "."))), asGroup = Number(ascii(t.replace(/[.,]/g, "")));
      var lo = o.within ? o.within[0] : null, hi = o.within ? o.within[1] : null;
      var ok = [asPoint, asGroup].filter(function (x) { return fits(x, lo, hi); });
      if (ok.length === 1 && !o.whole) return neg ? -(ok[0] * mult) : ok[0] * mult;
      var sep = t.slice(-4, -3);
      throw new Error(T("This could be %(point)s (with “%(sep)s” as the decimal point) or %(group)s (with “%(sep)s” between thousands): write %(group)s or %(point)s to say which.",
                        { point: plain(asPoint), group: plain(asGroup), sep: sep }));
    }
    var point = DEC || ".", read = readAs(t, point, point === "." ? "," : ".");
    if (read === null && point === ",") throw new Error(T("Points may only separate thousands (1.200); write decimals with a comma (12,5)."));
    if (read === null) throw new Error(T("Commas may only separate thousands (1,200); write decimals with a point (12.5)."));
    return neg ? -(read * mult) : read * mult;
  }
  function range(x, lo, hi, unit) {
    var u = unit === "percent" ? " %" : "";
    if ((lo !== null && x < lo) || (hi !== null && x > hi)) {
      if (lo !== null && hi !== null) throw new Error(T("Write a value from %(lo)s to %(hi)s%(unit)s.", { lo: fmt(lo), hi: fmt(hi), unit: u }));
      if (lo !== null) throw new Error(T("Write a value of at least %(lo)s%(unit)s.", { lo: fmt(lo), unit: u }));
      throw new Error(T("Write a value of at most %(hi)s%(unit)s.", { hi: fmt(hi), unit: u }));
    }
  }
  function normChoice(v) { return v.trim().toLowerCase().replace(/[\s\-\/]+/g, "_"); }
  function validDate(s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
    if (!m) return false;
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] && +m[1] >= 1;
  }
  // Dates are text in the form's own convention (01.11.2026 in German, ISO in English), never
  // the browser's date field, whose reading follows the browser's locale: in an English browser
  // a German 01.11.2026 became 11 January. S.dates comes from CLDR (playbook/report/form.py).
  var DATES = S.dates || { order: null, separator: "-", pattern: "", months: [] };
  function two(n) { return ("0" + n).slice(-2); }
  // text -> ISO date, or null: ISO always; D.M.YYYY (or M/D/YYYY) in the form's order
  function readDate(s, order) {
    var text = strip(s);
    if (validDate(text)) return text;
    var m = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$/.exec(text);
    if (!m || (order !== "dmy" && order !== "mdy")) return null;
    var iso = m[4] + "-" + two(order === "dmy" ? m[3] : m[1]) + "-" + two(order === "dmy" ? m[1] : m[3]);
    return validDate(iso) ? iso : null;
  }
  // an ISO date as the form writes dates (01.11.2026 in German; ISO stays ISO in English)
  function ownDate(v) {
    var m = typeof v === "string" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(strip(v));
    if (!m || !DATES.order) return v;
    var sep = DATES.separator;
    return DATES.order === "dmy" ? m[3] + sep + m[2] + sep + m[1] : m[2] + sep + m[3] + sep + m[1];
  }
  // an ISO date in words, as the form's language writes it ("1. November 2026"), from the CLDR pattern
  function dateWords(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    if (!m || !DATES.pattern) return iso;
    return DATES.pattern.replace(/'([^']*)'|d+|M+|y+/g, function (tok, lit) {
      if (lit !== undefined) return lit;
      if (tok[0] === "d") return tok.length > 1 ? m[3] : String(+m[3]);
      if (tok[0] === "M") return tok.length > 2 ? DATES.months[+m[2] - 1] : tok.length > 1 ? m[2] : String(+m[2]);
      return String(+m[1]);
    });
  }
  function checkDate(text) {
    var iso = readDate(text, DATES.order);
    if (iso === null) {
      throw new Error(DATES.order ? T("Write the date like %(example)s.", { example: DATES.example })
                                  : T("Write the date as YYYY-MM-DD, e.g. 2026-11-01."));
    }
    return iso;
  }

  /* check(key, text[, currency]) -> {ok, blank, na, value, message}: the one checker (currency: the
     partner's as typed; the page's own when not given), used as the
     partner types, before saving, and by tests/test_form.py against `playbook validate`. */
  function check(key, raw, currency) {
    var cur = currencyOf(currency === undefined ? st["p:currency"] : currency);
    var res = { ok: true, blank: false, na: false, value: null, message: "" };
    if (Array.isArray(raw)) { res.value = raw.slice(); res.blank = raw.length === 0; return res; }
    var text = raw === undefined || raw === null ? "" : String(raw);
    if (text.trim() === "") { res.blank = true; return res; }
    try {
      if (key === "p:name") {
        if (Array.from(text).length > R.name_max) throw new Error(T("Keep the name to %(max)s characters at most.", { max: R.name_max }));
        res.value = text;
      } else if (key === "p:currency") {
        if (currencyOf(text) === null) throw new Error(T("Write a three-letter currency code (USD, EUR, GBP) or a symbol such as $ or €."));
        res.value = text;  // kept as typed: the answers reader normalizes it
      } else if (key === "p:assessed_on") {
        res.value = checkDate(text);
      } else if (key === "p:years_in_cloud") {
        res.value = parseNumber(text, { within: R.years });
        range(res.value, R.years[0], R.years[1], "");
      } else if (key === "nps") {
        var parts = text.split(/[\s,;]+/).filter(function (p) { return p !== ""; });
        res.value = parts.map(function (p) {
          if (!/^\d+$/.test(p) || +p < R.nps.min || +p > R.nps.max) {
            throw new Error(T("“%(value)s” is not a whole number from %(min)s to %(max)s.", { value: p, min: R.nps.min, max: R.nps.max }));
          }
          return +p;
        });
      } else {
        var f = FIELDS[key];
        if (!f) throw new Error(T("This form has no question %(key)s.", { key: key }));
        if (isNa(text)) { res.na = true; res.value = "n/a"; return res; }
        var t = f.type;
        if (t === "yesno") {
          var w = text.trim().toLowerCase();
          if (R.bool["true"].indexOf(w) >= 0) res.value = true;
          else if (R.bool["false"].indexOf(w) >= 0) res.value = false;
          else throw new Error(T("Answer yes or no."));
        } else if (t === "choice") {
          // the id, or the label in the form's language (einige for some), as the answers check reads them
          var c = normChoice(text), named = f.choices.filter(function (x) { return normChoice(x.label) === c; });
          var hit = f.choices.filter(function (x) { return x.value === c; })[0] || (named.length === 1 ? named[0] : null);
          if (!hit) throw new Error(T("Choose one of: %(choices)s.", { choices: f.choices.map(function (x) { return x.label; }).join(", ") }));
          res.value = hit.value;
        } else if (t === "date") {
          res.value = checkDate(text);
        } else {
          var percent = t === "percent", money = R.money_units.indexOf(t) >= 0;
          res.value = parseNumber(text, { percent: percent, money: money, currency: cur,
                                          whole: f.kind === "metric" && t === "count", within: [f.min, f.max] });
          range(res.value, f.min, f.max, t);
          res.percentSign = percent && text.indexOf("%") >= 0;
        }
      }
    } catch (e) {
      res.ok = false; res.value = null; res.message = e.message;
    }
    return res;
  }

  // ---- which questions apply: the pack's applies_when over the profile ------
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function holds(c, prof) {
    var i, r, unknown = false;
    if (c === null || c === undefined) return true;
    if (c.all) {
      for (i = 0; i < c.all.length; i++) { r = holds(c.all[i], prof); if (r === false) return false; if (r === null) unknown = true; }
      return unknown ? null : true;
    }
    if (c.any) {
      for (i = 0; i < c.any.length; i++) { r = holds(c.any[i], prof); if (r === true) return true; if (r === null) unknown = true; }
      return unknown ? null : false;
    }
    if (c.not) { r = holds(c.not, prof); return r === null ? null : !r; }
    if (c.subject !== "profile") return null;
    var v = prof[c.ref], b = c.value;
    if (c.op === "present") return v !== null && v !== undefined;
    if (c.op === "absent") return v === null || v === undefined;
    if (v === null || v === undefined) return null;
    switch (c.op) {
      case "eq": return same(v, b);
      case "ne": return !same(v, b);
      case "lt": return v < b;
      case "le": return v <= b;
      case "gt": return v > b;
      case "ge": return v >= b;
      case "between": return b[0] <= v && v <= b[1];
      case "in": return b.some(function (x) { return same(x, v); });
      case "not_in": return !b.some(function (x) { return same(x, v); });
      case "contains": return Array.isArray(v) && v.some(function (x) { return same(x, b); });
      default: return null;  // an operator this page does not know: keep the question
    }
  }
  function profile(state) {
    var y = check("p:years_in_cloud", state["p:years_in_cloud"]);
    var focus = (state["p:focus"] || []).slice().sort();
    var cur = state["p:currency"] || "";
    return { years_in_cloud: y.ok && !y.blank ? y.value : null, focus: focus.length ? focus : null, currency: cur || null };
  }
  function applies(key, prof) { return holds(FIELDS[key].applies_when, prof); }

  // ---- answers.yaml, as the contract describes it -------------------------
  var SPECIAL = /^(?:y|n|yes|no|true|false|on|off|null|~)$/i;
  function quote(s) {
    var out = "\"";
    for (var i = 0; i < s.length; i++) {
      var cp = s.codePointAt(i);
      if (cp > 0xffff) i++;
      else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;  // a lone surrogate: not a character
      var ch = String.fromCodePoint(cp);
      if (ch === "\"" || ch === "\\") out += "\\" + ch;
      else if (cp >= 0x20 && cp <= 0x7e) out += ch;
      else if (cp === 0x0a) out += "\\n";
      else if (cp === 0x09) out += "\\t";
      // printable and not a YAML line break (U+0085, U+2028, U+2029) nor a BOM
      else if ((cp >= 0xa0 && cp <= 0xd7ff && cp !== 0x2028 && cp !== 0x2029) ||
               (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || cp >= 0x10000) out += ch;
      else if (cp <= 0xffff) out += "\\u" + ("000" + cp.toString(16)).slice(-4);
      else out += "\\U" + ("0000000" + cp.toString(16)).slice(-8);
    }
    return out + "\"";
  }
  function quoteKey(s) { return /^[A-Za-z_][\w-]*$/.test(s) ? s : quote(s); }
  function word(s) { return /^[a-z][a-z0-9_]*$/.test(s) && !SPECIAL.test(s) ? s : quote(s); }
  function num(x) {
    var s = String(x);
    if (/e/i.test(s)) s = Number.isInteger(x) ? BigInt(x).toString() : x.toFixed(20).replace(/0+$/, "");
    if (DEC === ",") return s.replace(".", ",");  // read back with the same convention (partner.language)
    // 1.234 would read back as ambiguous (1.234 or 1234); 1.2340 cannot
    if (RE.ambiguous.test(s.replace(/^-/, ""))) s += "0";
    return s;
  }
  function flow(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") return DEC === "," ? quote(num(v)) : num(v);  // 1,5 would split a flow list
    if (typeof v === "string") return quote(v);
    if (Array.isArray(v)) return "[" + v.map(flow).join(", ") + "]";
    return "{" + Object.keys(v).map(function (k) { return quote(k) + ": " + flow(v[k]); }).join(", ") + "}";
  }
  function comment(s) { return "  # " + s.replace(/[\r\n\u0085\u2028\u2029]+/g, " "); }

  function toYaml(state) {
    var prof = profile(state), extra = state.extra || {};
    var out = ["# yaml-language-server: $schema=" + S.schema_ref,
               "# Answers for the '" + S.pack.name.replace(/[\r\n\u0085\u2028\u2029]+/g, " ") + "' assessment (pack " + S.pack.id + " " + S.pack.version + "),",
               "# saved from the playbook form. Check it: playbook validate answers.yaml",
               "partner:"];
    var p = function (key, yamlKey, render) {
      var r = check(key, state[key], state["p:currency"] || "");
      if (r.ok && !r.blank) out.push("  " + yamlKey + ": " + render(r.value));
    };
    p("p:name", "name", quote);
    p("p:assessed_on", "assessed_on", quote);
    p("p:years_in_cloud", "years_in_cloud", num);
    p("p:focus", "focus", function (v) { return "[" + v.slice().sort().map(word).join(", ") + "]"; });
    p("p:currency", "currency", quote);
    if (S.lang && S.lang !== "en") out.push("  language: " + word(S.lang));  // how this file's numbers are written
    Object.keys(extra.partner || {}).forEach(function (k) { out.push("  " + quote(k) + ": " + flow(extra.partner[k])); });
    if (out[out.length - 1] === "partner:") out[out.length - 1] = "partner: {}";
    ["question", "metric"].forEach(function (kind) {
      out.push(kind === "question" ? "answers:" : "metrics:");
      var n = 0;
      S.fields.forEach(function (f) {
        if (f.kind !== kind || applies(f.key, prof) === false) return;
        var r = check(f.key, state[f.key], state["p:currency"] || "");
        if (!r.ok || r.blank) return;
        var v;
        if (r.na) v = "n/a";
        else if (typeof r.value === "boolean") v = r.value ? "yes" : "no";
        else if (typeof r.value === "number") v = (r.percentSign && r.value > 0 && r.value < 1) ? quote(num(r.value) + "%") : num(r.value);
        else v = word(r.value);
        out.push(comment(f.text));
        out.push("  " + f.id + ": " + v);
        n++;
      });
      // answers this form does not ask (a quick form prefilled from a full file) are kept as they were
      var prefix = kind === "question" ? "q:" : "m:", kept = Object.keys(state).filter(function (k) {
        return k.slice(0, 2) === prefix && !FIELDS[k] && String(state[k]).trim() !== "";
      }).sort();
      if (kept.length) out.push("  # not asked in this form; kept from the file it was filled from");
      kept.forEach(function (k) {
        var t = String(state[k]).trim();
        out.push("  " + quoteKey(k.slice(2)) + ": " + (/^(?:yes|no|-?\d+(?:\.\d+)?)$/.test(t) ? t : quote(t)));
        n++;
      });
      if (!n) out[out.length - 1] += " {}";
    });
    var nps = check("nps", state.nps);
    if (nps.ok && !nps.blank) out.push("nps_responses: [" + nps.value.join(", ") + "]");
    Object.keys(extra).forEach(function (k) { if (k !== "partner") out.push(quote(k) + ": " + flow(extra[k])); });
    return out.join("\n") + "\n";
  }

  // ---- reading back a file this form saved (a small subset of YAML) -------
  function Flow(s) { this.s = s; this.i = 0; }
  Flow.prototype.ws = function () { while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++; };
  Flow.prototype.value = function (top) {
    this.ws();
    var c = this.s[this.i];
    if (c === "\"") return this.str();
    if (c === "[") {
      this.i++; var a = [];
      for (;;) { this.ws(); if (this.s[this.i] === "]") { this.i++; return a; } a.push(this.value(false)); this.ws();
        if (this.s[this.i] === ",") this.i++; else if (this.s[this.i] !== "]") throw new Error(T("expected , or ]")); }
    }
    if (c === "{") {
      this.i++; var o = {};
      for (;;) { this.ws(); if (this.s[this.i] === "}") { this.i++; return o; }
        var k = this.value(false); this.ws(); if (this.s[this.i] !== ":") throw new Error(T("expected :")); this.i++;
        o[String(k)] = this.value(false); this.ws();
        if (this.s[this.i] === ",") this.i++; else if (this.s[this.i] !== "}") throw new Error(T("expected , or }")); }
    }
    var start = this.i;
    if (top) this.i = this.s.length; else while (this.i < this.s.length && ",]}:".indexOf(this.s[this.i]) < 0) this.i++;
    return scalar(this.s.slice(start, this.i).trim());
  };
  Flow.prototype.str = function () {
    var out = "", s = this.s, esc = { n: "\n", t: "\t", r: "\r", "\"": "\"", "\\": "\\", "/": "/", "0": "\0", " ": " " };
    this.i++;
    while (this.i < s.length) {
      var c = s[this.i++];
      if (c === "\"") return out;
      if (c !== "\\") { out += c; continue; }
      var e = s[this.i++], len = { x: 2, u: 4, U: 8 }[e];
      if (len) { out += String.fromCodePoint(parseInt(s.substr(this.i, len), 16)); this.i += len; }
      else if (e in esc) out += esc[e];
      else throw new Error(T("unknown escape \\%(escape)s", { escape: e }));
    }
    throw new Error(T("unterminated string"));
  };
  function scalar(t) {
    if (t === "" || t === "~" || t === "null") return null;
    if (/^(?:yes|true|on)$/i.test(t)) return true;
    if (/^(?:no|false|off)$/i.test(t)) return false;
    if (/^[-+]?\d+(?:\.\d+)?$/.test(t)) return Number(t);
    if (t[0] === "'" && t.slice(-1) === "'") return t.slice(1, -1).replace(/''/g, "'");
    return t;
  }
  function uncomment(line) {
    var inq = false;
    for (var i = 0; i < line.length; i++) {
      if (line[i] === "\\" && inq) { i++; continue; }
      if (line[i] === "\"") inq = !inq;
      else if (line[i] === "#" && !inq && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
    }
    return line;
  }
  function parseSaved(text) {
    var doc = {}, cur = null, curKey = null, lines = text.replace(/^\ufeff/, "").split(/\r?\n/);
    lines.forEach(function (raw, n) {
      var line = uncomment(raw).replace(/\s+$/, "");
      if (!line.trim()) return;
      var item = /^ +- (.*)$/.exec(line);  // a block list under a top-level key (customers)
      if (item && curKey !== null) {
        if (!Array.isArray(doc[curKey])) {
          if (Object.keys(doc[curKey] || {}).length) throw new Error(T("line %(n)s mixes a list into a mapping", { n: n + 1 }));
          doc[curKey] = [];
        }
        try { doc[curKey].push(new Flow(item[1]).value(true)); }
        catch (e) { throw new Error(T("line %(n)s: %(error)s", { n: n + 1, error: e.message })); }
        return;
      }
      var m = /^( *)("(?:[^"\\]|\\.)*"|[A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$/.exec(line);
      if (!m) throw new Error(T("line %(n)s is not in the form this page saves", { n: n + 1 }));
      var key = m[2][0] === "\"" ? new Flow(m[2]).str() : m[2], rest = m[3] === undefined ? "" : m[3];
      var val;
      try { val = rest === "" ? null : new Flow(rest).value(true); }
      catch (e) { throw new Error(T("line %(n)s: %(error)s", { n: n + 1, error: e.message })); }
      if (m[1].length === 0) {
        curKey = rest === "" ? key : null;
        if (rest === "") { doc[key] = {}; cur = doc[key]; } else { doc[key] = val; cur = null; }
      } else {
        if (!cur || Array.isArray(doc[curKey])) throw new Error(T("line %(n)s is indented under nothing", { n: n + 1 }));
        cur[key] = val;
      }
    });
    return doc;
  }
  function text(v) { return typeof v === "boolean" ? (v ? "yes" : "no") : String(v); }
  function stateFromDoc(doc) {
    var s = {}, unknown = [], extra = {};
    var partner = doc.partner || {};
    Object.keys(partner).forEach(function (k) {
      var v = partner[k];
      if (v === null) return;
      if (k === "focus") s["p:focus"] = Array.isArray(v) ? v.map(String) : [String(v)];
      else if (["name", "assessed_on", "years_in_cloud", "currency"].indexOf(k) >= 0) s["p:" + k] = text(v);
      else if (k !== "language") { extra.partner = extra.partner || {}; extra.partner[k] = v; }
    });
    // a file written in another convention (partner.language) is shown in the form's
    var lang = typeof partner.language === "string" ? partner.language.toLowerCase().split(/[-_]/)[0] : "en";
    var foreign = lang !== (S.lang || "en");
    var own = foreign && S.decimals && Object.prototype.hasOwnProperty.call(S.decimals, lang) ? S.decimals[lang] : DEC;
    var order = foreign && S.date_orders ? S.date_orders[lang] : null;
    function isoDate(v) {
      var dm = typeof v === "string" && /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$/.exec(v.trim());
      if (!dm || (order !== "dmy" && order !== "mdy")) return v;
      var dd = order === "dmy" ? dm[1] : dm[3], mm = order === "dmy" ? dm[3] : dm[1];
      return dm[4] + "-" + ("0" + mm).slice(-2) + "-" + ("0" + dd).slice(-2);
    }
    if (s["p:assessed_on"] !== undefined) s["p:assessed_on"] = isoDate(s["p:assessed_on"]);
    // the customer rows the form carries through unchanged are rewritten the same way
    (Array.isArray(doc.customers) ? doc.customers : []).forEach(function (c) {
      if (!c || typeof c !== "object") return;
      if (c.renewal_date !== undefined) c.renewal_date = isoDate(c.renewal_date);
      if (typeof c.revenue === "string" && own !== DEC) {
        var mine = DEC;
        DEC = own;
        try { c.revenue = parseNumber(c.revenue, { money: true, currency: currencyOf(s["p:currency"] || "") }); }
        catch (e) { /* left as written: validate names it */ }
        finally { DEC = mine; }
      }
    });
    function shown(key, v) {
      if (own === DEC || typeof v !== "string" || !FIELDS[key] || isNa(strip(v))) return text(v);
      var mine = DEC;
      DEC = own;
      try { var r = check(key, v, s["p:currency"] || ""); } finally { DEC = mine; }
      return r.ok && typeof r.value === "number" ? num(r.value) : text(v);
    }
    [["answers", "q:"], ["metrics", "m:"]].forEach(function (pair) {
      var part = doc[pair[0]] || {};
      Object.keys(part).forEach(function (id) {
        if (part[id] === null) return;
        if (!FIELDS[pair[1] + id]) unknown.push(id);  // kept, written back as it was
        s[pair[1] + id] = shown(pair[1] + id, part[id]);
      });
    });
    if (Array.isArray(doc.nps_responses)) s.nps = doc.nps_responses.join(", ");
    Object.keys(doc).forEach(function (k) {
      if (["partner", "answers", "metrics", "nps_responses"].indexOf(k) < 0 && doc[k] !== null) extra[k] = doc[k];
    });
    if (Object.keys(extra).length) s.extra = extra;
    return { state: s, unknown: unknown };
  }

  window.playbookForm = { check: check, dateWords: dateWords, ownDate: ownDate, holds: holds, profile: profile, toYaml: toYaml,
                          parseSaved: parseSaved, stateFromDoc: stateFromDoc, state: function () { return st; } };
  if (!document.getElementById("form")) return;

  // ---- the page -------------------------------------------------------------
  var form = document.getElementById("form"), status = document.getElementById("status");
  function dom(key) { return key.replace(":", "-"); }
  function say(msg, bad) { status.textContent = msg; status.classList.toggle("bad", !!bad); }
  function wrapper(key) { return form.querySelector("[data-key=\"" + key + "\"]"); }
  function inputs(key) { return form.querySelectorAll("[name=\"" + key + "\"]"); }

  function read(key) {
    var els = inputs(key);
    if (!els.length) return undefined;
    if (els[0].type === "checkbox") return Array.prototype.filter.call(els, function (e) { return e.checked; }).map(function (e) { return e.value; });
    if (els[0].type === "radio") { var on = Array.prototype.find.call(els, function (e) { return e.checked; }); return on ? on.value : ""; }
    return els[0].value;
  }
  function write(key, v) {
    Array.prototype.forEach.call(inputs(key), function (e) {
      if (e.type === "checkbox") e.checked = Array.isArray(v) && v.indexOf(e.value) >= 0;
      else if (e.type === "radio") {
        var c = v === undefined || v === null ? null : (e.value === "n/a" ? (isNa(String(v)) ? "n/a" : null) : check(key, v).value);
        e.checked = c !== null && (c === e.value || (c === true && e.value === "yes") || (c === false && e.value === "no"));
      } else e.value = v === undefined || v === null ? "" : e.hasAttribute("data-date") ? ownDate(v) : v;
    });
  }
  function showError(key, msg) {
    var w = wrapper(key), e = document.getElementById("e-" + dom(key));
    if (!w || !e) return;
    if (e.textContent !== msg) e.textContent = msg;
    w.classList.toggle("invalid", !!msg);
    Array.prototype.forEach.call(inputs(key), function (i) {
      if (msg) i.setAttribute("aria-invalid", "true"); else i.removeAttribute("aria-invalid");
    });
  }
  function validate(key) {
    var r = check(key, st[key]);
    showError(key, r.ok ? "" : r.message);
    var echo = document.getElementById("d-" + dom(key));  // a date, echoed in words beside its field
    if (echo) echo.textContent = r.ok && !r.blank && typeof r.value === "string" ? dateWords(r.value) : "";
    var w = wrapper(key);
    if (w) w.classList.toggle("answered", r.ok && !r.blank);
    return r;
  }
  function keys() { return ["p:name", "p:assessed_on", "p:years_in_cloud", "p:focus", "p:currency"].concat(Object.keys(FIELDS), ["nps"]); }

  var counted = { done: 0, total: 0 };
  function refresh() {
    var prof = profile(st), total = 0, done = 0, seconds = 0;
    S.fields.forEach(function (f) {
      var show = applies(f.key, prof) !== false, w = wrapper(f.key);
      if (w) w.hidden = !show;
      if (!show) return;
      total++;
      var r = check(f.key, st[f.key]);
      if (r.ok && !r.blank) done++; else seconds += f.seconds;
    });
    var cur = (st["p:currency"] || "").trim();
    Array.prototype.forEach.call(document.querySelectorAll("[data-currency]"), function (e) { e.textContent = cur; });
    counted = { done: done, total: total };
    var bar = document.getElementById("progress");
    bar.max = Math.max(total, 1); bar.value = done;
    var mins = Math.ceil(seconds / 60);
    var counts = { done: done, total: total, mins: mins };
    var t = done === total ? T("%(done)s of %(total)s answered · all done", counts)
      : mins === 1 ? T("%(done)s of %(total)s answered · about %(mins)s minute left", counts)
      : T("%(done)s of %(total)s answered · about %(mins)s minutes left", counts);
    var p = document.getElementById("progress-text");
    if (p.textContent !== t) p.textContent = t;
  }
  var storageOk = true;
  function persist() {
    try { localStorage.setItem(S.storage_key, JSON.stringify({ v: 1, state: st })); }
    catch (e) {
      if (storageOk) say(T("This browser does not keep answers for this page: press “Save answers” before you close it."), true);
      storageOk = false;
    }
  }
  function load(state, fromServer) {
    st = JSON.parse(JSON.stringify(state));
    keys().forEach(function (k) { write(k, st[k]); if (st[k] !== undefined) validate(k); else showError(k, ""); });
    Object.keys(fromServer || {}).forEach(function (k) { showError(k, fromServer[k]); });
    refresh();
  }
  // While a value is being typed ("180," on the way to "180,000") its error waits
  // for a pause or for the field's blur, so it neither flashes nor is read out on
  // every key; an error that the typing fixes goes at once.
  var PAUSE = 600, pending = {};
  function typing(ev) { return ev.type === "input" && ev.target.type !== "radio" && ev.target.type !== "checkbox"; }
  function onChange(ev) {
    var key = ev.target.name;
    if (!key || key === "answers") return;
    st[key] = read(key);
    clearTimeout(pending[key]);
    if (typing(ev) && !check(key, st[key]).ok) {
      var w = wrapper(key);
      if (w) w.classList.remove("answered");
      pending[key] = setTimeout(function () { validate(key); }, PAUSE);
    } else validate(key);
    if (key === "p:currency") Object.keys(FIELDS).forEach(function (k) { if (st[k] !== undefined) validate(k); });  // an amount in another currency
    refresh();
    persist();
  }
  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  form.addEventListener("focusout", function (ev) {
    var key = ev.target.name;
    if (key && pending[key] !== undefined) { clearTimeout(pending[key]); delete pending[key]; validate(key); }
  });

  // Enter in a field moves to the next one, as Tab does: the questionnaire is
  // sent only by its "See my report" button, never by a stray Enter.
  form.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (ev.key !== "Enter" || el.tagName !== "INPUT" || el.type === "submit" || el.type === "button") return;
    ev.preventDefault();
    var all = Array.prototype.filter.call(form.querySelectorAll("input, button, select, textarea"), function (e) {
      return e.type !== "hidden" && !e.disabled && e.offsetParent !== null && !(e.type === "radio" && e.name === el.name && e !== el);
    });
    var next = all[all.indexOf(el) + 1];
    if (next) next.focus();
  });

  // The sticky header's height, kept as the page's scroll padding, so that a
  // focused field or a linked question lands below the header, never under it.
  var top = document.querySelector(".top");
  function stuck() { return getComputedStyle(top).position === "sticky"; }
  function pad() { document.documentElement.style.scrollPaddingTop = stuck() ? (top.offsetHeight + 16) + "px" : ""; }
  pad();
  window.addEventListener("resize", pad);
  if (window.ResizeObserver) new ResizeObserver(pad).observe(top);
  document.addEventListener("focusin", function (ev) {
    if (!stuck() || ev.target === top || top.contains(ev.target)) return;
    var under = top.getBoundingClientRect().bottom + 8 - ev.target.getBoundingClientRect().top;
    if (under > 0) window.scrollBy(0, -under);
  });

  form.addEventListener("click", function (ev) {
    var key = ev.target.getAttribute && ev.target.getAttribute("data-clear");
    if (!key) return;
    delete st[key]; write(key, null); validate(key); refresh(); persist();
    var first = inputs(key)[0]; if (first) first.focus();
  });

  function problems() {
    var prof = profile(st), bad = [];
    keys().forEach(function (k) {
      if (FIELDS[k] && applies(k, prof) === false) return;
      var r = validate(k);
      if (!r.ok) bad.push(k);
    });
    if (bad.length) {
      say(bad.length === 1 ? T("%(n)s answer needs fixing first; the first one has the focus.", { n: bad.length })
        : T("%(n)s answers need fixing first; the first one has the focus.", { n: bad.length }), true);
      var el = inputs(bad[0])[0]; if (el) el.focus();
    }
    return bad;
  }
  function save() {
    if (problems().length) return;
    var blob = new Blob([toYaml(st)], { type: "application/x-yaml" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = "answers.yaml";
    document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    say(T("Saved answers.yaml to your downloads. Send that file to your consultant, or load it here later."));
  }
  document.getElementById("save").addEventListener("click", save);
  document.getElementById("save-bottom").addEventListener("click", save);
  // An empty or nearly empty questionnaire asks first: its report would be
  // pages of "not assessed".
  var sure = false, ask = document.getElementById("confirm-empty");
  form.addEventListener("submit", function (ev) {
    if (problems().length) { ev.preventDefault(); return; }
    if (!sure && counted.done * 5 < counted.total) {
      ev.preventDefault();
      document.getElementById("confirm-empty-text").textContent = T(
        "Only %(done)s of %(total)s questions are answered: the report will mark the rest as not assessed. See it anyway?", counted);
      ask.hidden = false;
      document.getElementById("confirm-go").focus();
      return;
    }
    sure = false;
    document.getElementById("answers-field").value = toYaml(st);
  });
  document.getElementById("confirm-go").addEventListener("click", function () {
    sure = true; ask.hidden = true;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
  document.getElementById("confirm-back").addEventListener("click", function () {
    ask.hidden = true;
    var first = Array.prototype.find.call(form.querySelectorAll("input"), function (e) {
      if (e.type === "hidden" || e.offsetParent === null) return false;
      var r = check(e.name, read(e.name));
      return r.ok && r.blank;
    });
    (first || document.getElementById("f-p-name")).focus();
  });
  document.getElementById("load").addEventListener("change", function (ev) {
    var file = ev.target.files && ev.target.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var got = stateFromDoc(parseSaved(String(reader.result)));
        load(got.state); persist();
        say(got.unknown.length ? T("Loaded %(file)s. Not asked in this form, kept as they were: %(ids)s.", { file: file.name, ids: got.unknown.join(", ") })
          : T("Loaded %(file)s.", { file: file.name }));
      } catch (e) {
        say(T("Could not read %(file)s: %(error)s. Load a file this form saved, or ask your consultant for a form prefilled with it.",
              { file: file.name, error: e.message }), true);
      }
      ev.target.value = "";
    };
    reader.readAsText(file);
  });
  document.getElementById("clear").addEventListener("click", function () {
    if (!window.confirm(T("Clear every answer on this page?"))) return;
    load({}); persist(); say(T("All answers cleared."));
  });

  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(S.storage_key) || "null"); } catch (e) { saved = null; }
  if (saved && saved.v === 1 && !S.prefer_prefill) load(saved.state, {});
  else load(S.prefill, S.errors);
  if (S.prefer_prefill) persist();
})();
