"""Voice timers over ``POST /api/conversation`` on the demo home: started, asked about, paused,
lengthened, matched by name and length, cancelled; a timer with a command carries it out when
it rings and the ringing is published for the dashboard — in English, German and Chinese."""

from __future__ import annotations

import asyncio
from typing import Any

from homeweave.voice.timers import TIMER_FINISHED, TimerFinished, finished_words
from tests.integration.conftest import Api
from tests.integration.test_voice import say, value


async def said(api: Api, text: str, language: str = "en", **extra: Any) -> dict[str, Any]:
    return await say(api[1], text, language, **extra)


async def timers(api: Api) -> list[dict[str, Any]]:
    response = await api[1].get("/api/conversation/timers")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def test_a_timer_is_set_asked_paused_lengthened_and_cancelled(api: Api) -> None:
    body = await said(api, "set a timer for 5 minutes named pasta")
    assert body["intent"] == "HassStartTimer"
    assert body["speech"] == "Timer set for 5 minutes named pasta"
    [timer] = await timers(api)
    assert (timer["name"], timer["seconds"], timer["is_active"]) == ("pasta", 300, True)

    body = await said(api, "how long is left on the pasta timer")
    assert body["speech"] == "5 minutes left."

    assert (await said(api, "pause the timer"))["speech"] == "Timer paused"
    assert (await timers(api))[0]["is_active"] is False
    assert (await said(api, "how much time is left on my timer"))["speech"].startswith(
        "Timer is paused."
    )
    assert (await said(api, "resume my timer"))["speech"] == "Timer resumed"
    assert (await timers(api))[0]["is_active"] is True

    body = await said(api, "add 2 minutes to my timer")
    assert body["speech"] == "2 minutes added to timer"
    assert (await timers(api))[0]["seconds"] == 420
    assert (await said(api, "how much time is left on my timer"))["speech"] == "7 minutes left."

    assert (await said(api, "cancel the pasta timer"))["speech"] == "Timer cancelled"
    assert (await timers(api)) == []
    body = await said(api, "cancel the timer")
    assert body["speech"] == "Sorry, I couldn't find that timer"


async def test_two_timers_are_told_apart_by_their_length(api: Api) -> None:
    await said(api, "set a timer for 5 minutes")
    await said(api, "set a timer for 10 minutes")
    status = (await said(api, "how much time is left on my timer"))["speech"]
    assert status.startswith("2 running timers."), status
    assert "5 minutes left on 5 minute timer" in status

    body = await said(api, "cancel the timer")
    assert body["speech"] == "Sorry, I am unable to target multiple timers"
    assert len(await timers(api)) == 2
    assert (await said(api, "cancel the 10 minute timer"))["speech"] == "Timer cancelled"
    assert [t["seconds"] for t in await timers(api)] == [300]
    assert (await said(api, "cancel all timers"))["speech"] == "Canceled 1 timer."
    assert (await timers(api)) == []


async def test_a_dry_run_starts_nothing(api: Api) -> None:
    body = await said(api, "set a timer for 5 minutes", dry_run=True)
    assert body["speech"] == "Timer set for 5 minutes"
    assert (await timers(api)) == []


async def test_a_timer_with_a_command_runs_it_when_it_rings(api: Api) -> None:
    running, _client = api
    await said(api, "turn on the kitchen lamp")
    assert value(running, "kitchen-lamp/light/on") is True
    rang: list[TimerFinished] = []
    running.hub.bus.subscribe(TIMER_FINISHED, rang.append)

    body = await said(api, "turn off the kitchen lamp in 1 second")
    assert body["intent"] == "HassStartTimer"
    assert body["speech"] == "Command will be executed in 1 second"
    assert body["writes"] == []  # nothing yet
    assert value(running, "kitchen-lamp/light/on") is True

    for _ in range(100):
        if rang and value(running, "kitchen-lamp/light/on") is False:
            break
        await asyncio.sleep(0.05)
    assert value(running, "kitchen-lamp/light/on") is False
    [event] = rang
    assert (event.command, event.language, event.seconds) == ("turn off the kitchen lamp", "en", 1)
    assert finished_words(event) == "Timer done"
    assert (await timers(api)) == []


async def test_timers_in_german_and_chinese(api: Api) -> None:
    body = await said(api, "stell einen Timer für 5 Minuten", "de")
    assert body["intent"] == "HassStartTimer"
    assert body["speech"] == "Timer für 5 Minuten gestartet"
    assert [t["seconds"] for t in await timers(api)] == [300]
    body = await said(api, "Timer abbrechen", "de")
    assert body["intent"] == "HassCancelTimer"
    assert (await timers(api)) == []

    body = await said(api, "设置5分钟计时器", "zh-cn")
    assert body["intent"] == "HassStartTimer"
    assert [t["seconds"] for t in await timers(api)] == [300]
    body = await said(api, "计时器还剩多少时间", "zh-cn")
    assert body["intent"] == "HassTimerStatus"
    assert "5分钟" in body["speech"], body["speech"]
    body = await said(api, "取消计时器", "zh-cn")
    assert body["speech"] == "好的，已取消计时器"
    assert (await timers(api)) == []


def test_the_ringing_words_follow_the_language() -> None:
    event = TimerFinished(
        id="t", name="Nudeln", area=None, language="de", seconds=60, owner="a", command=None
    )
    assert finished_words(event) == "Der Timer Nudeln ist abgelaufen"
    chinese = TimerFinished(
        id="t", name=None, area=None, language="zh-CN", seconds=60, owner="a", command=None
    )
    assert finished_words(chinese) == "计时结束"
