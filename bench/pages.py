"""Page benchmark: a plan of 500 actions with 20,000 updates on SQLite.

Reports median and p95 server time (in-process, through the whole middleware stack) for the
main pages, and the ratio of each to a baseline measured in the same run: the sign-in page,
which touches no plan data. Budget: median under 50 ms per page.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PRIORITIES, COMMITMENTS, ACTIONS = 10, 10, 5  # 500 actions
QUARTERS = 40  # 500 actions x 40 quarters = 20,000 updates
REPEATS = int(os.environ.get("CYPLAN_BENCH_REPEATS", "30"))
BUDGET_MS = 50.0


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["CYPLAN_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cyplan.site.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_plan():
    """The plan file in code, imported through the real importer; updates bulk-inserted."""
    from django.contrib.auth import get_user_model

    from cyplan.accounts.models import Profile, Role
    from cyplan.delivery.models import ProgressUpdate
    from cyplan.delivery.periods import periods_between
    from cyplan.plans.importer import import_plan_data
    from cyplan.plans.plan_file import FORMAT

    nodes = []
    for p in range(1, PRIORITIES + 1):
        nodes.append(
            {
                "id": f"p{p}",
                "kind": "priority",
                "number": str(p),
                "title": f"Priority {p} of the benchmark plan",
            }
        )
        for c in range(1, COMMITMENTS + 1):
            nodes.append(
                {
                    "id": f"p{p}-c{c}",
                    "parent": f"p{p}",
                    "kind": "commitment",
                    "number": str(c),
                    "title": f"Commitment {c} about early help and family support",
                }
            )
            for a in range(ACTIONS):
                letter = "abcde"[a]
                nodes.append(
                    {
                        "id": f"p{p}-c{c}-{letter}",
                        "parent": f"p{p}-c{c}",
                        "kind": "action",
                        "number": letter,
                        "title": f"Action {letter} for mental health and wellbeing in schools",
                        "text": "Work with partners to improve outcomes for children and young people. "
                        * 3,
                        "measures": ["Fewer children waiting", "Feedback from families"],
                        "target_date_text": f"March {2016 + (p + c + a) % 10}",
                        "leads": [{"role": f"Lead role {c % 7}", "organisation": "council"}],
                    }
                )
    data = {
        "format": FORMAT,
        "plan": {
            "slug": "bench-plan",
            "title": "Benchmark plan",
            "status": "published",
            "area": {"name": "Benchshire", "code": "E06000098"},
            "period": {"start": "2016-04-01", "end": "2026-03-31"},
        },
        "organisations": [{"id": "council", "name": "Benchshire Council"}],
        "boards": [
            {
                "id": "ceb",
                "name": "Children's Executive Board",
                "members": ["council"],
                "monitors": ["plan"],
            }
        ],
        "strategies": [
            {
                "id": f"s{i}",
                "title": f"Strategy {i}",
                "aligned_to": [f"p{j}" for j in range(1, PRIORITIES + 1) if (i + j) % 3],
            }
            for i in range(12)
        ],
        "nodes": nodes,
        # 100 quoted figures in 10 groups (the priorities), each with two benchmarks.
        "key_figures": [
            {
                "id": f"figure-{i}",
                "label": f"children in the benchmark group {i}",
                "value": i,
                "value_text": f"{i}%",
                "unit": "percent",
                "section": f"p{i % PRIORITIES + 1}",
                "benchmarks": [
                    {"area": "London", "value": i + 1, "value_text": f"{i + 1}%"},
                    {"area": "England", "value_text": "similar to England"},
                ],
            }
            for i in range(100)
        ],
    }
    plan = import_plan_data(data).plan
    periods = periods_between(plan.period_start, plan.period_end, "quarter")[:QUARTERS]
    statuses = ["on_track", "at_risk", "off_track", "complete", "not_started"]
    updates = []
    for i, node in enumerate(plan.nodes.filter(kind="action").order_by("position")):
        for j, period in enumerate(periods):
            updates.append(
                ProgressUpdate(
                    node=node,
                    period=period.key,
                    status=statuses[(i + j) % 5],
                    narrative=f"Quarter {j} update.",
                    state="approved" if j % 4 else "submitted",
                )
            )
    ProgressUpdate.objects.bulk_create(updates, batch_size=2000)
    user = get_user_model().objects.create_user("bench-lead", password="x")
    Profile.objects.create(user=user, role=Role.ACTION_LEAD, lead_roles=["Lead role 3"])
    manager = get_user_model().objects.create_user("bench-manager", password="x")
    Profile.objects.create(user=manager, role=Role.PLAN_MANAGER)
    return plan, user, manager, len(updates)


def measure(client, url: str) -> list[float]:
    client.get(url)  # warm up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder))
        from django.test import Client

        started = time.perf_counter()
        plan, lead, manager, count = build_plan()
        print(
            f"Built a plan of {plan.nodes.filter(kind='action').count()} actions and {count} updates "
            f"in {time.perf_counter() - started:.1f} s (SQLite, {REPEATS} requests per page)"
        )
        public, as_lead, as_manager = Client(), Client(), Client()
        as_lead.force_login(lead)
        as_manager.force_login(manager)
        from django.contrib.auth import get_user_model

        from cyplan.accounts.models import Profile, Role

        officer = get_user_model().objects.create_user("bench-data-officer")
        Profile.objects.create(user=officer, role=Role.DATA_OFFICER)
        as_data_officer = Client()
        as_data_officer.force_login(officer)
        baseline = statistics.median(measure(public, "/accounts/sign-in/"))
        pages = [
            ("home (public)", public, "/"),
            ("plan (public)", public, "/plans/bench-plan/"),
            ("plan filtered (public)", public, "/plans/bench-plan/?status=off_track"),
            ("plan (manager)", as_manager, "/plans/bench-plan/"),
            ("priority page", public, "/plans/bench-plan/p3/"),
            ("commitment page", public, "/plans/bench-plan/p3-c4/"),
            ("action page", public, "/plans/bench-plan/p3-c4-b/"),
            ("strategies", public, "/plans/bench-plan/strategies/"),
            ("governance", public, "/plans/bench-plan/governance/"),
            ("search", public, "/search/?q=mental+health"),
            ("search, misspelt", public, "/search/?q=mentl+helth"),
            ("search, a lead", public, "/search/?q=Lead+role+3"),
            ("search (manager)", as_manager, "/search/?q=quarter+update"),
            ("about the area", public, "/plans/bench-plan/area/"),
            ("my actions (lead)", as_lead, "/my-actions/"),
            ("API plan", public, "/api/plans/bench-plan/"),
            ("reports (manager)", as_manager, "/reports/"),
            ("returns (data officer)", as_data_officer, "/returns/"),
        ]
        print(f"{'page':<26}{'median ms':>10}{'p95 ms':>10}{'x baseline':>12}{'x budget':>10}")
        print(
            f"{'baseline: sign-in page':<26}{baseline:>10.1f}{'':>10}{1:>12.1f}{baseline / BUDGET_MS:>10.2f}"
        )
        worst = 0.0
        for name, client, url in pages:
            times = measure(client, url)
            median = statistics.median(times)
            worst = max(worst, median)
            print(
                f"{name:<26}{median:>10.1f}{p95(times):>10.1f}{median / baseline:>12.1f}{median / BUDGET_MS:>10.2f}"
            )
        verdict = "within" if worst < BUDGET_MS else "OVER"
        print(f"Slowest median {worst:.1f} ms: {verdict} the {BUDGET_MS:.0f} ms budget.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
