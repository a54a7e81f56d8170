"""Date normalisation: every accepted form gives an aware datetime, anything else None."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from reader.library.dates import date_from_filename, date_from_path, parse_date

UTC = timezone.utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-10-28 14:08:07", datetime(2021, 10, 28, 14, 8, 7, tzinfo=UTC)),
        ("2021-10-28T14:08:07Z", datetime(2021, 10, 28, 14, 8, 7, tzinfo=UTC)),
        (
            "2021-10-28T14:08:07+08:00",
            datetime(2021, 10, 28, 14, 8, 7, tzinfo=timezone(timedelta(hours=8))),
        ),
        (
            "2019-05-30 9:00:00 +0900",
            datetime(2019, 5, 30, 9, tzinfo=timezone(timedelta(hours=9))),
        ),
        ("2021-10-28T14:08:07.5", datetime(2021, 10, 28, 14, 8, 7, 500000, tzinfo=UTC)),
        ("Sat, 10 Jul 2021 03:07:14 GMT", datetime(2021, 7, 10, 3, 7, 14, tzinfo=UTC)),
        (
            "Sat, 10 Jul 2021 03:07:14 -0500",
            datetime(2021, 7, 10, 3, 7, 14, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("2021-07-10", datetime(2021, 7, 10, tzinfo=UTC)),
        ("2021/07/10", datetime(2021, 7, 10, tzinfo=UTC)),
        ("2021年7月10日", datetime(2021, 7, 10, tzinfo=UTC)),
        ("20210710", datetime(2021, 7, 10, tzinfo=UTC)),
        (date(2021, 7, 10), datetime(2021, 7, 10, tzinfo=UTC)),
        (datetime(2021, 7, 10, 3, 7), datetime(2021, 7, 10, 3, 7, tzinfo=UTC)),
        (1625886434, datetime(2021, 7, 10, 3, 7, 14, tzinfo=UTC)),
        (1625886434.0, datetime(2021, 7, 10, 3, 7, 14, tzinfo=UTC)),
        (1625886434000, datetime(2021, 7, 10, 3, 7, 14, tzinfo=UTC)),
        ("1625886434", datetime(2021, 7, 10, 3, 7, 14, tzinfo=UTC)),
        (2021, datetime(2021, 1, 1, tzinfo=UTC)),
    ],
)
def test_parse_date(value: object, expected: datetime) -> None:
    result = parse_date(value)
    assert result == expected
    assert result is not None and result.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "yesterday",
        "2021-02-30",
        "2021-13-01 10:00",
        "0001-01-01T00:00:00Z",
        datetime(1, 1, 1),
        "9999-12-31",
        10**30,
        -(10**30),
        float("nan"),
        float("inf"),
        True,
        ["2021-01-01"],
        {"date": "2021-01-01"},
        "Mon, 99 Feb 2021 99:99:99 GMT",
        "2021-10-28 14:08:07 +9999",
        "x" * 10_000,
    ],
)
def test_unparseable_or_absurd_is_none(value: object) -> None:
    assert parse_date(value) is None


def test_every_result_is_aware() -> None:
    for value in ("2021-10-28", "2021-10-28 14:08", date(2020, 1, 1), 0, 1e9):
        result = parse_date(value)
        assert result is not None and result.tzinfo is not None


def test_date_from_filename() -> None:
    assert date_from_filename("2021-10-28-hello-world.md") == datetime(2021, 10, 28, tzinfo=UTC)
    assert date_from_filename("2021-10-28.md") == datetime(2021, 10, 28, tzinfo=UTC)
    assert date_from_filename("2021-13-40-bad.md") is None
    assert date_from_filename("hello-2021-10-28.md") is None
    assert date_from_filename("20211028-x.md") is None


def test_date_from_path() -> None:
    assert date_from_path("2025/06/26/Rust-1.88.0") == datetime(2025, 6, 26, tzinfo=UTC)
    assert date_from_path("/en/2017/08/so-gh-email/") is None
    assert date_from_path("/blog/2019/7/3/") == datetime(2019, 7, 3, tzinfo=UTC)
