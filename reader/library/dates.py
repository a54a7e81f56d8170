"""Any date-like value from front matter or a file name → timezone-aware ``datetime``.

YAML turns ``2021-10-28 14:08:07`` into a datetime but leaves RFC 2822 dates as strings, TOML
has its own types, and some sites write epoch numbers: everything is normalised here. Naive
values are taken as UTC. Dates outside :data:`MIN_YEAR`–:data:`MAX_YEAR` (Hugo's
``0001-01-01`` "no date" included) count as absent.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime

__all__ = ["MAX_YEAR", "MIN_YEAR", "date_from_filename", "date_from_path", "parse_date"]

MIN_YEAR = 1900
MAX_YEAR = 2200

_UTC = timezone.utc
_MS_THRESHOLD = 1e11  # larger epoch values are milliseconds (1e11 s is the year 5138)
_ISO_LIKE = re.compile(
    r"""^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?
        (?:(?:[T\s]+|\s*日\s*)
           (?P<H>\d{1,2})[:时](?P<M>\d{2})(?:[:分](?P<S>\d{2})(?:[.,](?P<f>\d+))?)?秒?)?
        \s*(?P<tz>Z|z|[+-]\d{2}:?\d{2}|[+-]\d{2}|UTC|GMT)?\s*$""",
    re.VERBOSE,
)
_FILENAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[-_ .T]|$)")
_PATH_DATE = re.compile(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})(?:/|$)")


def parse_date(value: object) -> datetime | None:
    """Normalise a date value to an aware datetime; None when absent or unparseable.

    Accepts ``datetime``/``date`` objects, epoch numbers (seconds, or milliseconds when
    large), and strings: ``2021-10-28 14:08:07``, ISO 8601 with or without a zone,
    ``2021/07/10``, ``2021年7月10日``, RFC 2822 and bare epoch digits. Never raises.
    """
    try:
        result = _parse(value)
    except (ValueError, TypeError, OverflowError, OSError, ArithmeticError):
        return None
    if result is None or not MIN_YEAR <= result.year <= MAX_YEAR:
        return None
    return result


def date_from_filename(name: str) -> datetime | None:
    """The date of a ``YYYY-MM-DD-title.md`` style file name (midnight UTC), else None."""
    match = _FILENAME.match(name)
    return _ymd(*match.groups()) if match else None


def date_from_path(text: str) -> datetime | None:
    """The date in a ``…/YYYY/MM/DD/…`` path or permalink (midnight UTC), else None."""
    match = _PATH_DATE.search(text)
    return _ymd(*match.groups()) if match else None


def _ymd(y: str, m: str, d: str) -> datetime | None:
    try:
        result = datetime(int(y), int(m), int(d), tzinfo=_UTC)
    except ValueError:
        return None
    return result if MIN_YEAR <= result.year <= MAX_YEAR else None


def _parse(value: object) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=_UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=_UTC)
    if isinstance(value, (int, float)):
        return _from_number(value)
    if isinstance(value, str):
        return _from_string(value.strip())
    return None


def _from_number(value: float) -> datetime | None:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int) and MIN_YEAR <= value <= MAX_YEAR:
        return datetime(value, 1, 1, tzinfo=_UTC)  # `date: 2021`
    seconds = value / 1000 if abs(value) >= _MS_THRESHOLD else value
    return datetime(1970, 1, 1, tzinfo=_UTC) + timedelta(seconds=seconds)


def _from_string(text: str) -> datetime | None:
    if not text or len(text) > 100:
        return None
    if text.isdigit():
        if len(text) == 8:  # 20211028
            return _ymd(text[:4], text[4:6], text[6:])
        return _from_number(int(text))
    match = _ISO_LIKE.match(text)
    if match:
        return _from_match(match)
    try:
        return parse_date(datetime.fromisoformat(text))
    except ValueError:
        pass
    return _rfc2822(text)


def _from_match(match: re.Match[str]) -> datetime:
    g = match.groupdict()
    micro = int((g["f"] or "0")[:6].ljust(6, "0"))
    return datetime(
        int(g["y"]),
        int(g["m"]),
        int(g["d"]),
        int(g["H"] or 0),
        int(g["M"] or 0),
        int(g["S"] or 0),
        micro,
        tzinfo=_zone(g["tz"]),
    )


def _zone(text: str | None) -> timezone:
    if not text or text in ("Z", "z", "UTC", "GMT"):
        return _UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("bad zone")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _rfc2822(text: str) -> datetime | None:
    try:
        result = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if result is None:
        return None
    return result if result.tzinfo is not None else result.replace(tzinfo=_UTC)
