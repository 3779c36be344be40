"""Times for people: the home's zone, CLDR's forms per locale (the browser's Intl agrees), a
24-hour clock, and a locale read from whatever people or the environment write."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st

from homeweave.model.times import Times, environment_locale, locale_name

AMS = ZoneInfo("Europe/Amsterdam")
# Summer time ends in Amsterdam on 2026-10-25 at 01:00 UTC: 18:02 is 16:02 UTC before, 17:02 after.
BEFORE = datetime(2026, 10, 24, 16, 2, 11, tzinfo=UTC).timestamp()
AFTER = datetime(2026, 10, 25, 17, 2, 11, tzinfo=UTC).timestamp()
# Summer time starts on 2026-03-29 at 01:00 UTC: 18:02 is 17:02 UTC before, 16:02 after.
SPRING = datetime(2026, 3, 29, 16, 2, tzinfo=UTC).timestamp()

FORMS = {
    # locale: (date, date with year, moment on another day, relative +5 min, relative -3 h)
    "en": ("Sat, Oct 24", "Sat, Oct 24, 2026", "Sat, Oct 24, 18:02", "in 5 min.", "3 hr. ago"),
    "de": (
        "Sa., 24. Okt.",
        "Sa., 24. Okt. 2026",
        "Sa., 24. Okt., 18:02",
        "in 5 Min.",
        "vor 3 Std.",
    ),
    "zh-cn": ("10月24日周六", "2026年10月24日周六", "10月24日周六 18:02", "5分钟后", "3小时前"),
}


@pytest.mark.parametrize("locale", FORMS)
def test_a_time_in_the_homes_zone_across_a_dst_change(locale: str) -> None:
    times = Times(AMS, locale)
    date, dated, moment, soon, earlier = FORMS[locale]
    assert times.clock(BEFORE) == times.clock(AFTER) == times.clock(SPRING) == "18:02"
    assert times.clock(BEFORE, seconds=True) == "18:02:11"
    assert times.date(BEFORE, AFTER) == date
    assert times.date(BEFORE) == dated  # no "now": the year is said
    assert times.moment(BEFORE, AFTER) == moment
    assert times.moment(AFTER, AFTER + 3600) == "18:02"  # the same day: the time alone
    assert times.relative(AFTER + 300, AFTER) == soon
    assert times.relative(AFTER - 3 * 3600, AFTER) == earlier


def test_a_moment_just_after_midnight_belongs_to_the_homes_day_not_utcs() -> None:
    late = datetime(2026, 10, 25, 23, 30, tzinfo=UTC).timestamp()  # 00:30 on the 26th at home
    times = Times(AMS)
    assert times.moment(late, late - 3600) == "Mon, Oct 26, 00:30"
    assert Times(UTC).moment(late, late - 3600) == "23:30"


def test_datetimes_in_another_zone_are_said_in_the_homes() -> None:
    at = datetime(2026, 10, 24, 12, 2, tzinfo=ZoneInfo("America/New_York"))
    assert Times(AMS, "de").clock(at) == "18:02"


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_browsers_intl_says_the_same() -> None:
    """The dashboard formats with Intl.DateTimeFormat (web/src/format.js: hourCycle h23, the
    home's zone); Node's Intl has the same CLDR data as the browser's."""
    instants = [BEFORE, AFTER, SPRING, SPRING - 3600, 1_767_225_599.0, 1_751_328_000.0]
    script = """
const [instants, locales] = JSON.parse(process.argv[1]);
const out = {};
for (const l of locales) {
  const f = (o) =>
    new Intl.DateTimeFormat(l, { timeZone: 'Europe/Amsterdam', hourCycle: 'h23', ...o });
  out[l] = instants.map((t) => {
    const d = new Date(t * 1000);
    const day = { weekday: 'short', day: 'numeric', month: 'short' };
    return [
      f({ hour: '2-digit', minute: '2-digit' }).format(d),
      f({ hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d),
      f(day).format(d),
      f({ ...day, year: 'numeric' }).format(d),
      f({ ...day, hour: '2-digit', minute: '2-digit' }).format(d),
    ];
  });
}
console.log(JSON.stringify(out));
"""
    locales = {"en": "en", "de": "de", "zh-CN": "zh-cn", "en-GB": "en-GB", "fr": "fr"}
    assert NODE is not None
    said = subprocess.run(
        [NODE, "-e", script, json.dumps([instants, list(locales)])],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    browser = json.loads(said.stdout)
    for intl, ours in locales.items():
        times = Times(AMS, ours)
        mine = [
            [
                times.clock(at),
                times.clock(at, seconds=True),
                times.date(at, at),
                times.date(at),
                times.moment(at, at + 86400 * 2),
            ]
            for at in instants
        ]
        assert mine == browser[intl], intl


@pytest.mark.parametrize(
    ("written", "locale"),
    [
        ("zh-cn", "zh_Hans_CN"),
        ("zh_CN", "zh_Hans_CN"),
        ("zh-TW", "zh_Hant_TW"),
        ("de", "de"),
        ("de_DE.UTF-8", "de_DE"),
        ("de_DE@euro", "de_DE"),
        ("en-GB", "en_GB"),
        ("C.UTF-8", "en"),
        ("POSIX", "en"),
        ("", "en"),
        (None, "en"),
        ("xx", "en"),
        ("klingon", "en"),
        ("12", "en"),
        ("de DE", "en"),
    ],
)
def test_a_locale_is_read_as_people_and_systems_write_it(written: str | None, locale: str) -> None:
    assert locale_name(written) == locale


@given(st.text(max_size=40))
def test_any_locale_text_gives_one_babel_knows(text: str) -> None:
    found = locale_name(text)
    assert str(Locale.parse(found)) == found
    times = Times(AMS, text)  # never an error: a time is always shown ("18.02" in some)
    assert times.clock(BEFORE)
    assert times.clock(BEFORE) in times.moment(BEFORE, AFTER)


@given(
    st.sampled_from(["de", "zh", "fr", "ja", "en_GB"]),
    st.sampled_from(["", "-", "_"]),
    st.sampled_from(["", ".UTF-8", ".utf8", "@euro"]),
)
def test_a_known_language_is_kept_whatever_it_is_dressed_in(lang: str, sep: str, tail: str) -> None:
    written = lang.replace("_", sep) if sep else lang.split("_")[0]
    assert locale_name(written + tail).split("_")[0] == lang.split("_")[0]


def test_the_environment_is_read_as_posix_orders_it() -> None:
    env = {"LANG": "de_DE.UTF-8", "LC_TIME": "fr_FR.UTF-8"}
    assert environment_locale(env) == "fr_FR.UTF-8"
    assert environment_locale({**env, "LC_ALL": "zh_CN.UTF-8"}) == "zh_CN.UTF-8"
    assert environment_locale({"LANG": "de_DE.UTF-8"}) == "de_DE.UTF-8"
    assert environment_locale({"LANG": "C.UTF-8"}) is None
    assert environment_locale({}) is None


def test_importing_the_formatter_or_the_hub_loads_no_babel() -> None:
    """Babel costs ~50 ms; the hub's start-up needs none of it."""
    code = (
        "import sys, homeweave.model.times, homeweave.app, homeweave.automation.watch;"
        "print('babel' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"
