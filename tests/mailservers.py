"""Real SMTP servers on 127.0.0.1 for the delivery tests, written here and kept small.

`MailServer` is aiosmtpd (plain, STARTTLS with AUTH, or TLS from the start);
`FaultServer` is a scripted SMTP server that misbehaves on chosen connections
and behaves on the rest, so a test can see a fault retried into one delivery.
"""

from __future__ import annotations

import contextlib
import email
import socket
import socketserver
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
USERNAME = "reader"
PASSWORD = "s3cret-Pa55word-xyzzy"


def free_port() -> int:
    """A port nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Delivery:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)


class Recorder:
    """aiosmtpd handler: keeps what it accepts; refuses listed recipients with 550."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.deliveries: list[Delivery] = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.deliveries.append(Delivery(envelope.mail_from, list(envelope.rcpt_tos),
                                        envelope.content))
        return f"250 2.0.0 OK queued as Q{len(self.deliveries)}"


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == USERNAME.encode() and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


@dataclass
class Certificates:
    """A test CA and a certificate for 127.0.0.1 / localhost, written as PEM files."""

    ca_file: Path
    server_context: ssl.SSLContext


def make_certificates(folder: Path, names: tuple[str, ...] = (HOST, "localhost")) -> Certificates:
    ca = trustme.CA()
    certificate = ca.issue_cert(*names)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    ca_file = folder / f"ca-{id(ca)}.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Certificates(ca_file, context)


@contextlib.contextmanager
def mail_server(
    *,
    port: int | None = None,
    starttls: ssl.SSLContext | None = None,
    implicit_tls: ssl.SSLContext | None = None,
    refuse: tuple[str, ...] = (),
):
    """aiosmtpd on 127.0.0.1; with `starttls` it requires STARTTLS, then AUTH."""
    recorder = Recorder(refuse)
    options: dict = {}
    if starttls is not None:
        options.update(tls_context=starttls, require_starttls=True, auth_required=True,
                       authenticator=authenticate)
    if implicit_tls is not None:
        # aiosmtpd cannot tell that an implicit-TLS session is encrypted, hence the flag
        options.update(ssl_context=implicit_tls, auth_required=True,
                       authenticator=authenticate, auth_require_tls=False)
    controller = Controller(recorder, hostname=HOST, port=port or free_port(), **options)
    controller.start()
    try:
        yield controller.port, recorder
    finally:
        controller.stop()


@dataclass
class FaultServer:
    """A scripted SMTP server: connection N gets `faults[N]`, later ones are served well.

    A fault is (stage, action): stage is "greeting", "mail", "rcpt" or "data";
    action is a reply line such as "451 4.3.0 try later", "drop" (close the
    connection there; at "data" after the first line of the message),
    "lose-reply" (at "data": keep the message, hang up before the 250) or
    "silent" (say nothing until the client gives up) or "trickle" (an endless
    multi-line reply, one line every 50 ms, so no single read times out).
    """

    faults: list[tuple[str, str] | None]
    deliveries: list[Delivery] = field(default_factory=list)
    connections: int = 0
    port: int = 0

    def next_fault(self) -> tuple[str, str] | None:
        index = self.connections
        self.connections += 1
        return self.faults[index] if index < len(self.faults) else None


class _FaultHandler(socketserver.StreamRequestHandler):
    timeout = 10

    def handle(self) -> None:
        script: FaultServer = self.server.script  # type: ignore[attr-defined]
        fault = script.next_fault()
        sender, recipients = "", []

        def at(stage: str, normal: str) -> bool:
            """Answer `normal` unless the fault is here; False when the connection ends."""
            if fault and fault[0] == stage:
                action = fault[1]
                if action == "silent":
                    self.rfile.read()  # until the client hangs up
                    return False
                if action == "drop":
                    return False
                if action == "trickle":  # a reply that never ends, a line at a time
                    try:
                        for _ in range(600):
                            self.send(f"{'220' if stage == 'greeting' else '250'}-still going")
                            time.sleep(0.05)
                    except OSError:
                        pass  # the client gave up, as it should
                    return False
                self.send(action)
                return not action.startswith("421")
            self.send(normal)
            return True

        if not at("greeting", "220 fault.test ESMTP ready"):
            return
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.send("250-fault.test\r\n250-8BITMIME\r\n250 SIZE 10000000")
            elif verb == "HELO":
                self.send("250 fault.test")
            elif verb == "MAIL":
                sender = command.partition(":")[2].split()[0].strip("<>")
                if not at("mail", "250 2.1.0 OK"):
                    return
            elif verb == "RCPT":
                recipients.append(command.partition(":")[2].split()[0].strip("<>"))
                if not at("rcpt", "250 2.1.5 OK"):
                    return
            elif verb == "DATA":
                self.send("354 end with <CRLF>.<CRLF>")
                if fault == ("data", "drop"):
                    self.rfile.readline()  # one line of the message, then hang up
                    return
                data = self.read_data()
                if fault == ("data", "lose-reply"):  # took it, then hung up before the 250
                    script.deliveries.append(Delivery(sender, recipients, data))
                    return
                if fault and fault[0] == "data":
                    if not at("data", ""):
                        return
                else:
                    script.deliveries.append(Delivery(sender, recipients, data))
                    self.send(f"250 2.0.0 OK queued as F{len(script.deliveries)}")
                sender, recipients = "", []
            elif verb == "RSET":
                sender, recipients = "", []
                self.send("250 OK")
            elif verb == "QUIT":
                self.send("221 bye")
                return
            else:
                self.send("250 OK")

    def read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def send(self, reply: str) -> None:
        self.wfile.write(reply.encode("ascii") + b"\r\n")
        self.wfile.flush()


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


@contextlib.contextmanager
def fault_server(*faults: tuple[str, str] | None):
    """Start a FaultServer on 127.0.0.1 and yield its script (port, deliveries)."""
    script = FaultServer(list(faults))
    server = _Server((HOST, 0), _FaultHandler)
    server.script = script  # type: ignore[attr-defined]
    script.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()
