"""Members of a scheme: a person's membership, with a handle unique in the scheme."""
