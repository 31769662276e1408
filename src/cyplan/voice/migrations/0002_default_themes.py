"""A starting set of themes (any area can rename, add or remove them in the admin)."""

from django.db import migrations

THEMES = [
    ("things-to-do", "Things to do and places to go"),
    ("mental-health", "Mental health and feeling well"),
    ("school", "School, college and learning"),
    ("being-safe", "Feeling safe"),
    ("health", "Health"),
    ("care", "Being in care and leaving care"),
    ("send", "Special educational needs and disabilities"),
    ("getting-around", "Getting around and transport"),
    ("being-heard", "Being listened to"),
    ("money-home", "Money, jobs and somewhere to live"),
    ("family-support", "Help for families"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("voice", "Theme")
    for position, (slug, name) in enumerate(THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("voice", "0001_initial")]
    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
