from django import template
from django.utils.html import format_html

register = template.Library()

TAG_COLOURS = {
    "off_track": "red",
    "at_risk": "orange",
    "on_track": "green",
    "complete": "blue",
    "dropped": "grey",
    "returned": "purple",
}


@register.simple_tag
def status_tag(status, label):
    """A status as a GOV.UK tag: the words carry the meaning; colour only repeats it."""
    colour = TAG_COLOURS.get(status, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.filter
def index(sequence, position):
    """``{{ list|index:0 }}``: an item of a list by position."""
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: look a key up in a dict."""
    return (mapping or {}).get(key, [])


@register.simple_tag
def audit_changes(entry):
    """The fields an audit entry changed, in words (see cyplan.core.audit.changes)."""
    from cyplan.core.audit import changes

    return changes(entry.before, entry.after)


@register.filter
def audit_action(action):
    from cyplan.core.audit import action_text

    return action_text(action)


@register.filter
def input_value(field):
    """A bound field's value as its widget writes it into ``value=""``: a date as
    ``2025-03-27`` (what ``<input type="date">`` reads), not the page's display format."""
    value = field.value()
    if value is None:
        return ""
    formatted = field.field.widget.format_value(value)
    return "" if formatted is None else formatted
