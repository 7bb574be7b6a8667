"""The typed, immutable model of a rule pack and of a partner's answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playbook.errors import Problem

PHASES = ("start", "grow", "optimize")
TIERS = ("good", "better", "best")
LEVELS = ("low", "medium", "high")
BETTER = ("higher", "lower", "none")


@dataclass(frozen=True)
class Loc:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


# ---- conditions -----------------------------------------------------------

@dataclass(frozen=True)
class Leaf:
    subject: str  # question | metric | profile | finding
    ref: str  # the id of the question / metric / profile field / benchmark
    op: str
    value: Any  # operand as compiled (choices become positions when ordered)
    shown: Any  # operand as the author wrote it, for messages
    loc: Loc
    order: tuple[str, ...] = ()  # ordered choices: answers compare by position


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]
    loc: Loc


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]
    loc: Loc


@dataclass(frozen=True)
class Not:
    item: Condition
    loc: Loc


Condition = Leaf | All | AnyOf | Not


# ---- pack -----------------------------------------------------------------

@dataclass(frozen=True)
class Area:
    id: str
    name: str


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    description: str
    source: str


@dataclass(frozen=True)
class Service:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class MaturityStage:
    id: str
    name: str
    description: str
    services: tuple[Service, ...]
    source: str


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    section: str
    type: str
    choices: tuple[str, ...]
    ordered: bool
    unit: str
    min: float | None
    max: float | None
    source: str
    loc: Loc
    quick: bool = False  # asked in the short questionnaire (`init --quick`, the form's quick mode)
    # a condition over profile leaves only: when it is false for the partner the
    # question is not asked and never reported as not assessed
    applies_when: Condition | None = None
    replaces: tuple[str, ...] = ()  # retired ids whose answers are read as this question
    choice_labels: tuple[str, ...] = ()  # a translation's words for `choices`, in order; () shows the ids
    # guide passages beyond `source` whose practice this question's text and help
    # ask as they stand: a rule citing another passage must not be ticked on it
    also_asks: tuple[str, ...] = ()

    def choice_label(self, choice: str) -> str:
        """How a choice is shown: its translated label, else the id in words."""
        if self.choice_labels and choice in self.choices:
            return self.choice_labels[self.choices.index(choice)]
        return choice.replace("_", " ")


@dataclass(frozen=True)
class Formula:
    op: str  # metric | const | add | sub | mul | div | min | max
    args: tuple[Formula, ...] = ()
    ref: str = ""
    const: float = 0.0


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    unit: str
    better: str
    min: float | None
    max: float | None
    description: str
    source: str
    compute: str | None  # a named computation
    formula: Formula | None
    loc: Loc
    quick: bool = False
    applies_when: Condition | None = None  # profile leaves only, as for questions


@dataclass(frozen=True)
class Band:
    when: Leaf
    label: str
    source: str


@dataclass(frozen=True)
class Benchmark:
    id: str
    metric: str
    target: Leaf
    target_text: str
    applies_when: Condition | None
    bands: tuple[Band, ...]
    source: str
    notes: str
    loc: Loc


@dataclass(frozen=True)
class Action:
    id: str
    title: str
    description: str
    phase: str
    tier: str | None
    area: str
    impact: str
    effort: str
    when: Condition | None
    done_when: Condition | None
    requires: tuple[str, ...]
    source: str
    notes: str
    loc: Loc
    # an item of the guide's Start/Grow/Optimize lists: only milestones decide the stage
    milestone: bool = False


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    done_when: Condition
    source: str


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    items: tuple[ChecklistItem, ...]
    source: str


@dataclass(frozen=True)
class Source:
    file: str
    title: str
    note: str = ""
    # When given, citations of this file must name one of these sections, and
    # the coverage table lists each of them, encoded or not.
    sections: tuple[str, ...] = ()
    not_encoded: tuple[tuple[str, str], ...] = ()  # (section, why nothing encodes it)


@dataclass(frozen=True)
class StageRule:
    """How milestones make a stage: the share of a phase's applicable, answered
    milestones that makes the phase "in place". `note` is the pack's own
    wording of the rule, shown in the report as the pack's reading of the guide."""
    in_place_share: float = 0.75
    note: str = ""


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    version: str
    engine: str
    description: str
    areas: tuple[Area, ...]
    sources: tuple[Source, ...]
    complete_share: float
    stages: tuple[Stage, ...]
    maturity_stages: tuple[MaturityStage, ...]
    questions: dict[str, Question]
    metrics: dict[str, Metric]
    benchmarks: tuple[Benchmark, ...]
    actions: tuple[Action, ...]
    checklists: tuple[Checklist, ...]
    root: str  # folder the pack was read from
    content_hash: str
    files: tuple[str, ...] = field(default=())
    warnings: tuple[Any, ...] = field(default=())  # Problems of severity "warning"
    disabled: tuple[str, ...] = field(default=())  # ids an extending pack disabled: answers for them are ignored
    stage_rule: StageRule = field(default=StageRule())  # complete_share is stage_rule.in_place_share
    # question/metric ids with no single successor -> what to answer instead
    retired: dict[str, str] = field(default_factory=dict)

    def milestones(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.milestone)

    def action(self, action_id: str) -> Action:
        for a in self.actions:
            if a.id == action_id:
                return a
        raise KeyError(action_id)


# ---- answers --------------------------------------------------------------

@dataclass(frozen=True)
class Customer:
    name: str
    stage: str
    revenue: float | None
    renewal_date: str | None


@dataclass(frozen=True)
class ColumnsRead:
    """What the columns of a customer export were read as, so a run can show
    it before its figures: the CRM profile chosen ("" for none), each column
    used (its header, our column, what that means) and each one not used
    (its header and why)."""

    profile: str
    used: tuple[tuple[str, str, str], ...]
    unused: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Answers:
    file: str
    partner_name: str
    assessed_on: str | None
    years_in_cloud: float | None
    focus: tuple[str, ...]
    currency: str
    answers: dict[str, Any]  # question id -> parsed value
    metrics: dict[str, float]  # metric id -> parsed value (as given)
    nps_responses: tuple[int, ...] | None
    customers: tuple[Customer, ...]
    input_hash: str
    partner_extra: dict[str, Any] = field(default_factory=dict)
    # Nothing wrong enough to stop on, but likely a slip (a percentage written as a fraction)
    warnings: tuple[Problem, ...] = ()
    # question and metric ids answered `n/a` (does not apply); not in answers / metrics
    not_applicable: frozenset[str] = frozenset()
    listed: frozenset[str] = frozenset()  # question and metric ids the file names, blank or not
    language: str = ""  # partner.language as a base tag ("de"), or "" when not given
    primary_focus: str | None = None  # one of FOCUS_VALUES, the line of business led with; also in `focus`
    customer_columns: ColumnsRead | None = None  # how the customer CSV's header was read
    locale: str = ""  # partner.language as written ("de-CH"): its region settles how numbers and dates read
