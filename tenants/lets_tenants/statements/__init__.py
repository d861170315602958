"""Account statements: posted transfers with a running balance, as JSON or CSV."""
