"""The national body's pages (``/hub/...``): provisioning, networks, rates, limits,
clearing, pools, wind-ups, migrations and merges; and the organisers' wind-up pages."""
