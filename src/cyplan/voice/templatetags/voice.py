"""Template helpers for the voice forms: a bound field's options with what is chosen."""

from django import template

register = template.Library()


def _chosen(field) -> set[str]:
    value = field.value()
    if value is None:
        return set()
    if isinstance(value, list | tuple | set):
        return {str(getattr(v, "pk", v)) for v in value}
    return {str(getattr(value, "pk", value))}


@register.filter
def option_groups(field):
    """[(group label or None, [(value, label, selected)])] for a select, optgroups kept."""
    chosen = _chosen(field)
    groups, loose = [], []
    for value, label in field.field.choices:
        if isinstance(label, list | tuple):
            groups.append((value, [(str(v), lab, str(v) in chosen) for v, lab in label]))
        else:
            value = str(getattr(value, "value", value))
            loose.append((value, label, value in chosen))
    return ([(None, loose)] if loose else []) + groups


@register.filter
def checkbox_options(field):
    """[(value, label, checked)] for a set of checkboxes."""
    chosen = _chosen(field)
    return [
        (str(getattr(v, "value", v)), label, str(getattr(v, "value", v)) in chosen)
        for v, label in field.field.choices
    ]
