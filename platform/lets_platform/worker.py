"""Module the dramatiq CLI loads (``lets worker``): builds the app, which binds the broker.

It refuses to load as a superuser or an owner (``lets_platform.dbroles``); dramatiq then
reports the module as failing to import, with the reason, and stops.
"""

from lets_platform import dbroles
from lets_platform.app import create_app

app = create_app()
try:
    dbroles.refuse_privileged(app)
except dbroles.PrivilegedRole as exc:
    raise ImportError(str(exc)) from exc
