"""The network's two questions: what an address is, and how long a wait may last.

This is the one place that tells this machine, the private networks and the
public web apart, and the one clock (`Deadline`) that bounds a whole exchange
with a server, which a socket timeout (one read at a time) cannot.

Delivery asks `is_loopback` (plain-text SMTP only to this machine); fetching
asks `HostRules.refusal` for every address a name resolves to, so a feed can
never make the tool read a router page, a cloud metadata service or anything
else that is not on the public web, unless FETCH_ALLOW_HOSTS names it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def address_kind(address: Address) -> str | None:
    """Why `address` is not on the public web ("a private address" ...), or None if it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    for test, kind in (
        ("is_loopback", "a loopback address (this machine)"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, test):
            return kind
    if not address.is_global:
        return "not a public address"
    return None


@dataclass(frozen=True)
class HostRules:
    """Hosts and networks allowed although they are not public (FETCH_ALLOW_HOSTS)."""

    names: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    def __str__(self) -> str:
        """The rules as FETCH_ALLOW_HOSTS spells them, for showing the settings."""
        return ",".join([*map(str, self.networks), *sorted(self.names)])

    def refusal(self, host: str, address: Address) -> str | None:
        """Why fetching `host` at `address` is refused, or None when it may be fetched."""
        if host.lower().rstrip(".") in self.names:
            return None
        if any(address in network for network in self.networks):
            return None
        kind = address_kind(address)
        if kind is None:
            return None
        where = f"{host} is" if host.strip("[]") == str(address) else f"{host} is at {address},"
        return (f"refused: {where} {kind}, and only the public web is fetched "
                "(FETCH_ALLOW_HOSTS allows others)")


NO_EXCEPTIONS = HostRules()


def parse_host_rules(text: str) -> HostRules:
    """`127.0.0.0/8, intranet.example` as HostRules; ValueError names a bad entry."""
    names: set[str] = set()
    networks: list[Network] = []
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part.strip("[]"), strict=False))
            continue
        except ValueError:
            pass
        label = part.lower().rstrip(".")
        if not all(piece and piece.replace("-", "").isalnum() for piece in label.split(".")):
            raise ValueError(f"{part!r} is neither a host name nor a network like 10.0.0.0/8")
        names.add(label)
    return HostRules(frozenset(names), tuple(networks))


class Deadline:
    """One exchange's time budget (a feed with its redirects, an SMTP attempt); the
    sockets it watches are shut when it runs out.

    A socket timeout bounds one read, not a server that answers a byte at a
    time; shutting the socket from a timer bounds the whole exchange.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        """Seconds left, never below zero."""
        return max(0.0, self.end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` when the deadline passes (at once if it has)."""
        with self._lock:
            self._sockets.append(sock)
            if not self.expired:
                return
        self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        """The exchange is over: stop the timer."""
        self._timer.cancel()
