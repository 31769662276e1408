"""Example "you said, we did" items for the demo, made up and labelled "Example" everywhere.

Called from ``cyplan.core.demo`` (so by ``cyplan demo`` and ``make run``) once the demo
accounts exist. Also makes a demo safeguarding lead, ``safeguarding`` (password
``demo-safeguarding-2024``), a member of the safeguarding leads group, and one made-up
item that the automatic check flags, so that the safeguarding queue can be seen.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cyplan.accounts.models import Profile, Role
from cyplan.plans.models import Plan
from cyplan.voice import conf, services
from cyplan.voice.models import Feedback, Theme

CYPP = "bromley-cypp-2021-2024"
SAFEGUARDING_ACCOUNT = ("safeguarding", "demo-safeguarding-2024")

# (said on, channel, detail, group, themes, nodes, promises, words, responses, approve item)
EXAMPLES = [
    (
        date(2023, 2, 14),
        "forum",
        "Living in Care Council",
        {"age_band": "16_18", "care_experienced": True},
        ["care", "being-heard"],
        ["priority-3-c1"],
        ["promise-1"],
        "Example: we want to be asked before our placement changes, not told afterwards.",
        [
            (
                "agreed",
                date(2023, 4, 3),
                "Children's social care",
                "Example: every planned move will start with a conversation with the young person.",
                "",
            ),
            (
                "done",
                date(2023, 9, 18),
                "Children's social care",
                "Example: social workers now "
                "meet the young person before any planned move and record what they said.",
                "",
            ),
        ],
        True,
    ),
    (
        date(2023, 5, 9),
        "forum",
        "Youth Council",
        {"age_band": "11_15"},
        ["things-to-do"],
        ["priority-1-c1"],
        ["promise-3"],
        "Example: the youth club closed and there is nowhere to go in the evenings.",
        [
            (
                "considering",
                date(2023, 7, 1),
                "Youth services",
                "Example: we are looking at evening opening in two libraries and a sports centre.",
                "",
            )
        ],
        True,
    ),
    (
        date(2023, 6, 21),
        "event",
        "SEND parent event",
        {"age_band": "adult", "parent_carer": True, "send": True},
        ["send"],
        ["priority-5-c2"],
        ["promise-2"],
        "Example: parents want to hear about EHC plan delays before the deadline passes.",
        [
            (
                "agreed",
                date(2023, 8, 2),
                "SEND service",
                "Example: families will get a letter at week 16 if their plan may be late.",
                "",
            )
        ],
        True,
    ),
    (
        date(2023, 10, 12),
        "survey",
        "Young people's survey",
        {"age_band": "11_15"},
        ["mental-health"],
        ["priority-1-c1"],
        ["promise-3"],
        "Example: it is hard to find out online where to get help with feeling low.",
        [
            (
                "done",
                date(2024, 1, 15),
                "Public health",
                "Example: one web page now lists every "
                "mental health service for young people, written with the Youth Council.",
                "",
            )
        ],
        True,
    ),
    (
        date(2023, 11, 30),
        "forum",
        "Change for Care Leavers",
        {"age_band": "19_25", "care_experienced": True},
        ["money-home"],
        ["priority-3"],
        [],
        "Example: care leavers want free bus travel until they are 25.",
        [
            (
                "not_possible",
                date(2024, 2, 1),
                "Leaving care service",
                "Example: we asked the transport authority.",
                "Example: bus fares are set by the transport authority, "
                "not the council; we offer a travel grant instead.",
            )
        ],
        True,
    ),
    (
        date(2024, 1, 20),
        "public_form",
        "",
        {"age_band": "16_18"},
        [],
        [],
        [],
        "Example: the buses to college are always late.",
        [],
        False,
    ),
]
FLAGGED_EXAMPLE = "Example (made up to show the safeguarding flag): someone at home hurts me."


def _safeguarding_lead():
    User = get_user_model()
    username, password = SAFEGUARDING_ACCOUNT
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.email = "safeguarding-lead@example.invalid"  # the demo notification goes to the console
    user.save()
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.role, profile.is_example = Role.ACTION_LEAD, True
    profile.save()
    group, _ = Group.objects.get_or_create(name=conf.safeguarding_group())
    user.groups.add(group)
    return user


@transaction.atomic
def create_example_voice() -> int:
    """Make the example items once (when the CYPP and the demo manager exist)."""
    plan = Plan.objects.filter(slug=CYPP).first()
    manager = get_user_model().objects.filter(username="manager").first()
    if plan is None or manager is None:
        return 0
    lead = _safeguarding_lead()
    if Feedback.objects.filter(is_example=True).exists():
        return 0
    themes = {t.slug: t for t in Theme.objects.all()}
    nodes = {n.key: n for n in plan.nodes.all()}
    promises = {p.key: p for p in plan.promises.all()}
    made = 0
    for (
        said_on,
        channel,
        detail,
        group,
        theme_keys,
        node_keys,
        promise_keys,
        words,
        answers,
        ok,
    ) in EXAMPLES:
        item = services.record_feedback(
            manager,
            services.ItemDetails(
                original_text=words,
                published_text=words if ok else "",
                said_on=said_on,
                channel=channel,
                channel_detail=detail,
                plan=plan,
                themes=[themes[k] for k in theme_keys if k in themes],
                nodes=[nodes[k] for k in node_keys if k in nodes],
                promises=[promises[k] for k in promise_keys if k in promises],
                **group,
            ),
            is_example=True,
        )
        if item.triage == Feedback.Triage.WAITING:  # the harm check was cautious
            services.pass_to_moderation(lead, item)
        if ok:
            services.approve_feedback(manager, item)
        for status, on, by_whom, text, reason in answers:
            response = services.add_response(
                manager,
                item,
                services.ResponseDetails(text, by_whom, on, status, reason),
                is_example=True,
            )
            services.approve_response(manager, response)
        made += 1
    # Waits, urgent, in the safeguarding leads' triage queue.
    services.submit_public_feedback(
        services.PublicFeedback(text=FLAGGED_EXAMPLE), today=date(2024, 2, 2)
    )
    Feedback.objects.filter(original_text=FLAGGED_EXAMPLE).update(is_example=True)
    return made + 1
