"""The analytics core: statutory returns, indicators, statistics and disclosure control.

Pure Python with no Django import, so it can be used from a notebook, the CLI or the
web app alike. A test enforces the boundary.
"""
