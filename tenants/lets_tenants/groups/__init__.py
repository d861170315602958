"""Mini-networks: groups of a scheme's members, open or by invitation, with group-only
listings and events."""
