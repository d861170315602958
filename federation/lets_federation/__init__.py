"""Everything between schemes: rates, inter-scheme trades, clearing, wind-up (to come).

For now it only carries the federation unit's definition; each scheme's exact rate to it
is kept on the scheme (``lets_platform.tenancy``) and its clearing account is opened by
the ledger when the scheme is provisioned.
"""

from __future__ import annotations

from flask import Flask

#: What one federation unit stands for: the common measure the schemes' rates refer to.
FEDERATION_UNIT = "one hour of time"


def init_app(app: Flask) -> None:
    app.config.setdefault("LETS_FEDERATION_UNIT", FEDERATION_UNIT)
