# The board membership table Django made for Board.members becomes a model of its own
# (BoardMember), so that a membership can say whether the plan states it or it is a reading.
# The table and its columns stay as they are: only Django's picture of them changes here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BoardMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "board",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="plans.board"
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="plans.organisation"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "plans_board_members",
                        "unique_together": {("board", "organisation")},
                    },
                ),
                migrations.AlterField(
                    model_name="board",
                    name="members",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="boards",
                        through="plans.BoardMember",
                        to="plans.organisation",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
