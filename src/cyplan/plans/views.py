"""Plan pages. Views stay thin: a named query, then a template."""

from django.shortcuts import get_object_or_404, render

from cyplan.plans import queries


def home(request):
    return render(request, "plans/home.html", {"plans": queries.visible_plans()})


def plan_detail(request, slug: str):
    plan = get_object_or_404(queries.visible_plans(), slug=slug)
    return render(
        request,
        "plans/plan.html",
        {
            "plan": plan,
            "tree": queries.plan_tree(plan),
            "strategies": plan.strategies.prefetch_related("aligned_to"),
        },
    )
