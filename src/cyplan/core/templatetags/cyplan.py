from django import template
from django.utils.html import format_html

register = template.Library()

TAG_COLOURS = {
    "off_track": "red",
    "at_risk": "orange",
    "on_track": "green",
    "complete": "blue",
    "dropped": "grey",
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
