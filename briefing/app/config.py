"""Settings: the one module that reads the environment and `.env`.

Every setting is declared once in SETTINGS with its default, its parser and
a line of help; `config.example.env` documents the same names (a test keeps
the two in step). Real environment variables win over `.env`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dotenv import dotenv_values


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names the setting."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    parse: Callable[[str], Any]
    help: str
    secret: bool = False  # never printed or logged
    # A further check of the parsed value that `preview` skips, so that it can show the
    # problem in the page while the user fixes it (a template that does not compile).
    check: Callable[[Any], None] | None = None


def _text(value: str) -> str:
    return value.strip()


def _optional_path(value: str) -> Path | None:
    return Path(value).expanduser() if value.strip() else None


def _path(value: str) -> Path:
    if not value.strip():
        raise ValueError("must not be empty")
    return Path(value).expanduser()


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be 1 or more")
    return number


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """A parser for whole numbers from `low` to `high`: a sane range, not just a sign."""

    def parse(value: str) -> int:
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"must be from {low} to {high}")
        return number

    return parse


def _writable_folder(value: str) -> Path:
    """A folder we can write into, or can create: checked now, not at the first write."""
    path = _path(value)
    if path.exists() and not path.is_dir():
        raise ValueError("is a file, not a folder")
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        where = "" if existing == path else f" ({existing} cannot be written)"
        raise ValueError(f"is not a folder this user can write to{where}")
    return path


def _optional_writable_folder(value: str) -> Path | None:
    return _writable_folder(value) if value.strip() else None


def _workers(value: str) -> int:
    if not value.strip():
        return _cores()
    return _whole_number(1, 256)(value)


def _cores() -> int:
    """The CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _hours(value: str) -> float:
    number = float(value)
    if not 0 < number <= 8760:
        raise ValueError("must be a number of hours more than 0 and at most 8760 (a year)")
    return number


def _fraction(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError("must be between 0 and 1")
    return number


def _boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip().lower()
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return parse


def _paths(value: str) -> tuple[Path, ...]:
    return tuple(Path(part.strip()).expanduser() for part in value.split(",") if part.strip())


_ADDRESS = re.compile(r"^[^@\s,<>]+@[^@\s,<>]+$")


def _addresses(value: str) -> tuple[str, ...]:
    addresses = tuple(part.strip() for part in value.split(",") if part.strip())
    for address in addresses:
        if not _ADDRESS.match(address):
            raise ValueError(f"{address!r} is not an e-mail address")
    return addresses


def _address(value: str) -> str:
    value = value.strip()
    if value and not _ADDRESS.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def _language(value: str) -> str:
    from briefing.nlp.languages import LANGUAGES, language_name

    name = language_name(value)
    if name not in LANGUAGES:
        raise ValueError(f"is not a language briefing knows; choose from {', '.join(LANGUAGES)}")
    return name


# --- Feeds and web pages (issue 4) ---------------------------------------------


def _urls(value: str) -> tuple[str, ...]:
    urls = tuple(part.strip() for part in value.split(",") if part.strip())
    for url in urls:
        if not re.match(r"^https?://[^/\s]+", url, flags=re.IGNORECASE):
            raise ValueError(f"{url!r} is not an http(s) URL")
    return urls


# --- delivery settings' parsers ---------------------------------------------


def _port(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 65535:
        raise ValueError("must be a port number, 1 to 65535")
    return number


def _seconds(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 86_400:
        raise ValueError("must be a number of seconds from 0 to 86400 (a day)")
    return number


def _timeout(value: str) -> float:
    """A wait for a server: more than 0 and at most an hour (0 or inf would mean forever)."""
    number = float(value)
    if not (math.isfinite(number) and 0 < number <= 3600):
        raise ValueError("must be a number of seconds more than 0 and at most 3600")
    return number


def _ca_file(value: str) -> Path | None:
    """A PEM file of CA certificates that TLS can load, checked before any connection."""
    path = _optional_path(value)
    if path is None:
        return None  # the usual case: no need to load TLS to check nothing
    import ssl

    try:
        ssl.create_default_context().load_verify_locations(cafile=str(path))
    except FileNotFoundError:
        raise ValueError("no such file") from None
    except (OSError, ssl.SSLError) as error:
        raise ValueError(f"is not a readable PEM file of certificates ({error})") from None
    return path


def _algorithm(value: str) -> str:
    value = value.strip()
    if not value:
        return value
    from briefing.summarize import ALGORITHMS

    if value not in ALGORITHMS:
        raise ValueError(f"must be one of {', '.join(ALGORITHMS)} (or empty for the default)")
    return value


def _aliases_file(value: str) -> Path | None:
    """A TOML alias book the actor stage can load, checked at start-up."""
    path = _optional_path(value)
    if path is None:
        return None  # the usual case: the actor stage is not loaded just to check nothing
    import tomllib

    from briefing.actors import load_aliases

    if not path.is_file():
        raise ValueError("no such file")
    try:
        load_aliases(path)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"is not valid TOML ({error})") from None
    except UnicodeDecodeError:
        raise ValueError("is not UTF-8 text") from None
    except OSError as error:
        raise ValueError(f"cannot be read ({error.strerror or error})") from None
    except (AttributeError, TypeError, KeyError) as error:
        raise ValueError(f"is not shaped like briefing/aliases.toml ({error})") from None
    return path


def _templates_dir(value: str) -> Path | None:
    path = _optional_path(value)
    if path is not None and not path.is_dir():
        raise ValueError("no such folder")
    return path


def _templates_compile(path: Path | None) -> None:
    """The folder's templates compile, so a typo is one line at start-up, not a traceback."""
    if path is None:
        return
    import jinja2

    from briefing.output.render import HTML_TEMPLATE, TEXT_TEMPLATE, make_environment

    environment = make_environment(path)
    for name in (HTML_TEMPLATE, TEXT_TEMPLATE):
        if not (path / name).is_file():
            continue
        try:
            environment.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            raise ValueError(f"{name} line {error.lineno}: {error.message}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(f"{name} cannot be read ({error})") from None


def _host_rules(value: str) -> object:
    from briefing.network import parse_host_rules

    return parse_host_rules(value)


def _clock_time(value: str) -> str:
    """HH:MM on a 24-hour clock, kept as text: the form the schedule library takes."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not match:
        raise ValueError("must be a time like 07:00 (24-hour HH:MM)")
    return f"{int(match[1]):02d}:{match[2]}"


def _timezone(value: str) -> str | None:
    """An IANA zone name, checked against pytz (which the schedule library uses)."""
    value = value.strip()
    if not value:
        return None  # the machine's own zone
    import pytz

    try:
        pytz.timezone(value)
    except pytz.UnknownTimeZoneError:
        raise ValueError("is not an IANA time zone name like Europe/Berlin") from None
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting("BRIEFING_INPUTS", "seeds", _paths,
            "Files or folders of articles (.txt .md .html .jsonl), comma-separated."),
    Setting("OUTPUT_DIR", "out", _writable_folder,
            "Where briefing-DATE.html/.txt/.json/.eml are written."),
    Setting("ALGORITHM", "", _algorithm, "Summarizer for key points; empty means the default."),
    Setting("POINTS", "3", _positive_int, "Key points per article."),
    Setting("LANGUAGE", "english", _language,
            "Language of the articles: sentence splitting, stemming and stop words."),
    Setting("TEMPLATES_DIR", "", _templates_dir,
            "Folder whose templates override the bundled ones (same file names).",
            check=_templates_compile),
    Setting("ALIASES_FILE", "", _aliases_file,
            "TOML file of actor aliases extending or overriding the bundled list."),
    Setting("MAX_ARTICLE_BYTES", "5000000", _positive_int,
            "Larger input files are reported and skipped."),
    Setting("BRIEFING_FROM", "", _address, "Sender address of the briefing e-mail."),
    Setting("BRIEFING_TO", "", _addresses, "Recipients, comma-separated."),
    Setting("BRIEFING_SUBJECT", "Daily briefing for {date}", _text,
            "Subject line; {date} becomes the briefing's date."),
    Setting("CLUSTER_STORIES", "true", _boolean,
            "Group articles about one event into a story and merge their points."),
    Setting("STORY_THRESHOLD", "0.3", _fraction,
            "How alike (0-1, cosine of TF-IDF) two articles must be to be one story."),
    Setting("STORY_WINDOW_HOURS", "48", _hours,
            "Articles published further apart than this are never one story."),
    Setting("REPEAT_DAYS", "3", _whole_number(0, 366),
            "A point already in a briefing of the last N days is an earlier point; 0: off."),
    Setting("REPEATS", "mark", _choice("mark", "drop"),
            "Earlier points: mark them as earlier, or drop them."),
    Setting("POINTS_PER_ACTOR", "5", _positive_int, "At most this many points under one actor."),
    Setting("ACTORS_PER_BRIEFING", "12", _positive_int,
            "At most this many actor sections; the rest are counted as more articles."),
    Setting("WORKERS", "", _workers,
            "Processes that summarize articles in parallel; empty means one per CPU core."),
    Setting("LOG_LEVEL", "info", _choice("debug", "info", "warning", "error"),
            "How much the tool logs to stderr."),
    # Feeds and web pages
    Setting("FEEDS", "", _urls, "RSS or Atom feed URLs, comma-separated."),
    Setting("FEEDS_FILE", "", _optional_path,
            "File of feed URLs, one a line (# comments), or an OPML export."),
    Setting("URLS", "", _urls, "Article page URLs, comma-separated."),
    Setting("URLS_FILE", "", _optional_path, "File of article page URLs, one a line."),
    Setting("FETCH_TIMEOUT", "20", _timeout,
            "Seconds one feed or page may take in all (connect, headers, body, redirects)."),
    Setting("FETCH_MAX_BYTES", "10000000", _positive_int,
            "Larger feeds or pages are reported and skipped."),
    Setting("FETCH_MAX_REDIRECTS", "5", _whole_number(0, 30), "Redirects followed per fetch."),
    Setting("FETCH_WORKERS", "8", _whole_number(1, 64), "Fetches in parallel."),
    Setting("FETCH_PER_HOST", "2", _whole_number(1, 16), "Fetches in parallel to any one host."),
    Setting("USER_AGENT", "briefing/0.1 (daily news briefing)",
            _text, "User-Agent header sent with every fetch."),
    Setting("FETCH_ALLOW_HOSTS", "", _host_rules,
            "Non-public hosts or networks that may be fetched, e.g. 127.0.0.0/8,intranet.example."),


    # --- delivery: `send` and `schedule` ---
    Setting("SMTP_HOST", "", _text, "Mail server to send through; empty means not configured."),
    Setting("SMTP_PORT", "587", _port, "Mail server port: 587 for starttls, 465 for ssl."),
    Setting("SMTP_SECURITY", "starttls", _choice("starttls", "ssl", "none"),
            "starttls, ssl, or none (refused for non-loopback hosts unless allowed)."),
    Setting("SMTP_USERNAME", "", _text, "Login name; empty means no AUTH."),
    Setting("SMTP_PASSWORD", "", _text, "Login password; never printed or logged.", secret=True),
    Setting("SMTP_TIMEOUT", "30", _timeout, "Seconds to wait for the server on each step."),
    Setting("SMTP_CA_FILE", "", _ca_file,
            "Extra CA certificates (PEM) to trust besides the system store."),
    Setting("SMTP_ALLOW_INSECURE", "false", _boolean,
            "Allow SMTP_SECURITY=none to a host that is not this machine."),
    Setting("BRIEFING_TIME", "07:00", _clock_time, "Daily send time, HH:MM, in BRIEFING_TIMEZONE."),
    Setting("BRIEFING_TIMEZONE", "", _timezone,
            "IANA zone of BRIEFING_TIME, e.g. Europe/Berlin; empty means the machine's."),
    Setting("BRIEFING_STATE_DIR", "", _optional_writable_folder,
            "Outbox, sent archive, failed folder and ledger; empty means OUTPUT_DIR/state."),
    Setting("SEND_ATTEMPTS", "5", _whole_number(1, 100),
            "Tries per run before leaving it for the next."),
    Setting("SEND_BACKOFF", "2", _seconds, "Seconds before the second try; doubles each time."),
    Setting("SEND_BACKOFF_MAX", "300", _seconds, "Longest wait between two tries, in seconds."),
    Setting("SCHEDULE_CHECK_MINUTES", "15", _whole_number(1, 1440),
            "How often `schedule` checks for a missed briefing and retries the outbox."),
    Setting("CATCH_UP_DAYS", "3", _whole_number(0, 31),
            "`schedule` sends up to this many missed earlier days, oldest first; 0: today only."),
)

_BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Parsed settings, by name, with attribute access (`config.points`)."""

    values: Mapping[str, Any]

    def __getattr__(self, attribute: str) -> Any:
        try:
            return self.values[attribute.upper()]
        except KeyError:
            raise AttributeError(attribute) from None

    @property
    def state_dir(self) -> Path:
        """The one state folder of every command: BRIEFING_STATE_DIR, else OUTPUT_DIR/state."""
        return self.values["BRIEFING_STATE_DIR"] or self.values["OUTPUT_DIR"] / "state"

    def is_default(self, name: str) -> bool:
        """Whether setting `name` has its default value (left unset, or set to the same)."""
        setting = _BY_NAME[name.upper()]
        return self.values[setting.name] == setting.parse(setting.default)

    def with_values(self, **values: Any) -> Config:
        """These settings with some replaced by already-parsed values (a command's `--out`);
        None leaves a setting as it is."""
        changed = {name.upper(): value for name, value in values.items() if value is not None}
        unknown = set(changed) - set(_BY_NAME)
        if unknown:
            raise KeyError(f"no such settings: {', '.join(sorted(unknown))}")
        return Config({**self.values, **changed})

    def redacted(self) -> dict[str, str]:
        """Settings safe to print: secrets replaced, for `--help` and debug logs."""
        return {
            name: ("***" if _BY_NAME[name].secret and value else str(value))
            for name, value in self.values.items()
        }


def load_config(
    env_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    checked: bool = True,
) -> Config:
    """Read `.env` (if any) then the environment, parse every setting, or raise ConfigError.

    `checked=False` skips the settings' further checks (see `Setting.check`).
    """
    environ = os.environ if environ is None else environ
    env_file = Path(".env") if env_file is None else env_file
    raw: dict[str, str] = {}
    if env_file.is_file():
        raw.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    raw.update({name: environ[name] for name in _BY_NAME if name in environ})

    values: dict[str, Any] = {}
    for setting in SETTINGS:
        text = raw.get(setting.name, setting.default)
        try:
            values[setting.name] = setting.parse(text)
            if checked and setting.check is not None:
                setting.check(values[setting.name])
        except (ValueError, TypeError, OverflowError) as error:
            shown = "***" if setting.secret else repr(text)
            raise ConfigError(f"{setting.name}={shown} is invalid: {error}") from None
    return Config(values)
