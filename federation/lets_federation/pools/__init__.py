"""Regional pools: one scheme of kind ``pool`` per regional network, run by the national body,
holding the accounts of members whose scheme closed until a new scheme takes them in."""
