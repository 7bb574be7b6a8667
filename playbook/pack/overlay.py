"""Loading a rule pack, the overlay stage: `disable:` and `override:`.

A pack that `extends:` another may drop items of the packs below it by id and
replace fields of others; this runs on the raw items after each file is read,
before anything is compiled, and records where each overridden field was set
so that messages point at the overlay's line. playbook/pack/load.py runs the
stages and re-exports this name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playbook.base.suggest import did_you_mean
from playbook.base.yamlio import Document, PathKey

if TYPE_CHECKING:
    from playbook.pack.build import _Builder


def _apply_overlay(b: _Builder, doc: Document, broken: set[tuple[str, PathKey]]) -> None:
    """`disable:` and `override:` of an extending pack, applied to the items read so far."""
    # parts the schema stage refused are left out here as everywhere: their
    # shape (`disable: {actions: true}`, an override that is not a mapping) is unknown
    disable = doc.data.get("disable")
    for kind, ids in (disable.items() if isinstance(disable, dict) else ()):
        if (doc.file, ("disable", kind)) in broken or kind not in b.raw or not isinstance(ids, list):
            continue
        for j, iid in enumerate(ids):
            if (doc.file, ("disable", kind, j)) in broken or not isinstance(iid, str):
                continue
            known = [x[2].get("id") for x in b.raw[kind]]
            if iid not in known:
                b.err(doc, ("disable", kind, j), f"cannot disable unknown {kind[:-1].replace('_', ' ')} {iid!r}"
                      f"{did_you_mean(iid, [k for k in known if isinstance(k, str)])}", "unknown-override")
                continue
            b.raw[kind] = [x for x in b.raw[kind] if x[2].get("id") != iid]
            b.disabled.add(iid)
    override = doc.data.get("override")
    for kind, entries in (override.items() if isinstance(override, dict) else ()):
        if (doc.file, ("override", kind)) in broken or kind not in b.raw or not isinstance(entries, list):
            continue
        for j, entry in enumerate(entries):
            if ((doc.file, ("override", kind, j)) in broken or not isinstance(entry, dict)
                    or not isinstance(entry.get("id"), str)):
                continue
            known = [x[2].get("id") for x in b.raw[kind]]
            iid = entry["id"]
            if iid not in known and iid in b.disabled:
                b.err(doc, ("override", kind, j, "id"), f"cannot override {iid!r}: this pack also disables it",
                      "unknown-override")
                continue
            if iid not in known:
                b.err(doc, ("override", kind, j, "id"), f"cannot override unknown {kind[:-1].replace('_', ' ')} "
                      f"{iid!r}{did_you_mean(iid, [k for k in known if isinstance(k, str)])}", "unknown-override")
                continue
            i = known.index(iid)
            bdoc, bpath, item = b.raw[kind][i]
            b.raw[kind][i] = (bdoc, bpath, {**item, **entry})
            for field in entry:
                if field != "id":
                    b.overridden[(kind, iid, field)] = (doc, ("override", kind, j, field))

