"""What the columns of a customer export mean: ours, a CRM's, or the user's map.

A column is read by its meaning, never by its spelling alone. Three sources
say what a column means, in this order:

1. a map the user gives (``customers: {file: x.csv, columns: {revenue: "ARR (USD)"}}``
   in the answers file, or ``assess --columns map.yaml``);
2. a CRM profile, chosen when the header is the one that CRM writes
   (Salesforce, HubSpot, Dynamics 365 opportunity exports of renewals);
3. our documented columns and the few other words that mean the same
   (``arr``, ``customer_name``).

A CRM's ``Annual Revenue`` is the customer company's own turnover, and
``Employees``, ``Account ID`` and ``Status`` are not a revenue, a renewal or
a churn date either: no profile, alias or suggestion ever maps them there.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from playbook.i18n import N_

# canonical column -> what it means (the documented columns, in this order)
COLUMNS: dict[str, str] = {
    "name": N_("customer name (required)"),
    "stage": N_("cloud-maturity stage id (ad_hoc, opportunistic, repeatable, managed, optimized)"),
    "revenue": N_("annual recurring revenue (ARR)"),
    "mrr": N_("monthly recurring revenue, used when there is no annual figure"),
    "first_purchase": N_("first purchase date, YYYY-MM-DD"),
    "renewal_date": N_("next renewal date, YYYY-MM-DD"),
    "services": N_("services consumed, separated by ; or |"),
    "seats": N_("licensed seats"),
    "industry": N_("industry"),
    "size": N_("company size (e.g. small, mid, enterprise)"),
    "nps": N_("last NPS response, 0-10"),
    "ended": N_("date the customer left (blank when still a customer)"),
}
# What a CRM profile reads beside ours: an opportunity's close date and its
# outcome, which together give the renewal date (open) or the date a customer
# left (lost).
CLOSE, OUTCOME = "close_date", "outcome"
MEANINGS: dict[str, str] = {
    **COLUMNS,
    CLOSE: N_("close date of the renewal: the renewal date while open, the date the customer left when lost"),
    OUTCOME: N_("stage of the renewal: open, won or lost"),
}
# The kind of value each column holds; a header is only ever suggested as a
# column of its own kind, and ids never as anything.
KIND: dict[str, str] = {
    "name": "text", "stage": "text", "industry": "text", "size": "text", "services": "text", OUTCOME: "text",
    "revenue": "money", "mrr": "money", "seats": "count", "nps": "count",
    "first_purchase": "date", "renewal_date": "date", "ended": "date", CLOSE: "date",
}

# Header words people's exports use for our columns (after normalising).
ALIASES: dict[str, str] = {
    "customer": "name", "customer_name": "name", "account": "name", "account_name": "name",
    "company": "name", "company_name": "name",
    "maturity": "stage", "cloud_maturity": "stage", "maturity_stage": "stage", "cloud_stage": "stage",
    "arr": "revenue", "annual_recurring_revenue": "revenue", "arr_usd": "revenue",
    "monthly_recurring_revenue": "mrr", "monthly_revenue": "mrr",
    "first_purchase_date": "first_purchase", "customer_since": "first_purchase",
    "renewal": "renewal_date", "renewal_on": "renewal_date", "next_renewal": "renewal_date",
    "next_renewal_date": "renewal_date", "contract_end_date": "renewal_date", "contract_end": "renewal_date",
    "subscription_end_date": "renewal_date",
    "service": "services", "products": "services",
    "licenses": "seats", "licences": "seats", "users": "seats",
    "vertical": "industry", "sector": "industry",
    "company_size": "size", "segment": "size",
    "last_nps": "nps", "last_nps_response": "nps", "nps_response": "nps", "nps_score": "nps",
    "ended_date": "ended", "ended_on": "ended", "churned_on": "ended", "churn_date": "ended",
    "cancelled_on": "ended",
}
# Headers a CRM writes that mean something else than any of our columns,
# with what they do mean (shown among the columns not used).
NOT_OURS: dict[str, str] = {
    "annual_revenue": N_("the customer company's own yearly turnover, not what it pays you"),
    "employees": N_("the customer company's head count"),
    "number_of_employees": N_("the customer company's head count"),
    "account_id": N_("the CRM's record id"),
    "status": N_("a record status, not a renewal or churn date"),
}


def norm(header: str) -> str:
    """A header as compared: lower case, words joined by _ (``Close Date`` -> ``close_date``)."""
    return "_".join(header.strip().lower().replace("-", " ").replace("/", " ").replace(".", " ").split())


@dataclass(frozen=True)
class Profile:
    """How one CRM writes a renewal-opportunity export."""

    name: str
    signature: frozenset[str]  # normalised headers that all appear in this CRM's export
    columns: Mapping[str, tuple[str, ...]]  # our column -> its headers, the first non-blank cell wins
    won: frozenset[str] = frozenset()  # outcome values (lower case) of a renewal that happened
    lost: frozenset[str] = frozenset()  # ... of a renewal that did not: the customer left
    notes: Mapping[str, str] = field(default_factory=dict)  # header -> what it is, when not used


_STAGE_NOTE = {"type": N_("the opportunity type (new business, renewal); every row is read as one customer")}
PROFILES: tuple[Profile, ...] = (
    Profile("Salesforce opportunities", frozenset({"account_name", "stage", "close_date", "amount"}),
            {"name": ("Account Name",), "revenue": ("Amount",), CLOSE: ("Close Date",), OUTCOME: ("Stage",),
             "industry": ("Industry",)},
            frozenset({"closed won"}), frozenset({"closed lost"}), _STAGE_NOTE),
    Profile("HubSpot deals", frozenset({"deal_stage", "close_date", "amount", "company_name"}),
            {"name": ("Company name",), "revenue": ("Amount",), CLOSE: ("Close Date",),
             OUTCOME: ("Deal Stage",), "industry": ("Industry",)},
            frozenset({"closed won", "closedwon"}), frozenset({"closed lost", "closedlost"}),
            {"create_date": N_("when the deal was entered in HubSpot, not a first purchase")}),
    Profile("Dynamics 365 opportunities", frozenset({"account_name", "est_close_date", "est_revenue",
                                                    "status_reason"}),
            {"name": ("Account Name",), "revenue": ("Actual Revenue", "Est. Revenue"),
             CLOSE: ("Actual Close Date", "Est. Close Date"), OUTCOME: ("Status Reason",),
             "industry": ("Industry",)},
            frozenset({"won"}), frozenset({"canceled", "cancelled", "out-sold", "outsold", "lost"}),
            {"status": N_("the record state (Open, Won, Lost); Status Reason is read for the outcome")}),
)


def detect(headers: Sequence[str]) -> Profile | None:
    """The CRM profile whose signature the header carries, or None."""
    have = {norm(h) for h in headers}
    for p in PROFILES:
        if p.signature <= have:
            return p
    return None


def header_kind(key: str) -> str:
    """The kind of value a header's words say it holds (for suggestions only:
    a guess from words never maps a column)."""
    words = set(key.split("_"))
    if words & {"id", "number", "no", "code", "key", "guid"}:
        return "id"
    if words & {"date", "on", "since", "at", "day"}:
        return "date"
    if words & {"revenue", "arr", "mrr", "amount", "value", "price", "usd", "eur"}:
        return "money"
    if words & {"seats", "licenses", "licences", "users", "count", "nps", "score"}:
        return "count"
    return "text"


# A header longer than this is not a column name; nothing is suggested for it.
_MAX_SUGGEST = 60


def suggest(key: str, limit_left: int) -> str:
    """' (did you mean 'renewal_date'?)' for a mistyped header, among our
    columns of the same kind only, and only while `limit_left` > 0 (the caller
    counts, so a header of 300,000 unknown columns costs no comparisons)."""
    if limit_left <= 0 or not key or len(key) > _MAX_SUGGEST:
        return ""
    kind = header_kind(key)
    if kind == "id" or key in NOT_OURS:
        return ""
    # a header whose words name no kind (renewl) may be a slip for any column; one that
    # names a kind (Contract End Date: a date) only for a column of that kind
    names = [c for c in (*COLUMNS, *ALIASES) if kind == "text" or KIND[ALIASES.get(c, c)] == kind]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.8)
    return f"; did you mean {close[0]!r}?" if close else ""
