"""Telling a member by email that a message came (through the pluggable mail sender)."""

from __future__ import annotations

from flask import current_app

from lets_platform.db import db
from lets_platform.jobs import actor
from lets_platform.mail import message as mail_message
from lets_platform.mail import send
from lets_tenants.messages.models import Message
from lets_tenants.messages.operations import address_of

#: How much of the message the email quotes.
QUOTE = 500


@actor(max_retries=5)
def notify_recipient(message_id: int) -> None:
    """Mail the recipient; a message hidden or gone meanwhile is not announced."""
    found = db.session.get(Message, message_id)
    if found is None or found.hidden:
        return
    sender = found.sender
    base = (current_app.config.get("LETS_PUBLIC_URL") or "").rstrip("/")
    quoted = found.body if len(found.body) <= QUOTE else found.body[:QUOTE] + "…"
    subject = f"Message from {sender.display_name}" + (
        f": {found.subject}" if found.subject else ""
    )
    body = (
        f"{sender.display_name} ({address_of(sender)}) sent you a message on the hub:\n\n"
        f"{quoted}\n\nRead and reply at {base}/messages?with={address_of(sender)}\n\n"
        "If you do not want messages from this member, you can block them there.\n"
    )
    email = found.recipient.person.email
    if email:  # a member known only on paper gets no mail
        send(mail_message(email, subject, body))
