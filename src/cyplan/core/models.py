"""Shared model pieces."""

from django.db import models


class TimeStampedModel(models.Model):
    """A record that knows when it was created and last changed."""

    created_on = models.DateTimeField(auto_now_add=True)
    modified_on = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
