"""Statutory returns in the web app: the ``cyplan returns`` command and storing computed figures."""
