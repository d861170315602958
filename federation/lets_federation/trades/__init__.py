"""Inter-scheme trades: a pending hold in the payer's scheme, cleared or rejected by an actor."""
