"""Regional networks and schemes (the tenants), with their currencies."""
