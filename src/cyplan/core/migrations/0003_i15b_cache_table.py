"""The table of Django's database cache (rate limits shared by every server process)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS cyplan_cache")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_i15b_outbox")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
