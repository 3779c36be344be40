"""Automation traces' sentences in each language (`model.tracebook`, `wording.trace_sentence`):
kept as phrases, worded when read; English as it always was."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from homeweave.automation.actions import ChooseAction, DelayAction, RepeatAction, WaitAction
from homeweave.automation.conditions import Env, TimeCondition, WeekdayCondition
from homeweave.automation.traces import Result, Trace, TriggerInfo, collapse, worded
from homeweave.automation.triggers import CalendarTrigger, StartTrigger, TimeTrigger
from homeweave.model.tracebook import list_arg, moment_arg, phrase, seconds_arg, sun_arg, value_arg
from homeweave.model.wording import trace_sentence

AMS = ZoneInfo("Europe/Amsterdam")
FRIDAY_NIGHT = datetime(2024, 1, 12, 21, 30, tzinfo=AMS)


def env(now: datetime) -> Env:
    return Env(view=None, now=now, home=None)  # type: ignore[arg-type]  # times need no values


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "it was 21:30 on fri, outside time after 22:00 and on sat, sun"),
        ("de", "es war 21:30 am Fr, außerhalb von Uhrzeit nach 22:00 und am Sa, So"),
        ("zh-cn", "当时是周五 21:30，不在时间 22:00 之后且在周六、周日"),
    ],
)
def test_a_time_condition_in_each_language(language: str, said: str) -> None:
    late = TimeCondition(time(22, 0), None, ())
    weekend = TimeCondition(time(22, 0), None, ("sat", "sun"))
    check = late.check(env(FRIDAY_NIGHT))
    assert not check.ok
    assert check.sentence == "it was 21:30 on fri, outside time after 22:00"
    check = weekend.check(env(FRIDAY_NIGHT))
    assert check.sentence == "it was 21:30 on fri, not on sat, sun"
    outside = weekend.check(env(FRIDAY_NIGHT.replace(day=13)))  # a Saturday, still too early
    assert outside.phrase is not None
    assert trace_sentence(outside.phrase, language) == said.replace("fri", "sat").replace(
        "Fr,", "Sa,"
    ).replace("周五", "周六")


def test_weekdays_and_steps_in_german_and_chinese() -> None:
    weekday = WeekdayCondition(("sat", "sun")).check(env(FRIDAY_NIGHT))
    assert weekday.sentence == "it was fri, not sat or sun"
    assert trace_sentence(weekday.phrase, "de") == "es war Fr, nicht Sa oder So"
    assert trace_sentence(weekday.phrase, "zh-cn") == "当时是周五，不是周六或周日"
    wait = DelayAction(90.5).said()
    assert trace_sentence(wait) == "wait 1 min 30 s"
    assert trace_sentence(phrase("step.wait", duration=seconds_arg(2.5)), "de") == "2,5 s warten"
    assert trace_sentence(wait, "zh-cn") == "等待 1 分钟 30 秒"
    choose = ChooseAction((), (DelayAction(1),)).said()
    assert trace_sentence(choose) == "choose among 0 choice(s) or otherwise"
    assert "sonst" in trace_sentence(choose, "de")
    repeat = RepeatAction((), count=3).said()
    assert repeat is not None
    assert trace_sentence(repeat) == "repeat 3 time(s)"
    assert trace_sentence(repeat, "de") == "3-mal wiederholen"
    assert trace_sentence(repeat, "zh-cn") == "重复 3 次"


def test_values_take_the_languages_decimal_mark_and_words() -> None:
    said = phrase("check.is", address="a/b/c", value={"value": 21.5, "unit": "celsius"})
    assert trace_sentence(said) == "a/b/c is 21.5°C"
    assert trace_sentence(said, "de") == "a/b/c ist 21,5°C"
    missing = phrase("check.no-value", address="a/b/c", wanted=value_arg(True))
    assert trace_sentence(missing, "de") == "a/b/c hat noch keinen Wert, nicht wahr"
    assert trace_sentence(missing, "fr") == "a/b/c has no value yet, not true"
    assert trace_sentence("an older trace's sentence", "de") == "an older trace's sentence"


def near_miss(at: float, watts: int, language: str) -> dict[str, Any]:
    said = phrase(
        "trigger.not-in-range",
        address="plug/power",
        value={"value": watts, "unit": "W"},
        range=phrase("range.below", below=5, unit=" W"),
    )
    trace = Trace("a", at, TriggerInfo(0, "numeric", "", trace_sentence(said), {}, said))
    trace.conclude(Result.NOT_TRIGGERED, at=at)
    return worded(trace.to_dict(), language)


@pytest.mark.parametrize("language", ["en", "de", "zh-cn"])
def test_near_misses_collapse_in_any_language(language: str) -> None:
    traces = [near_miss(30.0 - i, 800 + i, language) for i in range(5)]
    collapsed = collapse(traces)
    assert len(collapsed) == 1
    assert collapsed[0].count == 5
    other = near_miss(1.0, 3, language) | {"result": "not-triggered"}
    other["phrase"] = phrase("trigger.became", address="plug/power", value=3)
    assert len(collapse([*traces, other])) == 2
    old = {k: v for k, v in traces[0].items() if k != "phrase"}  # an older trace: its sentence
    assert (
        len(collapse([old, {**old, "at": 1.0, "sentence": old["sentence"].replace("800", "9")}]))
        == 1
    )


def test_a_moment_is_the_homes_in_the_readers_forms() -> None:
    at = datetime(2024, 1, 13, 18, 2, tzinfo=AMS).timestamp()
    said = phrase("trigger.it-was", moment=moment_arg(at, AMS))
    assert trace_sentence(said) == "it was Sat, Jan 13, 2024, 18:02:00"
    assert trace_sentence(said, "de") == "es war Sa., 13. Jan. 2024, 18:02:00"
    assert "2024年1月13日" in trace_sentence(said, "zh-cn")
    today = phrase("trigger.it-was", moment=moment_arg(at, AMS, at + 60))
    assert trace_sentence(today, "de") == "es war 18:02:00"  # the day of `now`: the time alone


def test_a_cancelled_run_says_why_in_each_language() -> None:
    trace = Trace("a", 10.0, None)
    trace.conclude(Result.CANCELLED, phrase("cancel.restarted"), at=11.0)
    assert trace.sentence == "run by hand; cancelled: restarted by a newer trigger (mode restart)"
    german = worded(trace.to_dict(), "de")["sentence"]
    assert german == (
        "von Hand gestartet; abgebrochen: von einem neueren Auslöser neu gestartet (Modus restart)"
    )
    chinese = worded(trace.to_dict(), "zh-cn")["sentence"]
    assert chinese == "手动运行；已取消：被新的触发重新启动（restart 模式）"
    reported = phrase("trigger.reported", device="switch", event="switch/click", args="")
    assert trace_sentence(reported, "de") == "switch meldete switch/click"


def test_a_sun_window_in_each_language() -> None:
    window = phrase(
        "window.sun",
        parts=list_arg(
            [
                phrase(
                    "window.after",
                    time=[
                        sun_arg("sunset"),
                        phrase("window.offset", sign="+", duration=seconds_arg(1800)),
                    ],
                ),
                phrase("window.before", time=[sun_arg("sunrise"), ""]),
            ],
            "and",
        ),
    )
    assert trace_sentence(window) == "sun after sunset + 30 min and before sunrise"
    assert trace_sentence(window, "de") == (
        "Sonnenstand nach Sonnenuntergang + 30 min und vor Sonnenaufgang"
    )
    assert trace_sentence(window, "zh-cn") == "太阳日落 + 30 分钟之后且日出之前"


# --- definitions: what an automation's triggers, a wait and a repeat say ------------------------
WEEKEND_MORNING = TimeTrigger(0, time(7, 30), ("sat", "sun"), AMS)
WORKDAYS = CalendarTrigger(1, "0 7 * * 1-5", AMS)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "wait for at 07:30:00 on sat, sun (Europe/Amsterdam) or on the calendar pattern"
            " '0 7 * * 1-5' (Europe/Amsterdam) (up to 5 min)",
        ),
        (
            "de",
            "warten auf: um 07:30:00 am Sa, So (Europe/Amsterdam) oder nach dem Kalendermuster"
            " '0 7 * * 1-5' (Europe/Amsterdam) (höchstens 5 min)",
        ),
        (
            "zh-cn",
            "等待在周六、周日的 07:30:00（Europe/Amsterdam）或按日历规则“0 7 * * 1-5”"
            "（Europe/Amsterdam）（最多 5 分钟）",
        ),
    ],
)
def test_a_wait_names_its_triggers_in_each_language(language: str, said: str) -> None:
    wait = WaitAction((WEEKEND_MORNING, WORKDAYS), 300)
    assert trace_sentence(wait.said(), language) == said
    assert wait.describe() == trace_sentence(wait.said())  # English, from the same phrase
    assert trace_sentence(StartTrigger(2).said(), "de") == "wenn der Hub startet"
    assert trace_sentence(StartTrigger(2).said(), "zh-cn") == "中枢启动时"


def test_a_repeat_while_or_until_names_its_conditions_in_each_language() -> None:
    weekend, late = WeekdayCondition(("sat", "sun")), TimeCondition(time(22, 0), None, ())
    repeat = RepeatAction((DelayAction(1),), while_=(weekend, late))
    assert repeat.describe() == "repeat while on sat, sun; time after 22:00"
    assert trace_sentence(repeat.said(), "de") == (
        "wiederholen, solange gilt: am Sa, So; Uhrzeit nach 22:00"
    )
    assert trace_sentence(repeat.said(), "zh-cn") == "重复，只要在周六、周日；时间 22:00 之后"
    until = RepeatAction((DelayAction(1),), until=(WeekdayCondition(("mon",)),)).said()
    assert trace_sentence(until, "de") == "wiederholen, bis gilt: am Mo"
    assert trace_sentence(until, "zh-cn") == "重复，直到在周一"


def test_a_time_trigger_that_fired_before_says_when_in_the_homes_zone() -> None:
    at = datetime(2024, 6, 3, 7, 30, tzinfo=AMS).timestamp()
    said = phrase("trigger.already-fired", moment=moment_arg(at, AMS))
    assert trace_sentence(said, "de") == (
        "Mo., 3. Juni 2024, 07:30:00 wurde schon ausgelöst (vor einem Neustart, oder die Uhr"
        " wurde zurückgestellt)"
    )
    assert trace_sentence(said, "zh-cn") == (
        "2024年6月3日周一 07:30:00 已经触发过（在重启之前，或时钟被调回）"
    )
    none = phrase("trigger.no-further", trigger=WEEKEND_MORNING.said())
    assert (
        trace_sentence(none, "de")
        == "um 07:30:00 am Sa, So (Europe/Amsterdam): kein weiterer Zeitpunkt"
    )
    assert (
        trace_sentence(none, "zh-cn") == "在周六、周日的 07:30:00（Europe/Amsterdam）：不会再发生"
    )
