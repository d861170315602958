"""Invoices across schemes: a member of one scheme asks a member of another to pay."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from lets_federation.invoices.api import blp
    from lets_federation.invoices.demo import seed
    from lets_platform import demo
    from lets_platform.api import register

    register(app, blp)
    demo.register(30, "federation-invoices", seed)  # after the federation's rates (20)
