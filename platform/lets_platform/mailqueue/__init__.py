"""The mail queue: every mail the hub sends is a row first, written in the transaction that
decides to send it, and leaves afterwards (a job right after the commit, and a periodic
job for whatever is still unsent: after a crash, a mail server that was down, or a
``lets demo --no-serve`` that never ran a worker). See ``operations``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lets_platform import jobs
    from lets_platform.mailqueue import models  # noqa: F401  (the table, for the metadata)
    from lets_platform.mailqueue.tasks import SEND_UNSENT_EVERY, send_unsent_mail

    jobs.every(SEND_UNSENT_EVERY, send_unsent_mail)
