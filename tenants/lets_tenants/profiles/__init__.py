"""Members' profiles: who they are, what they do, how to reach them, field by field as each
member chooses, with a photo."""
