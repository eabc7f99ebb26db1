"""Sending by e-mail: real SMTP servers on 127.0.0.1, every fault ends delivered once or kept.

The tests go through `run_briefing.py send` as a user would, with a settings
file written here; servers come from tests/mailservers.py.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import email
import json
import logging
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest
from conftest import BUDGET
from mailservers import (
    HOST,
    PASSWORD,
    USERNAME,
    fault_server,
    free_port,
    mail_server,
    make_certificates,
)

from briefing.app.cli import main
from briefing.deliver import (
    RetryPolicy,
    SmtpSettings,
    StateDirs,
    backoff_delays,
    locked,
    send_day,
)
from briefing.network import is_loopback

ROOT = Path(__file__).resolve().parent.parent
DATE = "2026-11-28"
SENDER = "briefing@example.test"
READERS = ("ana@example.test", "ben@example.test")
ARTICLE = BUDGET


@pytest.fixture(autouse=True)
def budget_article(tmp_path):
    """One small article to brief (conftest already isolates the settings)."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "budget.txt").write_text(ARTICLE)
MESSAGE = (
    f"From: {SENDER}\r\nTo: {', '.join(READERS)}\r\nSubject: test\r\n"
    "Message-ID: <briefing-2026-11-28-test@example.test>\r\n\r\nHello.\r\n"
).encode()


def settings(tmp_path: Path, port: int, **values: object) -> Path:
    """A .env for a loopback server with short timeouts and backoff, so faults are quick."""
    lines = {
        "BRIEFING_INPUTS": "articles", "OUTPUT_DIR": "out",
        "BRIEFING_FROM": SENDER, "BRIEFING_TO": ",".join(READERS),
        "SMTP_HOST": HOST, "SMTP_PORT": port, "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT": 1, "SEND_ATTEMPTS": 3, "SEND_BACKOFF": 0.01, "SEND_BACKOFF_MAX": 0.05,
        "BRIEFING_TIMEZONE": "UTC",
        **values,
    }
    path = tmp_path / ".env"
    path.write_text("".join(f"{name}={value}\n" for name, value in lines.items()))
    return path


def starttls_settings(tmp_path: Path, port: int, certificates, password: str = PASSWORD
                      ) -> Path:
    """A .env for STARTTLS with AUTH against the test CA."""
    return settings(tmp_path, port, SMTP_SECURITY="starttls", SMTP_CA_FILE=certificates.ca_file,
                    SMTP_USERNAME=USERNAME, SMTP_PASSWORD=password)


def send(env: Path, *args: str) -> int:
    return main(["--quiet", "--env-file", str(env), "send", "--date", DATE, *args])


STATE = Path("out/state")
QUEUED = STATE / "outbox" / f"briefing-{DATE}.eml"
SENT = STATE / "sent" / f"briefing-{DATE}.eml"
FAILED = STATE / "failed" / f"briefing-{DATE}.eml"


def errors(capsys) -> list[str]:
    """Our error lines; the in-process test server logs its own side to stderr too."""
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]


def ledger() -> dict:
    path = STATE / "ledger.json"
    return json.loads(path.read_text()) if path.exists() else {}


def message_id(data: bytes) -> str:
    return email.message_from_bytes(data, policy=policy.default)["Message-ID"]


def assert_delivered_once(deliveries: list) -> None:
    assert len(deliveries) == 1
    [delivery] = deliveries
    assert delivery.recipients == list(READERS)
    assert ledger()[DATE]["message_id"] == message_id(delivery.data)
    assert ledger()[DATE]["reply"].startswith("250 ")
    assert not QUEUED.exists()
    assert SENT.read_bytes().replace(b"\r\n", b"\n").rstrip() == \
        delivery.data.replace(b"\r\n", b"\n").rstrip()


# --- plain, TLS, AUTH ----------------------------------------------------------


def test_send_delivers_once_and_never_twice_unless_forced(tmp_path, capsys):
    with mail_server() as (port, server):
        env = settings(tmp_path, port)
        assert send(env) == 0
        assert_delivered_once(server.deliveries)
        assert "Sent the briefing for 2026-11-28: 250 2.0.0 OK queued as Q1" in \
            capsys.readouterr().out

        assert send(env) == 0
        assert len(server.deliveries) == 1
        assert "was sent already" in capsys.readouterr().out

        assert send(env, "--force") == 0
        assert len(server.deliveries) == 2
        assert message_id(server.deliveries[0].data) == message_id(server.deliveries[1].data)


def test_starttls_with_a_verified_certificate_and_auth_sends(tmp_path):
    certificates = make_certificates(tmp_path)
    with mail_server(starttls=certificates.server_context) as (port, server):
        env = starttls_settings(tmp_path, port, certificates)
        assert send(env) == 0
    assert_delivered_once(server.deliveries)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # it is TLS
def test_ssl_from_the_first_byte_with_auth_sends(tmp_path):
    certificates = make_certificates(tmp_path)
    with mail_server(implicit_tls=certificates.server_context) as (port, server):
        env = settings(tmp_path, port, SMTP_SECURITY="ssl", SMTP_CA_FILE=certificates.ca_file,
                       SMTP_USERNAME=USERNAME, SMTP_PASSWORD=PASSWORD)
        assert send(env) == 0
    assert_delivered_once(server.deliveries)


@pytest.mark.parametrize("trusted", [False, True], ids=["unknown-ca", "wrong-hostname"])
def test_untrusted_certificate_sends_nothing_and_keeps_the_message(tmp_path, capsys, trusted):
    certificates = make_certificates(tmp_path, names=("mail.example.test",))
    with mail_server(starttls=certificates.server_context) as (port, server):
        env = settings(tmp_path, port, SMTP_SECURITY="starttls",
                       SMTP_CA_FILE=certificates.ca_file if trusted else "",
                       SMTP_USERNAME=USERNAME, SMTP_PASSWORD=PASSWORD)
        assert send(env) == 1
    assert server.deliveries == []
    assert QUEUED.exists() and not ledger()
    [line] = errors(capsys)
    assert "certificate is not trusted" in line
    assert ("mismatch" in line) == trusted


def test_server_without_starttls_gets_nothing_in_the_clear(tmp_path, capsys):
    with mail_server() as (port, server):
        env = settings(tmp_path, port, SMTP_SECURITY="starttls",
                       SMTP_USERNAME=USERNAME, SMTP_PASSWORD=PASSWORD)
        assert send(env) == 1
    assert server.deliveries == []
    assert QUEUED.exists() and not ledger()
    [line] = errors(capsys)
    assert "does not offer STARTTLS" in line


def test_wrong_password_is_refused_for_good_and_set_aside(tmp_path, capsys):
    certificates = make_certificates(tmp_path)
    with mail_server(starttls=certificates.server_context) as (port, server):
        env = starttls_settings(tmp_path, port, certificates, "wrong")
        assert send(env) == 1
    assert server.deliveries == []
    assert FAILED.exists() and not QUEUED.exists() and not ledger()
    assert "535" in FAILED.with_suffix(".reason").read_text()
    [line] = errors(capsys)
    assert "login refused (check SMTP_USERNAME and SMTP_PASSWORD)" in line


def test_plain_text_to_another_machine_is_refused_before_connecting(tmp_path, capsys):
    env = settings(tmp_path, 25, SMTP_HOST="mail.example.test")
    assert send(env) == 1
    assert "unencrypted" in capsys.readouterr().err
    assert not QUEUED.exists()
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("mail.example.test") and not is_loopback("10.0.0.1")


def test_send_without_smtp_host_says_so_in_one_line(tmp_path, capsys):
    env = settings(tmp_path, 25, SMTP_HOST="")
    assert send(env) == 1
    [line] = errors(capsys)
    assert line.startswith("error: SMTP_HOST is not set")


def test_dry_run_writes_the_outbox_and_connects_to_nothing(tmp_path, capsys):
    with mail_server() as (port, server):
        env = settings(tmp_path, port)
        assert send(env, "--dry-run") == 0
        assert server.deliveries == []
    assert QUEUED.exists() and not ledger()
    assert "nothing was sent" in capsys.readouterr().out


# --- faults --------------------------------------------------------------------

PASSING_FAULTS = {
    "421-at-greeting": ("greeting", "421 4.3.2 service not available, try later"),
    "451-at-mail": ("mail", "451 4.3.0 mailbox busy"),
    "451-after-data": ("data", "451 4.3.0 local error, try later"),
    "421-after-data": ("data", "421 4.3.2 shutting down"),
    "drop-mid-data": ("data", "drop"),
    "silent-server": ("greeting", "silent"),
}


@pytest.mark.parametrize("fault", PASSING_FAULTS.values(), ids=PASSING_FAULTS.keys())
def test_passing_fault_is_retried_and_delivered_once(tmp_path, fault):
    with fault_server(fault) as server:
        assert send(settings(tmp_path, server.port, SMTP_TIMEOUT=0.5)) == 0
    assert server.connections == 2
    assert_delivered_once(server.deliveries)


def test_reply_lost_after_the_message_is_the_one_documented_duplicate(tmp_path):
    """The server kept it but the 250 never came: no client can know, so it is sent again,
    with the same Message-ID for receiving systems to recognise the copy."""
    with fault_server(("data", "lose-reply")) as server:
        assert send(settings(tmp_path, server.port)) == 0
    first, second = server.deliveries
    assert message_id(first.data) == message_id(second.data) == ledger()[DATE]["message_id"]
    assert not QUEUED.exists()


LASTING_FAULTS = {
    "550-after-data": ("data", "550 5.7.1 message rejected as spam"),
    "552-after-data": ("data", "552 5.3.4 message too big"),
    "550-at-mail": ("mail", "550 5.7.1 sender not allowed"),
}


@pytest.mark.parametrize("fault", LASTING_FAULTS.values(), ids=LASTING_FAULTS.keys())
def test_permanent_refusal_is_not_retried_and_is_set_aside_with_the_reason(
        tmp_path, capsys, fault):
    with fault_server(fault) as server:
        assert send(settings(tmp_path, server.port)) == 1
    assert server.connections == 1 and server.deliveries == []
    assert FAILED.exists() and not QUEUED.exists() and not ledger()
    assert fault[1] in FAILED.with_suffix(".reason").read_text()
    [line] = errors(capsys)
    assert fault[1] in line and "set aside" in line


def test_server_deferring_every_try_keeps_the_message_for_the_next_run(tmp_path, capsys):
    deferral = ("data", "451 4.3.0 try again later")
    with fault_server(deferral, deferral, deferral) as server:
        assert send(settings(tmp_path, server.port)) == 75
    assert server.connections == 3 and server.deliveries == []
    assert "stays in" in capsys.readouterr().err
    kept = QUEUED.read_bytes()
    assert not ledger()

    with fault_server() as recovered:
        assert send(settings(tmp_path, recovered.port)) == 0
    assert_delivered_once(recovered.deliveries)
    assert recovered.deliveries[0].data.rstrip() == kept.rstrip()  # sent as-is, not rebuilt


def test_absent_server_keeps_the_message_and_a_later_run_delivers_it_once(tmp_path, capsys):
    port = free_port()
    env = settings(tmp_path, port)
    assert send(env) == 75
    assert "connection refused" in capsys.readouterr().err
    assert QUEUED.exists()
    with mail_server(port=port) as (_, server):
        assert send(env) == 0
    assert_delivered_once(server.deliveries)


def test_recipient_refused_alone_is_reported_while_the_other_gets_it(tmp_path, capsys):
    with mail_server(refuse=(READERS[1],)) as (port, server):
        assert send(settings(tmp_path, port)) == 0
    [delivery] = server.deliveries
    assert delivery.recipients == [READERS[0]]
    assert "ben@example.test: 550 5.1.1 no such mailbox" in capsys.readouterr().err
    assert ledger()[DATE]["refused"] == {READERS[1]: "550 5.1.1 no such mailbox"}
    assert ledger()[DATE]["recipients"] == [READERS[0]]


# --- crashes -------------------------------------------------------------------


def test_killed_between_outbox_write_and_send_delivers_once_on_the_next_run(tmp_path, capsys):
    with mail_server() as (port, server):
        env = settings(tmp_path, port)
        assert send(env, "--dry-run") == 0  # the outbox write, then "killed"
        queued = QUEUED.read_bytes()
        (tmp_path / "articles" / "budget.txt").write_text("Changed\n\n" + ARTICLE)
        capsys.readouterr()
        assert send(env) == 0
        assert capsys.readouterr().out.startswith("Sent the briefing for 2026-11-28: 250 ")
        assert send(env) == 0
        assert "was sent already" in capsys.readouterr().out
    assert_delivered_once(server.deliveries)
    assert server.deliveries[0].data.rstrip() == queued.rstrip()


def test_send_also_delivers_what_earlier_days_left_in_the_outbox(tmp_path, capsys):
    port = free_port()
    env = settings(tmp_path, port, SEND_ATTEMPTS=1)
    assert main(["--quiet", "--env-file", str(env), "send", "--date", "2026-11-27"]) == 75
    with mail_server(port=port) as (_, server):
        capsys.readouterr()
        assert send(env) == 0
    assert [d.message["Subject"] for d in server.deliveries] == [
        "Daily briefing for 2026-11-27", "Daily briefing for 2026-11-28"]
    assert sorted(ledger()) == ["2026-11-27", "2026-11-28"]
    assert capsys.readouterr().out.count("Sent the briefing") == 2


def test_send_killed_while_talking_to_the_server_delivers_once_on_the_next_run(tmp_path):
    with fault_server(("greeting", "silent")) as silent:
        env = settings(tmp_path, silent.port, SMTP_TIMEOUT=30)
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "run_briefing.py"), "--quiet", "--env-file", str(env),
             "send", "--date", DATE], cwd=tmp_path)
        deadline = time.monotonic() + 30
        while silent.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.kill()  # SIGKILL: no handler, no cleanup
        process.wait(timeout=10)
    assert silent.connections == 1
    assert QUEUED.exists() and not ledger()
    with mail_server() as (port, server):
        assert send(settings(tmp_path, port)) == 0
    assert_delivered_once(server.deliveries)


def test_a_second_run_at_the_same_time_stops_instead_of_sending(tmp_path, capsys):
    with mail_server() as (port, server), locked(StateDirs(Path("out/state"))):
        assert send(settings(tmp_path, port)) == 1
    assert server.deliveries == []
    [line] = errors(capsys)
    assert "another briefing run is using out/state" in line


def test_killed_between_ledger_write_and_archiving_does_not_send_again(tmp_path):
    with mail_server() as (port, server):
        env = settings(tmp_path, port)
        assert send(env) == 0
        SENT.rename(QUEUED)  # as if the process died before moving it to sent/
        assert send(env) == 0
    assert len(server.deliveries) == 1
    assert SENT.exists() and not QUEUED.exists()


# --- safety --------------------------------------------------------------------


def test_subject_and_title_with_line_breaks_cannot_inject_headers(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_SUBJECT", "News {date}\r\nBcc: victim@example.test")
    (tmp_path / "articles" / "budget.txt").write_text(
        "Title\r\nBcc: x@example.test\n\n" + ARTICLE.split("\n\n", 1)[1])
    with mail_server() as (port, server):
        assert send(settings(tmp_path, port)) == 0
    [delivery] = server.deliveries
    assert delivery.recipients == list(READERS)
    message = delivery.message
    assert message["Bcc"] is None
    assert message["Subject"] == f"News {DATE} Bcc: victim@example.test"


def test_password_never_appears_in_debug_logs_or_output(tmp_path, capfd):
    certificates = make_certificates(tmp_path)
    with mail_server(starttls=certificates.server_context) as (port, server):
        env = settings(tmp_path, port, SMTP_SECURITY="starttls",
                       SMTP_CA_FILE=certificates.ca_file,
                       SMTP_USERNAME=USERNAME, SMTP_PASSWORD=PASSWORD, LOG_LEVEL="debug")
        assert main(["--verbose", "--env-file", str(env), "send", "--date", DATE]) == 0
        assert main(["--verbose", "--env-file", str(env), "send", "--date", DATE,
                     "--force"]) == 0
    assert len(server.deliveries) == 2
    captured = capfd.readouterr()
    logged = captured.out + captured.err
    assert "DEBUG" in logged and "attempt 1/3" in logged
    plain = f"\0{USERNAME}\0{PASSWORD}".encode()
    for secret in (PASSWORD, base64.b64encode(plain).decode(),
                   base64.b64encode(PASSWORD.encode()).decode()):
        assert secret not in logged


@pytest.mark.parametrize("password", [PASSWORD, "wrong-" + PASSWORD])
def test_password_is_in_no_log_record_at_debug_level(tmp_path, caplog, password):
    certificates = make_certificates(tmp_path)
    state = StateDirs(tmp_path / "state")
    smtp = SmtpSettings(HOST, 0, "starttls", USERNAME, password, timeout=2,
                        ca_file=certificates.ca_file)
    caplog.set_level(logging.DEBUG)  # every logger, ours, smtplib's and the server's
    with mail_server(starttls=certificates.server_context) as (port, _):
        smtp = dataclasses.replace(smtp, port=port)
        outcome = send_day(state, dt.date(2026, 11, 28), lambda: MESSAGE, smtp)
    assert outcome.status == ("sent" if password == PASSWORD else "failed")
    assert any(r.name.startswith("briefing") and r.levelno == logging.DEBUG
               for r in caplog.records)
    text = caplog.text + "".join(repr(r.args) + repr(r.__dict__) for r in caplog.records)
    for secret in (password, base64.b64encode(f"\0{USERNAME}\0{password}".encode()).decode()):
        assert secret not in text


def test_backoff_doubles_with_jitter_and_is_capped():
    retry = RetryPolicy(attempts=6, backoff=1.0, backoff_max=5.0)
    assert backoff_delays(retry, rand=lambda: 1.0) == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert backoff_delays(retry, rand=lambda: 0.0) == [0.5, 1.0, 2.0, 2.5, 2.5]


# --- settings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [("SMTP_SECURITY", "tls"), ("SMTP_PORT", "70000"), ("SMTP_TIMEOUT", "soon"),
     ("BRIEFING_TIME", "25:00"), ("BRIEFING_TIME", "7am"), ("BRIEFING_TIMEZONE", "Mars/Olympus"),
     ("SMTP_ALLOW_INSECURE", "maybe"), ("SEND_ATTEMPTS", "0")],
)
def test_invalid_delivery_setting_names_the_setting(tmp_path, name, value):
    from briefing.app.config import ConfigError, load_config

    with pytest.raises(ConfigError, match=rf"^{name}="):
        load_config(env_file=tmp_path / "none.env", environ={name: value})


def test_password_is_redacted_wherever_settings_are_shown(tmp_path):
    from briefing.app.config import load_config
    from briefing.deliver import SmtpSettings

    config = load_config(env_file=tmp_path / "none.env",
                         environ={"SMTP_PASSWORD": PASSWORD, "BRIEFING_TIME": "7:05"})
    assert config.redacted()["SMTP_PASSWORD"] == "***"
    assert PASSWORD not in repr(SmtpSettings(HOST, password=PASSWORD))
    assert config.briefing_time == "07:05"


# --- a hostile day (issue 16): state that heals, one clear line -------------------


def test_a_stray_file_in_the_outbox_is_moved_aside_and_every_send_goes_on(tmp_path, capsys):
    stray = STATE / "outbox" / "briefing-latest.eml"
    stray.parent.mkdir(parents=True)
    stray.touch()
    with mail_server() as (port, server):
        env = settings(tmp_path, port)
        assert send(env) == 0
        assert send(env, "--date", "2026-11-29") == 0
    assert [d.message["Subject"] for d in server.deliveries] == [
        "Daily briefing for 2026-11-28", "Daily briefing for 2026-11-29"]
    assert not stray.exists()
    assert [p.name.split(".eml.")[0] for p in (STATE / "damaged").iterdir()] == \
        ["briefing-latest"]
    assert errors(capsys) == []


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2, 3]", b"9" * 5000, b"[" * 1500,
                                    b"\xff\xfe\x00garbage"])
def test_a_damaged_ledger_is_moved_aside_rebuilt_and_nothing_is_sent_twice(
        tmp_path, capsys, damage):
    with mail_server() as (port, server):
        env = settings(tmp_path, port)
        assert send(env) == 0
        (STATE / "ledger.json").write_bytes(damage)
        capsys.readouterr()
        assert send(env) == 0
        assert "was sent already" in capsys.readouterr().out
        assert send(env, "--date", "2026-11-29") == 0
    assert len(server.deliveries) == 2  # 28th once, 29th once
    assert sorted(ledger()) == ["2026-11-28", "2026-11-29"]
    assert ledger()["2026-11-28"]["message_id"] == message_id(server.deliveries[0].data)
    [kept] = (STATE / "damaged").iterdir()
    assert kept.read_bytes() == damage


def test_schedule_survives_a_damaged_ledger(tmp_path, capsys):
    with mail_server() as (port, server):
        env = settings(tmp_path, port, BRIEFING_TIME="00:00", CATCH_UP_DAYS=0)
        (STATE).mkdir(parents=True)
        (STATE / "ledger.json").write_text("{\"2026-11-28\": ")
        assert main(["--quiet", "--env-file", str(env), "schedule", "--once"]) == 0
    assert len(server.deliveries) == 1
    assert errors(capsys) == []


def test_a_non_ascii_password_is_named_and_the_briefing_kept(tmp_path, capsys):
    certificates = make_certificates(tmp_path)
    with mail_server(starttls=certificates.server_context) as (port, server):
        env = starttls_settings(tmp_path, port, certificates, "pässwörd")
        assert send(env) == 1
    assert server.deliveries == []
    assert QUEUED.exists() and not FAILED.exists()  # kept for when the setting is fixed
    [line] = errors(capsys)
    assert "SMTP_PASSWORD" in line and "not plain ASCII" in line
    assert "address" not in line and "pässwörd" not in line


def test_a_ca_file_gone_at_send_time_names_the_setting_and_keeps_the_briefing(
        tmp_path, capsys):
    from briefing.deliver import SetupFailure, ssl_context

    with pytest.raises(SetupFailure, match=r"^SMTP_CA_FILE=.*missing.pem cannot be loaded"):
        ssl_context(tmp_path / "missing.pem")


@pytest.mark.parametrize("stage", ["greeting", "mail"])
def test_a_reply_that_never_ends_is_cut_off_and_retried_once(tmp_path, capsys, stage):
    """Each line comes well within SMTP_TIMEOUT, so only the attempt's deadline ends it."""
    with fault_server((stage, "trickle")) as trickling:
        env = settings(tmp_path, trickling.port, SMTP_TIMEOUT=0.1, SEND_ATTEMPTS=2)
        started = time.monotonic()
        assert send(env) == 0
        assert time.monotonic() - started < 5
    assert len(trickling.deliveries) == 1 and trickling.connections == 2
    assert errors(capsys) == []
