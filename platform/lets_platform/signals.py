"""Signals by which lower layers let higher ones react without importing them."""

from blinker import Namespace

_signals = Namespace()

#: Sent with ``scheme=<Scheme>, actor=<Person|None>, template=<str|None>`` (the
#: constitution template) after a scheme is provisioned (flushed).
scheme_provisioned = _signals.signal("scheme-provisioned")

#: Sent with ``scheme=<Scheme>, ballot=<Ballot>, actor=<Person|None>`` when a scheme's
#: wind-up ballot closes carried (flushed); the federation starts the wind-up.
wind_up_ballot_passed = _signals.signal("wind-up-ballot-passed")
