"""The briefing as an RFC 5322 e-mail message, built with the standard library.

`email.message.EmailMessage` with `policy.default` folds and encodes headers
and refuses CR/LF in them, so nothing in a title or subject can inject a
header.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from briefing.output import Rendered

PLACEHOLDER_FROM = "briefing@localhost.invalid"
PLACEHOLDER_TO = "reader@localhost.invalid"


def message_id_for(date: dt.date, sender: str, recipients: Sequence[str]) -> str:
    """A Message-ID fixed for one date and audience, so a resend is recognisably the same."""
    audience = ",".join([sender, *sorted(recipients)]).lower()
    digest = hashlib.sha256(f"{date.isoformat()}|{audience}".encode()).hexdigest()[:16]
    domain = sender.rpartition("@")[2] or "localhost.invalid"
    return f"<briefing-{date.isoformat()}-{digest}@{domain}>"


def one_line(text: str) -> str:
    """Collapse any line breaks: header values are single lines."""
    return " ".join(text.split())


def build_message(
    rendered: Rendered,
    date: dt.date,
    sender: str = "",
    recipients: Sequence[str] = (),
    sent_at: dt.datetime | None = None,
) -> EmailMessage:
    """multipart/alternative: the plain-text part first, then the HTML part."""
    sender = sender or PLACEHOLDER_FROM
    recipients = list(recipients) or [PLACEHOLDER_TO]
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = one_line(rendered.subject)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(sent_at or dt.datetime.now(dt.UTC))
    message["Message-ID"] = message_id_for(date, sender, recipients)
    message["MIME-Version"] = "1.0"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message
