"""``{% cohort_links plan node %}``: links from a plan node to the cohorts that concern it."""

from django import template

from cyplan.disproportionality.services import cohorts_for_node, is_synthetic

register = template.Library()


@register.inclusion_tag("disproportionality/_node_links.html")
def cohort_links(plan, node):
    cohorts = cohorts_for_node(plan.slug, node.key)
    return {"cohorts": [(c, is_synthetic(c)) for c in cohorts], "area": plan.area.code}
