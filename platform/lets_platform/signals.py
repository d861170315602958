"""Signals by which lower layers let higher ones react without importing them."""

from blinker import Namespace

_signals = Namespace()

#: Sent with ``scheme=<Scheme>, actor=<Person|None>, template=<str|None>`` (the
#: constitution template) after a scheme is provisioned (flushed).
scheme_provisioned = _signals.signal("scheme-provisioned")
