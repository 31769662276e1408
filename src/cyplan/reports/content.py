"""What a board pack and a scrutiny report say, gathered from the live plan as plain data.

The renderers (HTML, PDF, Word, Excel) draw the same ``BoardPack``; nothing here knows about
a file format. A pack covers only what its board monitors (a whole plan, or some of its
priorities and commitments), and the latest update of each action up to the pack's period:
approved updates only for a public pack; submitted ones too for a staff pack.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.utils import timezone

from cyplan.core.demo_mode import real_only
from cyplan.delivery.models import ProgressUpdate
from cyplan.delivery.periods import (
    Period,
    PeriodError,
    label_for_key,
    parse_period,
    period_by_key,
    period_containing,
    periods_between,
    previous_period,
    short_label,
)
from cyplan.delivery.rollup import NO_UPDATE, STATUS_LABELS, is_overdue, leaf_ids
from cyplan.outcomes.pages import scorecard
from cyplan.outcomes.presentation import present
from cyplan.plans.contributions import Contribution, delivering_actions
from cyplan.plans.models import Board, BoardMonitoring, Plan
from cyplan.plans.nodes import NodeInfo, plan_nodes

#: Statuses that make an action an exception, in the order a board reads them.
EXCEPTION_ORDER = ("off_track", "at_risk", "overdue", NO_UPDATE)
EXCEPTION_LABELS = {
    "off_track": "Off track",
    "at_risk": "At risk",
    "overdue": "Overdue",
    NO_UPDATE: "No update",
}
STATUS_ORDER = ("off_track", "at_risk", "on_track", "not_started", "complete", "dropped", NO_UPDATE)


class ReportError(Exception):
    """The report cannot be made as asked; the message says what to do instead."""


@dataclass
class PackAction:
    node: NodeInfo
    priority: str
    commitment: str
    measures: list[str]
    status: str
    overdue: bool
    narrative: str
    update_period: str
    update_state: str
    is_example: bool
    plan_title: str = ""  # set for an action of another plan that delivers this one
    link: Contribution | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def leads(self) -> str:
        return (
            "; ".join(
                f"{lead.role} ({lead.organisation_name})" if lead.organisation_name else lead.role
                for lead in self.node.leads
            )
            or "Not named"
        )

    @property
    def target(self) -> str:
        return self.node.target_date_text or (
            self.node.target_date.strftime("%-d %B %Y") if self.node.target_date else "None given"
        )

    @property
    def exception(self) -> str | None:
        """Why this action is an exception (the most serious reason), or None."""
        if self.status in ("off_track", "at_risk"):
            return self.status
        if self.overdue:
            return "overdue"
        if self.status == NO_UPDATE:
            return NO_UPDATE
        return None


@dataclass
class PackPriority:
    node: NodeInfo
    actions: list[PackAction]
    counts: Counter
    delivered_by: list[PackAction] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.node.label}: {self.node.title}"


@dataclass
class ScoreLine:
    code: str
    title: str
    period: str
    value: str
    england: str
    comparison: str
    trend: str
    target: str
    revealed: bool


@dataclass
class Section:
    """A section another part of cyplan adds to a pack (voice, disproportionality)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    label: str = ""  # e.g. "Synthetic data"
    revealed: bool = False  # holds figures the public would see as "c" (staff packs only)


@dataclass
class PackPlan:
    plan: Plan
    period: Period
    previous: Period | None
    counts: Counter
    previous_counts: Counter
    priorities: list[PackPriority]
    exceptions: list[PackAction]
    actions: list[PackAction]
    scorecard: list[ScoreLine]
    spine_rows: list = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    live: bool = True  # the plan's own dates cover the period
    delivering: list[PackAction] = field(default_factory=list)  # other plans' actions, once each

    @property
    def not_live_note(self) -> str:
        """Why the plan's own actions are not in the pack, when its dates miss the period."""
        if self.live:
            return ""
        ran = (
            f"{self.plan.period_start:%B %Y} to {self.plan.period_end:%B %Y}"
            if self.plan.period_start.year != self.plan.period_end.year
            or self.plan.period_start.month != self.plan.period_end.month
            else f"{self.plan.period_start:%B %Y}"
        )
        return (
            f"The {self.plan.title} ran from {ran}, so its own actions have no updates due "
            f"in {short_label(self.period)}."
        )

    @property
    def has_content(self) -> bool:
        return self.live or bool(self.delivering)

    @property
    def status_rows(self) -> list[tuple[str, int, int, int]]:
        """(label, now, last period, change) for every status, in reading order."""
        rows = []
        for status in STATUS_ORDER:
            now, before = self.counts.get(status, 0), self.previous_counts.get(status, 0)
            if now or before:
                rows.append((STATUS_LABELS[status], now, before, now - before))
        return rows

    @property
    def overdue_count(self) -> int:
        return sum(1 for a in self.actions + self.delivering if a.overdue)

    @property
    def has_examples(self) -> bool:
        return any(a.is_example for a in self.actions + self.delivering)

    @property
    def all_actions(self) -> list[PackAction]:
        """The plan's own actions, then those of other plans that deliver its priorities."""
        return self.actions + self.delivering


@dataclass
class BoardPack:
    board: Board | None
    title: str
    period_label: str
    public: bool
    generated: datetime
    plans: list[PackPlan]
    period: Period | None = None

    @property
    def nothing_live(self) -> bool:
        """No plan the board monitors, and no action delivering one, runs in the period."""
        return not any(p.has_content for p in self.plans)

    @property
    def nothing_live_note(self) -> str:
        if not self.nothing_live:
            return ""
        board = self.board.name if self.board else "This board"
        return (
            f"Nothing that {board} monitors was live in {self.period_label}: "
            + " ".join(p.not_live_note for p in self.plans)
            + " No action of another plan that delivers its priorities ran then either."
        )

    @property
    def contains_unsuppressed(self) -> bool:
        return not self.public and any(
            [line.revealed for p in self.plans for line in p.scorecard]
            + [section.revealed for p in self.plans for section in p.sections]
        )

    @property
    def exceptions(self) -> list[tuple[PackPlan, PackAction]]:
        return [(p, a) for p in self.plans for a in p.exceptions]


#: Functions that add sections to a plan's part of a pack: f(plan, period, public) -> [Section].
SECTION_PROVIDERS: list = []


def register_default_providers() -> None:
    """Add the voice and disproportionality highlights to :data:`SECTION_PROVIDERS` (once).

    Called when a pack is built rather than at start-up (see ReportsConfig.ready).
    """
    from cyplan.reports import highlights

    for provider in (highlights.voice_highlights, highlights.disproportionality_highlights):
        if provider not in SECTION_PROVIDERS:
            SECTION_PROVIDERS.append(provider)


def find_board(name: str) -> Board:
    """A board by its key or name (any case); an unknown or ambiguous name says what exists."""
    wanted = name.strip().casefold()
    boards = [b for b in Board.objects.all() if wanted in (b.key.casefold(), b.name.casefold())]
    if len(boards) == 1:
        return boards[0]
    monitoring = Board.objects.filter(monitoring__isnull=False).distinct().order_by("name")
    names = ", ".join(f"{b.key} ({b.name})" for b in monitoring)
    if not boards:
        raise ReportError(f"No board called {name!r}. Boards that monitor a plan: {names}")
    raise ReportError(f"{len(boards)} boards are called {name!r}: give its key instead ({names})")


def _latest_by_node(
    leaf_ids_: set[int], period_key: str, public: bool
) -> dict[int, ProgressUpdate]:
    """Each action's latest update at or before the period."""
    states = [ProgressUpdate.State.APPROVED]
    if not public:
        states.append(ProgressUpdate.State.SUBMITTED)
    updates = (
        real_only(
            ProgressUpdate.objects.filter(
                node_id__in=leaf_ids_, period__lte=period_key, state__in=states
            )
        )
        .order_by("node_id", "period", "id")
        .only("node_id", "period", "status", "narrative", "state", "is_example")
    )
    latest: dict[int, ProgressUpdate] = {}
    for update in updates:  # ordered, so the last one seen for a node is its latest
        latest[update.node_id] = update
    return latest


def _monitored(plan: Plan, board: Board | None, nodes: list[NodeInfo]) -> set[int] | None:
    """Node ids a board monitors in a plan (None: the whole plan)."""
    if board is None:
        return None
    rows = BoardMonitoring.objects.filter(plan=plan, board=board)
    if rows.filter(node__isnull=True).exists():
        return None
    chosen = set(rows.values_list("node_id", flat=True))
    children: dict[int | None, list[int]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node.id)
    result, stack = set(), list(chosen)
    while stack:
        current = stack.pop()
        result.add(current)
        stack.extend(children.get(current, []))
    # The ancestors of what is monitored give its actions their place in the plan.
    by_id = {n.id: n for n in nodes}
    for node_id in list(result):
        parent = by_id[node_id].parent_id
        while parent is not None and parent not in result:
            result.add(parent)
            parent = by_id[parent].parent_id
    return result


def plan_period(plan: Plan, key: str | None, today: date | None = None) -> Period:
    """The plan's reporting period with this key (default: the current one)."""
    periods = periods_between(plan.period_start, plan.period_end, plan.reporting_period)
    if key is None:
        today = today or timezone.localdate()
        past = [p for p in periods if p.start <= today]
        return past[-1] if past else periods[0]
    asked = read_period(key)
    period = period_by_key(asked.key, plan.reporting_period, plan.period_start, plan.period_end)
    if period is None:
        choices = ", ".join(short_label(p) for p in periods)
        raise ReportError(
            f"{plan.title} has no reporting period {short_label(asked)}. Its periods: {choices}"
        )
    return period


def read_period(text: str) -> Period:
    """A period as a person writes it ('Q3 2024/25' or '2024-25-Q3'); ReportError if unreadable."""
    try:
        return parse_period(text)
    except PeriodError as error:
        raise ReportError(str(error)) from None


def _plan_period_for(plan: Plan, period: Period) -> Period | None:
    """The plan's own period that holds the end of ``period``, if the plan runs then."""
    if plan.period_end < period.start or plan.period_start > period.end:
        return None
    day = min(max(period.end, plan.period_start), plan.period_end)
    return period_containing(day, plan.reporting_period)


def _actions(plan, nodes, keep, period: Period, public: bool) -> list[PackAction]:
    leaves = leaf_ids(nodes)
    if keep is not None:
        leaves &= keep
    latest = _latest_by_node(leaves, period.key, public)
    by_id = {n.id: n for n in nodes}
    actions = []
    for node in nodes:
        if node.id not in leaves:
            continue
        update = latest.get(node.id)
        status = update.status if update else NO_UPDATE
        top, commitment = node, None
        while top.parent_id is not None:
            if top.kind == "commitment":
                commitment = top
            top = by_id[top.parent_id]
        actions.append(
            PackAction(
                node=node,
                priority=f"{top.label}: {top.title}",
                commitment=f"{commitment.label} {commitment.title}"
                if commitment and commitment is not node
                else "",
                measures=[],
                status=status,
                overdue=is_overdue(node.target_date, status, period.end),
                narrative=update.narrative if update else "",
                update_period=label_for_key(update.period) if update else "",
                update_state=update.get_state_display() if update else "",
                is_example=bool(update and update.is_example),
            )
        )
    measures = dict(
        plan.nodes.filter(id__in=[a.node.id for a in actions]).values_list("id", "measures")
    )
    for action in actions:
        action.measures = list(measures.get(action.node.id) or [])
    return actions


def _scorecard(plan: Plan, public: bool) -> tuple[list[ScoreLine], list]:
    lines, spine = [], []
    for row in scorecard(plan, plan.area.code):
        c = row.comparison
        if c is None:
            continue
        shown = present(c.area, row.unit, public=public)
        england = next((b for b in c.benchmarks if b["role"] == "England"), None)
        target = ""
        if c.target and not shown.suppressed:
            target = f"{c.target['value']:g} ({c.target['rag']})"
        lines.append(
            ScoreLine(
                code=row.code,
                title=row.title,
                period=c.area.period,
                value=shown.value + (" (not suppressed)" if shown.revealed_to_staff else ""),
                england=""
                if england is None or england["value"] is None
                else f"{england['value']:g}",
                comparison="not compared (suppressed)"
                if shown.suppressed
                else england["comparison"]
                if england
                else "not compared",
                trend="" if shown.suppressed else c.trend["label"] if c.trend else "",
                target=target,
                revealed=shown.revealed_to_staff,
            )
        )
        spine.append((row, shown))
    return lines, spine


def _delivering(
    plan: Plan, nodes: list[NodeInfo], keep: set[int] | None, period: Period, public: bool
) -> tuple[dict[int, list[PackAction]], list[PackAction], list[PackAction]]:
    """Other plans' actions under each priority, once each now and at the previous period.

    Each plan's actions are read at its own period holding the end of ``period``; a plan that
    does not run in the period adds nothing.
    """
    under: dict[int, list[PackAction]] = {}
    now: dict[int, PackAction] = {}
    before: dict[int, PackAction] = {}
    contributions = [
        c for c in delivering_actions(plan, nodes) if keep is None or c.target.id in keep
    ]
    by_plan: dict[int, list[Contribution]] = {}
    for c in contributions:
        by_plan.setdefault(c.plan.id, []).append(c)
    for group in by_plan.values():
        other = group[0].plan
        other_period = _plan_period_for(other, period)
        if other_period is None:
            continue
        other_nodes = plan_nodes(other)
        wanted = {c.action.id for c in group}
        actions = {a.node.id: a for a in _actions(other, other_nodes, wanted, other_period, public)}
        earlier = _plan_period_for(other, previous_period(period))
        if earlier is not None:
            for a in _actions(other, other_nodes, wanted, earlier, public):
                before.setdefault(a.node.id, a)
        for c in group:
            action = actions[c.action.id]
            action.plan_title = other.title
            now.setdefault(c.action.id, action)
            under.setdefault(c.target.id, []).append(
                replace(action, plan_title=other.title, link=c)
            )
    return under, list(now.values()), list(before.values())


def plan_part(plan: Plan, board: Board | None, period: Period, *, public: bool) -> PackPlan:
    """A plan's part of a pack for a period: its own actions when the plan runs then, and
    the actions of other plans that deliver its priorities."""
    nodes = plan_nodes(plan)
    keep = _monitored(plan, board, nodes)
    own = _plan_period_for(plan, period)
    live = own is not None
    if own is not None:
        periods = periods_between(plan.period_start, plan.period_end, plan.reporting_period)
        index = periods.index(own)
        previous = periods[index - 1] if index > 0 else None
        period = own
        actions = _actions(plan, nodes, keep, own, public)
        before = _actions(plan, nodes, keep, previous, public) if previous else []
    else:
        previous = previous_period(period)
        actions, before = [], []
    under, delivering, delivering_before = _delivering(plan, nodes, keep, period, public)
    priorities = []
    for top in nodes:
        if top.parent_id is not None or (keep is not None and top.id not in keep):
            continue
        mine = [a for a in actions if a.priority == f"{top.label}: {top.title}"]
        priorities.append(
            PackPriority(top, mine, Counter(a.status for a in mine), under.get(top.id, []))
        )
    rank = {reason: i for i, reason in enumerate(EXCEPTION_ORDER)}
    exceptions = sorted(
        (a for a in actions + delivering if a.exception), key=lambda a: rank[a.exception]
    )
    lines, spine = _scorecard(plan, public)
    part = PackPlan(
        plan=plan,
        period=period,
        previous=previous,
        counts=Counter(a.status for a in actions + delivering),
        previous_counts=Counter(a.status for a in before + delivering_before),
        priorities=priorities,
        exceptions=exceptions,
        actions=actions,
        scorecard=lines,
        spine_rows=spine,
        live=live,
        delivering=delivering,
    )
    register_default_providers()
    for provider in SECTION_PROVIDERS:
        part.sections.extend(provider(plan, period, public))
    return part


def board_pack(board_name: str, period: str | None = None, *, public: bool) -> BoardPack:
    """The pack for a board: each plan it monitors, for the period (default: the current one).

    The period is written as people write it ('Q3 2024/25') or as a key ('2024-25-Q3'). A plan
    whose dates miss the period still brings the actions of other plans that deliver its
    priorities; when nothing the board monitors runs then, the pack says so. Raises
    ReportError (saying what exists) for an unknown board, an unreadable period, or a board
    that monitors no plan.
    """
    board = find_board(board_name)
    plan_ids = BoardMonitoring.objects.filter(board=board).values_list("plan_id", flat=True)
    plans = list(
        Plan.objects.filter(id__in=plan_ids)
        .select_related("area")
        .order_by("period_start", "title")
    )
    if public:
        plans = [p for p in plans if p.status == Plan.Status.PUBLISHED]
    if not plans:
        raise ReportError(
            f"{board.name} monitors no {'published ' if public else ''}plan, so it has no pack"
        )
    if period:
        chosen = read_period(period)
    else:  # the current period of the board's latest plan
        latest = max(plans, key=lambda p: (p.period_end, p.period_start))
        chosen = plan_period(latest, None)
    parts = [plan_part(plan, board, chosen, public=public) for plan in plans]
    return BoardPack(
        board=board,
        title=f"{board.name}: board pack",
        period_label=chosen.label,
        public=public,
        generated=timezone.now(),
        plans=parts,
        period=chosen,
    )


def scrutiny_rows(
    plan: Plan, period_key: str | None = None, *, public: bool = True
) -> tuple[Period, list[PackAction]]:
    """Every action of a plan with its latest update, for a scrutiny committee's table."""
    period = plan_period(plan, period_key)
    return period, _actions(plan, plan_nodes(plan), None, period, public)
