"""cyplan: run a local area's Children and Young People's Plan.

The package holds a Django project (``cyplan.site`` and the domain apps) and an
analytics core (``cyplan.analytics``) that never imports Django.
"""

__version__ = "0.1.0"
