"""SMTP: one transaction with the mail server, and what its failures mean.

Every TLS connection verifies the certificate and the host name (smtplib
alone verifies nothing); plain text goes only to this machine unless the
user allowed it. Whatever smtplib or the socket raises becomes a transient
failure (try again later), a permanent one (set the message aside) or a
setup one (nothing sent until the settings are fixed).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from briefing.network import Deadline, is_loopback

SECURITY_MODES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the mail server. The password never appears in repr()."""

    host: str
    port: int = 587
    security: str = "starttls"  # one of SECURITY_MODES
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    ca_file: Path | None = None
    allow_insecure: bool = False  # allow security "none" to a host that is not loopback


@dataclass(frozen=True)
class Accepted:
    """The server's 250 to DATA, and the recipients it refused one by one."""

    reply: str
    accepted: tuple[str, ...]
    refused: dict[str, str]  # recipient -> "550 5.1.1 no such user"


class DeliveryFailure(Exception):
    """One attempt failed; the subclass says whether trying again can help."""

    @property
    def reason(self) -> str:
        return str(self)


class TransientFailure(DeliveryFailure):
    """4xx, refused or dropped connection, timeout: try again later."""


class PermanentFailure(DeliveryFailure):
    """5xx or bad credentials: the message is set aside with this reason."""


class SetupFailure(DeliveryFailure):
    """The connection itself is wrong (untrusted certificate, no TLS offered):
    nothing is sent, the message stays queued until the settings are fixed."""


def check_security(settings: SmtpSettings) -> None:
    """Refuse plain-text SMTP to another machine unless the user allowed it explicitly."""
    if settings.security not in SECURITY_MODES:
        raise SetupFailure(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
    if settings.security == "none" and not (
        is_loopback(settings.host) or settings.allow_insecure
    ):
        raise SetupFailure(
            f"SMTP_SECURITY=none would send the briefing and password to {settings.host} "
            "unencrypted; use starttls or ssl, or set SMTP_ALLOW_INSECURE=true"
        )


def ssl_context(ca_file: Path | None = None) -> ssl.SSLContext:
    """Verify certificates against the system store (plus `ca_file`) and check the hostname.

    smtplib alone verifies nothing, so every TLS connection gets this context.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as error:
            raise SetupFailure(f"SMTP_CA_FILE={ca_file} cannot be loaded "
                               f"({getattr(error, 'strerror', None) or error})") from None
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def classify(error: BaseException) -> DeliveryFailure:
    """Turn what smtplib or the socket raised into a transient, permanent or setup failure."""
    if isinstance(error, DeliveryFailure):
        return error
    if isinstance(error, ssl.SSLCertVerificationError):
        return SetupFailure("the server's certificate is not trusted: "
                            f"{error.verify_message or error.reason or error}")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        if 400 <= error.smtp_code < 500:
            return TransientFailure(f"login deferred: {_reply(error.smtp_code, error.smtp_error)}")
        return PermanentFailure(
            f"login refused (check SMTP_USERNAME and SMTP_PASSWORD): "
            f"{_reply(error.smtp_code, error.smtp_error)}"
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = {r: _reply(code, text) for r, (code, text) in error.recipients.items()}
        shown = "; ".join(f"{r}: {reply}" for r, reply in replies.items())
        if any(400 <= code < 500 for code, _ in error.recipients.values()):
            return TransientFailure(f"every recipient refused: {shown}")
        return PermanentFailure(f"every recipient refused: {shown}")
    if isinstance(error, smtplib.SMTPResponseException):
        reply = _reply(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500:
            return TransientFailure(f"server deferred: {reply}")
        if error.smtp_code >= 500:
            return PermanentFailure(f"server refused: {reply}")
        return TransientFailure(f"unexpected reply: {reply}")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return TransientFailure(f"connection dropped: {error or 'server closed it'}")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return SetupFailure(f"the server does not support it: {error}")
    if isinstance(error, TimeoutError | socket.timeout):
        return TransientFailure("timed out waiting for the server")
    if isinstance(error, ssl.SSLError):
        return SetupFailure(f"TLS failed: {error.reason or error}")
    if isinstance(error, ConnectionRefusedError):
        return TransientFailure("connection refused: is the server running?")
    if isinstance(error, OSError):
        return TransientFailure(f"network error: {error.strerror or error}")
    if isinstance(error, smtplib.SMTPException):
        return SetupFailure(str(error))
    if isinstance(error, UnicodeError):  # smtplib speaks ASCII; SMTPUTF8 is not supported
        return PermanentFailure("an address is not plain ASCII, which this sender cannot send")
    raise error


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


class _Watched:
    """Mixed into smtplib's clients: the socket is handed to the attempt's deadline
    before the greeting is read, so no reply can trickle past it."""

    def __init__(self, *args: object, deadline: Deadline, **kwargs: object) -> None:
        self._deadline = deadline  # before super().__init__, which connects
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = super()._get_socket(host, port, timeout)  # type: ignore[misc]
        self._deadline.watch(sock)
        return sock


class _WatchedSMTP(_Watched, smtplib.SMTP):
    """smtplib.SMTP under a deadline."""


class _WatchedSMTPSSL(_Watched, smtplib.SMTP_SSL):
    """smtplib.SMTP_SSL under a deadline."""


def attempt_seconds(settings: SmtpSettings, data: bytes, recipients: Sequence[str]) -> float:
    """How long one attempt may take in all: SMTP_TIMEOUT for each step of the dialogue
    (connect, greeting, EHLO, STARTTLS, EHLO, AUTH, MAIL, each RCPT, DATA, the end of
    the message) plus a second per 10 kB of message for a slow link."""
    steps = 9 + len(recipients)
    return settings.timeout * steps + len(data) / 10_000


def _connect(settings: SmtpSettings, deadline: Deadline) -> smtplib.SMTP:
    if settings.security == "ssl":
        return _WatchedSMTPSSL(settings.host, settings.port, timeout=settings.timeout,
                               context=ssl_context(settings.ca_file), deadline=deadline)
    client = _WatchedSMTP(settings.host, settings.port, timeout=settings.timeout,
                          deadline=deadline)
    try:
        client.ehlo()
        if settings.security == "starttls":
            if not client.has_extn("starttls"):
                raise SetupFailure(f"{settings.host} does not offer STARTTLS; nothing was sent "
                                   "in the clear (check SMTP_PORT and SMTP_SECURITY)")
            client.starttls(context=ssl_context(settings.ca_file))
            client.ehlo()
    except BaseException:
        client.close()
        raise
    return client


def _login(client: smtplib.SMTP, settings: SmtpSettings) -> None:
    """AUTH; smtplib can only send ASCII credentials, and says so with a bare UnicodeError."""
    try:
        client.login(settings.username, settings.password)
    except UnicodeError:
        raise SetupFailure(
            "SMTP_USERNAME or SMTP_PASSWORD has characters that are not plain ASCII, which "
            "SMTP login cannot send; use an ASCII password (an app password, say)"
        ) from None


def transmit(
    settings: SmtpSettings,
    data: bytes,
    sender: str,
    recipients: Sequence[str],
    on_accepted: Callable[[Accepted], None] = lambda accepted: None,
) -> Accepted:
    """One SMTP transaction; `on_accepted` runs right after the server's 250, before QUIT.

    Recipients refused one by one are returned while the others still get it;
    every other problem is raised as a DeliveryFailure. No step waits longer than
    SMTP_TIMEOUT, and the attempt in all no longer than `attempt_seconds`.
    """
    check_security(settings)
    client: smtplib.SMTP | None = None
    deadline = Deadline(attempt_seconds(settings, data, recipients))
    try:
        client = _connect(settings, deadline)
        if settings.username:
            _login(client, settings)
        options = []
        if client.has_extn("size"):
            options.append(f"SIZE={len(data)}")
        if not data.isascii() and client.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        code, text = client.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, text, sender)
        refused: dict[str, tuple[int, bytes]] = {}
        for recipient in recipients:
            code, text = client.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, text)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)  # type: ignore[arg-type]
        code, text = client.data(data)
        if code != 250:
            raise smtplib.SMTPDataError(code, text)
    except Exception as error:
        if client is not None:
            client.close()
        if deadline.expired:
            raise TransientFailure(f"timed out: the server took more than "
                                   f"{deadline.seconds:g} s in all") from error
        raise classify(error) from error
    finally:
        deadline.cancel()  # accepted or not, the rest is ours: the ledger and QUIT
    accepted = Accepted(
        reply=_reply(code, text),
        accepted=tuple(r for r in recipients if r not in refused),
        refused={r: _reply(c, t) for r, (c, t) in refused.items()},
    )
    try:
        on_accepted(accepted)
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()  # the message is accepted; a failed goodbye changes nothing
    return accepted
