"""A scheme's trading activity month by month: what the organisers' charts show."""
