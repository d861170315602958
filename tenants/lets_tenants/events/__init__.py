"""A scheme's events (trading days, socials, workshops), RSVPs with a waiting list, and its
iCalendar feed."""
