"""Search across the site: plans, their actions, leads and organisations, progress updates,
indicators and the published "you said, we did" items, with the kind of each result.

Every word searched for must be found (in any of a result's fields). Typing slips are
forgiven: a word that appears nowhere in the site's vocabulary (the words of plan titles,
node titles and texts, lead roles, organisation and indicator names) is replaced by the
vocabulary words nearest to it by edit similarity (``difflib``, ratio at least 0.8), so
"austism" finds "autism". Matching is a case-insensitive substring test in the database,
the same on SQLite and PostgreSQL, so "club" also finds "clubs".

What each person may see is the rule of the pages the results link to: plans they may
read, approved updates only for those who may not see unpublished ones, and only the
voice items published to everyone (never a flagged or unapproved one).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db.models import Prefetch, Q
from django.urls import reverse

from cyplan.accounts import permissions
from cyplan.plans import models as m
from cyplan.plans.models import Lead

MAX_WORDS = 8
MIN_SIMILARITY = 0.8
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


@dataclass(frozen=True)
class Result:
    kind: str  # what the result is, shown beside it: "Plan", "Action", "Lead", ...
    title: str
    url: str
    context: str = ""  # where it belongs (the plan's title), or a line about it


STOP_WORDS = {"of", "the", "and", "for", "&"}


def lead_key(role: str) -> str:
    """A lead role compared without case, punctuation or small words: "Director of
    Education" and "director education" are the same lead."""
    return " ".join(w for w in words_of(role) if w not in STOP_WORDS)


def words_of(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(text or "")]


_VOCABULARY: dict = {}


def _fingerprint() -> tuple:
    """Changes whenever a plan, node, lead, organisation, board or indicator is added, changed
    or removed: the vocabulary is rebuilt only then."""
    from django.db.models import Count, Max

    from cyplan.outcomes.models import Indicator

    return (
        tuple(m.Plan.objects.aggregate(n=Count("id"), at=Max("modified_on")).values()),
        tuple(m.PlanNode.objects.aggregate(n=Count("id"), at=Max("modified_on")).values()),
        m.Lead.objects.count(),
        m.Organisation.objects.aggregate(n=Count("id"), at=Max("modified_on"))["at"],
        m.Organisation.objects.count(),
        m.Board.objects.count(),
        Indicator.objects.count(),
    )


def vocabulary() -> set[str]:
    """The site's vocabulary, rebuilt when its sources change (see ``_fingerprint``)."""
    key = _fingerprint()
    if _VOCABULARY.get("key") != key:
        _VOCABULARY.clear()
        _VOCABULARY.update(key=key, words=build_vocabulary())
    return _VOCABULARY["words"]


def build_vocabulary() -> set[str]:
    """Words the site's names and plan texts use (what a misspelt word is corrected to)."""
    words: set[str] = set()
    for fields in (
        m.Plan.objects.values_list("title", "owner"),
        m.PlanNode.objects.values_list("title", "text"),
        m.PlanSection.objects.values_list("title", "text"),
        m.Lead.objects.values_list("role"),
        m.Organisation.objects.values_list("name"),
        m.Board.objects.values_list("name"),
    ):
        for row in fields.iterator():
            for value in row:
                words.update(words_of(value))
    from cyplan.outcomes.models import Indicator

    for (title,) in Indicator.objects.values_list("title").iterator():
        words.update(words_of(title))
    return {w for w in words if len(w) > 2}


def expand(words: list[str], known: set[str]) -> list[list[str]]:
    """Each word with the words it may stand for: itself when the site uses it (or a word
    containing it), else its nearest vocabulary words."""
    expanded = []
    for word in words:
        if len(word) < 4 or word in known or any(word in k for k in known):
            expanded.append([word])
            continue
        near = difflib.get_close_matches(word, known, n=3, cutoff=MIN_SIMILARITY)
        expanded.append([word, *near])
    return expanded


def _all_words(expanded: list[list[str]], fields: list[str]) -> Q:
    """Every word (or one of its alternatives) in one of ``fields``."""
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{field}__icontains": alt}) for alt in alts for field in fields))
            for alts in expanded
        ),
    )


def search(user, text: str, limit: int = 50) -> tuple[list[Result], list[str]]:
    """Results for ``text`` that ``user`` may see, and the corrections made (``"austism" ->
    "autism"``) so that the page can say what it searched for."""
    words = words_of(text)[:MAX_WORDS]
    if not words:
        return [], []
    expanded = expand(words, vocabulary())
    corrections = [f"{alts[0]} → {', '.join(alts[1:])}" for alts in expanded if len(alts) > 1]
    from cyplan.plans.queries import visible_plans

    plans = visible_plans(user)
    results: list[Result] = []

    for plan in plans.filter(
        _all_words(expanded, ["title", "owner", "summary", "vision", "sections__text"])
    ).distinct()[:limit]:
        results.append(Result("Plan", plan.title, reverse("plans:plan", args=[plan.slug])))

    nodes = (
        m.PlanNode.objects.filter(plan__in=plans)
        .filter(
            _all_words(
                expanded,
                [
                    "title",
                    "text",
                    "measures",
                    "sections",
                    "leads__role",
                    "leads__organisation__name",
                ],
            )
        )
        .select_related("plan")
        .only("id", "key", "kind", "number", "title", "position", "plan__slug", "plan__title")
        .distinct()
        .order_by("plan__title", "position")
    )
    query_key = lead_key(text)
    found = list(
        nodes.prefetch_related(Prefetch("leads", Lead.objects.only("node_id", "role")))[:limit]
    )
    found.sort(key=lambda n: not any(lead_key(x.role) == query_key for x in n.leads.all()))
    node_results = []
    for node in found[:limit]:
        node_results.append(
            Result(
                node.get_kind_display(),
                f"{node.get_kind_display()} {node.number}: {node.title}".replace("  ", " "),
                reverse("plans:node", args=[node.plan.slug, node.key]),
                node.plan.title,
            )
        )

    leads = (
        m.Lead.objects.filter(node__plan__in=plans)
        .filter(_all_words(expanded, ["role"]))
        .values_list("role", "node__plan__slug", "node__plan__title", "node_id")
    )
    # One result per lead of a plan, however the plan spells the role ("Director Education"
    # and "Director of Education" are one lead): the actions they lead, counted once each.
    grouped: dict[tuple[str, str], dict] = {}
    for role, slug, title, node_id in leads:
        entry = grouped.setdefault(
            (lead_key(role), slug), {"names": [], "slug": slug, "title": title, "nodes": set()}
        )
        if role.strip() not in entry["names"]:
            entry["names"].append(role.strip())
        entry["nodes"].add(node_id)
    query_key = lead_key(text)
    lead_results = []
    for (key, _), entry in grouped.items():
        names = sorted(entry["names"], key=len)
        count = len(entry["nodes"])
        also = f" (also written {', '.join(names[1:])})" if len(names) > 1 else ""
        lead_results.append(
            (
                key != query_key,
                Result(
                    "Lead",
                    names[0] + also,
                    reverse("plans:plan", args=[entry["slug"]]) + "?" + _query(lead=names[0]),
                    f"{entry['title']}: leads {count} item{'s' if count != 1 else ''}",
                ),
            )
        )
    results.extend(r for _, r in sorted(lead_results, key=lambda x: (x[0], x[1].title)))

    for org in (
        m.Organisation.objects.filter(plans__in=plans)
        .filter(_all_words(expanded, ["name", "type"]))
        .distinct()
        .prefetch_related("plans")[:limit]
    ):
        plan = next((p for p in org.plans.all() if p in plans), None) or org.plans.first()
        url = reverse("plans:governance", args=[plan.slug]) if plan else ""
        results.append(Result("Organisation", org.name, url, org.type))

    results.extend(node_results)
    results.extend(_updates(user, plans, expanded, limit))
    results.extend(_indicators(expanded, limit))
    results.extend(_voice(expanded, limit))
    return results, corrections


def _query(**params) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def _updates(user, plans, expanded, limit) -> list[Result]:
    from cyplan.delivery.models import ProgressUpdate
    from cyplan.delivery.periods import label_for_key

    updates = ProgressUpdate.objects.filter(node__plan__in=plans).filter(
        _all_words(expanded, ["narrative"])
    )
    staff_plans = [p.id for p in list(plans) if permissions.can_see_unpublished(user, p)]
    updates = updates.filter(Q(state=ProgressUpdate.State.APPROVED) | Q(node__plan__in=staff_plans))
    out = []
    fields = ["period", "status", "narrative", "node__key", "node__kind", "node__number"]
    fields += ["node__title", "node__plan__slug"]
    for update in (
        updates.select_related("node__plan").only(*fields).order_by("-period")[: limit // 2]
    ):
        node = update.node
        out.append(
            Result(
                "Progress update",
                f"{label_for_key(update.period)}: {update.get_status_display()}, "
                f"{node.get_kind_display().lower()} {node.number} {node.title}",
                reverse("plans:node", args=[node.plan.slug, node.key]),
                update.narrative[:200],
            )
        )
    return out


def _indicators(expanded, limit) -> list[Result]:
    from cyplan.outcomes.models import Indicator

    return [
        Result("Indicator", i.title, reverse("outcomes:indicator", args=[i.code]))
        for i in Indicator.objects.filter(_all_words(expanded, ["title", "code"]))[:limit]
    ]


def _voice(expanded, limit) -> list[Result]:
    from cyplan.voice.publication import public_items

    items = public_items().filter(_all_words(expanded, ["published_text"]))
    return [
        Result(
            "You said, we did",
            f"You said ({item.said_on:%B %Y})",
            reverse("voice:item", args=[item.pk]),
            item.published_text[:200],
        )
        for item in items.order_by("-said_on")[:limit]
    ]
