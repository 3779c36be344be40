"""Automation traces in the reader's language: the hub keeps each sentence as a phrase and
words it when it is read (``?language=``, as ``GET /api/logbook``); older traces, kept with
their English sentence alone, are still served as they were."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from homeweave.automation.traces import Trace
from tests.integration import test_automation_api as base
from tests.integration.test_automation_api import HALL, Served

served = base.served  # the hub, its engine on a fake clock, and a client of its API

ENGLISH = (
    "triggered by",
    "run by hand",
    "was false",
    "condition",
    "step(s)",
    " ran ",
    "failed",
    "running",
    "became",
    " was ",
    " set ",
)
"""Words of the English phrases that must not be left in a German or Chinese sentence."""


def english_left(text: str) -> list[str]:
    return [words for words in ENGLISH if words in text]


def sentences(trace: dict[str, Any]) -> list[str]:
    """A trace's sentence, its trigger's, its conditions' and its steps' summaries."""
    out = [trace["sentence"]]
    if trace.get("trigger"):
        out.append(trace["trigger"]["sentence"])
    out += [c["sentence"] for c in trace.get("conditions", [])]
    out += [s["summary"] for s in trace.get("steps", [])]
    return out


async def traces(api: httpx.AsyncClient, language: str | None) -> httpx.Response:
    params = {"language": language} if language else {}
    response = await api.get("/api/automations/hall-light/traces", params=params)
    assert response.status_code == 200, response.text
    return response


async def test_a_condition_false_trace_in_german_and_chinese(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    await served.inject("hallway-motion", "illumination", 230)
    await served.inject("hallway-door", "contact-state", False)

    english = (await traces(api, None)).json()[0]
    assert english["sentence"] == (
        "triggered by hallway-door/magnet-sensor/contact-state became false (was true), but "
        "condition `hallway dark` was false: hallway-motion illumination 230 lx > 50"
    )
    german = await traces(api, "de-AT")
    assert german.headers["content-language"] == "de"
    trace = german.json()[0]
    assert trace["result"] == "condition-false"
    assert trace["sentence"] == (
        "ausgelöst durch hallway-door/magnet-sensor/contact-state wurde offen (vorher "
        "geschlossen), aber die Bedingung `hallway dark` war nicht erfüllt: hallway-motion "
        "Beleuchtungsstärke 230 lx > 50"
    )
    assert trace["conditions"][0]["sentence"] == "hallway-motion Beleuchtungsstärke 230 lx > 50"
    for text in sentences(trace):
        assert not english_left(text), text

    chinese = await traces(api, "zh_Hans")
    assert chinese.headers["content-language"] == "zh-cn"
    trace = chinese.json()[0]
    assert trace["sentence"] == (
        "由 hallway-door/magnet-sensor/contact-state 变为已打开（之前为已关闭）触发，但条件"
        "`hallway dark`不成立：hallway-motion 光照度 230 lx > 50"
    )
    for text in sentences(trace):
        assert not english_left(text), text

    # the automation's page: its last run, in the language asked for
    one = await api.get("/api/automations/hall-light", params={"language": "de"})
    assert one.headers["content-language"] == "de"
    assert one.json()["last"]["sentence"].startswith("ausgelöst durch ")
    listed = await api.get("/api/automations", params={"language": "zh-CN"})
    last = next(a["last"] for a in listed.json() if a["id"] == "hall-light")
    assert "不成立" in last["sentence"]


async def test_run_by_hand_ran_and_failed_in_german_and_chinese(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    run = await api.post("/api/automations/hall-light/run", params={"language": "de"})
    assert run.headers["content-language"] == "de"
    assert run.json()["sentence"] == "von Hand gestartet; läuft"
    await served.clock.settle()
    ran = (await api.get(f"/api/traces/{run.json()['id']}", params={"language": "de"})).json()
    assert ran["result"] == "ran"
    assert ran["sentence"] == "von Hand gestartet; 1 Schritt(e) in 0 s ausgeführt"
    assert ran["steps"][0]["summary"] == "einstellen: kitchen-lamp/light/on = wahr"
    zh = (await api.get(f"/api/traces/{run.json()['id']}", params={"language": "zh-cn"})).json()
    assert zh["sentence"] == "手动运行；用时 0 秒执行了 1 个步骤"
    assert zh["steps"][0]["summary"] == "设置 kitchen-lamp/light/on = 是"
    for text in sentences(ran) + sentences(zh):
        assert not english_left(text), text

    served.virtual.set_online("kitchen-lamp", False)
    run = await api.post("/api/automations/hall-light/run")
    assert run.json()["sentence"] == "run by hand; running"
    await served.clock.settle()
    failed = (await traces(api, "de")).json()[0]
    assert failed["result"] == "failed"
    assert failed["sentence"].startswith(
        "von Hand gestartet; actions[0] (einstellen: kitchen-lamp/light/on = wahr) ist "
        "fehlgeschlagen: "
    )
    assert "kitchen-lamp" in failed["steps"][0]["detail"]  # the device's own words: as it said
    zh = (await traces(api, "zh-cn")).json()[0]
    assert zh["sentence"].startswith(
        "手动运行；actions[0]（设置 kitchen-lamp/light/on = 是）失败："
    )
    for text in (failed["sentence"], zh["sentence"]):
        assert not english_left(text.split("：" if "：" in text else ": ")[0]), text


async def test_a_dry_run_in_german(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    dry = await api.post(
        "/api/automations/hall-light/dry-run",
        params={"language": "de"},
        json={"state": {base.ILLUMINATION: 10}},
    )
    assert dry.headers["content-language"] == "de"
    assert dry.json()["result"] == "would-run"
    assert dry.json()["sentence"] == (
        "als wäre sie ausgelöst worden, im angegebenen Zustand, sie würde: einstellen: "
        "kitchen-lamp/light/on = wahr"
    )
    assert dry.json()["steps"][0]["detail"] == "würde schreiben an: kitchen-lamp"
    assert dry.json()["trigger"]["description"] == "der angegebene Zustand"
    already = await api.post(
        "/api/automations/hall-light/dry-run",
        params={"language": "zh-cn"},
        json={"state": {base.DOOR: True}},
    )
    assert already.json()["result"] == "would-not-run"
    assert already.json()["sentence"] == (
        "不会运行：没有触发器会触发：triggers[0]：hallway-door/magnet-sensor/contact-state"
        " 已经为已关闭"
    )
    assert already.json()["trigger"]["description"] == "假设的状态"


async def test_a_language_the_hub_lacks_is_answered_in_english(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    run = (await api.post("/api/automations/hall-light/run")).json()
    await served.clock.settle()
    for language in ("fr", "zh-TW", "xx-YY"):
        response = await api.get(f"/api/traces/{run['id']}", params={"language": language})
        assert response.headers["content-language"] == "en"
        assert response.json()["sentence"] == "run by hand; ran 1 step(s) in 0 s"
        listed = await traces(api, language)
        assert listed.headers["content-language"] == "en"
        assert listed.json()[0]["sentence"] == "run by hand; ran 1 step(s) in 0 s"
    too_long = await api.get(f"/api/traces/{run['id']}", params={"language": "x" * 36})
    assert too_long.status_code == 422


OLD_BODY: dict[str, Any] = {
    "automation": "hall-light",
    "at": 1704920400.0,
    "trigger": {
        "index": 0,
        "kind": "property",
        "description": "hallway-door/magnet-sensor/contact-state changes to false",
        "sentence": "hallway-door/magnet-sensor/contact-state became false (was true)",
        "data": {"address": "hallway-door/magnet-sensor/contact-state", "value": False},
    },
    "result": "ran",
    "sentence": "triggered by hallway-door/magnet-sensor/contact-state became false (was "
    "true); ran 1 step(s) in 0.2 s",
    "conditions": [
        {
            "label": "`hallway dark`",
            "ok": True,
            "sentence": "hallway-motion illumination 10 lx is below 50 lx",
            "seen": {},
            "children": [],
        }
    ],
    "steps": [
        {
            "path": "actions[0]",
            "kind": "set",
            "summary": "set kitchen-lamp/light/on = true",
            "started_at": 1704920400.0,
            "duration": 0.2,
            "outcome": "ok",
            "detail": "kitchen-lamp: ok",
            "children": [],
        }
    ],
    "finished_at": 1704920400.2,
    "dry_run": False,
    "id": "0123456789ab",
}
"""A trace as the hub stored it before traces kept phrases: English sentences alone."""


async def test_an_older_trace_is_served_with_its_english_sentences(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    storage = served.hub.storage
    assert storage is not None
    storage.add_trace(Trace.from_dict(OLD_BODY))
    for language in ("de", "zh-cn", None):
        params = {"language": language} if language else {}
        response = await api.get("/api/traces/0123456789ab", params=params)
        assert response.status_code == 200, response.text
        served_trace = response.json()
        assert served_trace["sentence"] == OLD_BODY["sentence"]
        assert served_trace["trigger"]["sentence"] == OLD_BODY["trigger"]["sentence"]
        assert served_trace["conditions"][0]["sentence"] == OLD_BODY["conditions"][0]["sentence"]
        assert served_trace["steps"][0]["summary"] == "set kitchen-lamp/light/on = true"
        assert served_trace["phrase"] is None
        assert served_trace["trigger"]["description"] == OLD_BODY["trigger"]["description"]
        assert served_trace["steps"][0]["detail"] == OLD_BODY["steps"][0]["detail"]
        listed = (await traces(api, language)).json()
        assert listed[0]["sentence"] == OLD_BODY["sentence"]


async def test_the_cli_shows_traces_in_the_locale_asked_for(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    await served.inject("hallway-motion", "illumination", 230)
    await served.inject("hallway-door", "contact-state", False)
    # The CLI is synchronous: it runs in a thread while this loop serves the API.
    german = await asyncio.to_thread(
        base.invoke, served, "automations", "traces", "hall-light", "--locale", "de_DE.UTF-8"
    )
    assert german.exit_code == 0, german.output
    assert "aber die Bedingung `hallway dark` war nicht erfüllt: hallway-motion" in german.output
    assert "FAIL `hallway dark`: hallway-motion Beleuchtungsstärke 230 lx > 50" in german.output
    english = await asyncio.to_thread(
        base.invoke, served, "automations", "traces", "hall-light", "--locale", "C"
    )
    assert "but condition `hallway dark` was false" in english.output


async def test_an_unnamed_condition_is_named_by_what_it_checks_in_the_language(
    served: Served,
) -> None:
    api = served.client
    unnamed = {
        **HALL,
        "conditions": [{k: v for k, v in HALL["conditions"][0].items() if k != "name"}],
    }
    assert (await api.post("/api/automations", json=unnamed)).status_code == 201
    await served.inject("hallway-motion", "illumination", 230)
    await served.inject("hallway-door", "contact-state", False)
    english = (await traces(api, "en")).json()[0]
    assert english["conditions"][0]["label"] == f"{base.ILLUMINATION} below 50 lx"
    german = (await traces(api, "de")).json()[0]
    assert german["conditions"][0]["label"] == f"{base.ILLUMINATION} unter 50 lx"
    assert f"die Bedingung {base.ILLUMINATION} unter 50 lx war nicht erfüllt" in german["sentence"]
    chinese = (await traces(api, "zh-cn")).json()[0]
    assert f"条件 {base.ILLUMINATION} 低于 50 lx 不成立" in chinese["sentence"]


WORDY: dict[str, Any] = {
    **HALL,
    "triggers": [
        {"type": "property", "address": base.DOOR, "to": False, "for": "2m"},
        {"type": "time", "at": "07:30", "weekdays": ["sat", "sun"]},
        {"type": "start"},
    ],
    "actions": [
        {
            "type": "wait",
            "triggers": [{"type": "property", "address": base.DOOR, "to": True}],
            "timeout": "5m",
        },
        {
            "type": "repeat",
            "until": [{"type": "weekday", "days": ["mon"]}],
            "actions": [{"type": "set", "address": "kitchen-lamp/light/on", "value": True}],
        },
    ],
}
"""An automation whose every definition sentence is a phrase: a `for:`, a time, a start
trigger, a wait for a trigger and a repeat until a condition."""

DEFINITION_ENGLISH = (
    *ENGLISH,
    "changes",
    "stays so",
    " at ",
    " on ",
    "when the hub",
    "wait for",
    "repeat",
    "until",
    "below",
)


async def test_an_automations_definition_is_said_in_the_language_asked_for(
    served: Served,
) -> None:
    api = served.client
    created = await api.post("/api/automations", json=WORDY, params={"language": "de"})
    assert created.status_code == 201, created.text
    english = (await api.get("/api/automations/hall-light")).json()
    assert english["triggers"] == [
        f"{base.DOOR} changes to false and stays so for 2 min",
        "at 07:30:00 on sat, sun (Europe/Amsterdam)",
        "when the hub starts",
    ]
    assert english["actions"] == [
        f"wait for {base.DOOR} changes to true (up to 5 min)",
        "repeat until on mon",
    ]
    response = await api.get("/api/automations/hall-light", params={"language": "de"})
    assert response.headers["Content-Language"] == "de"
    german = response.json()
    assert german["triggers"] == [
        f"{base.DOOR} wird offen und bleibt 2 min lang so",
        "um 07:30:00 am Sa, So (Europe/Amsterdam)",
        "wenn der Hub startet",
    ]
    assert german["conditions"] == [f"{base.ILLUMINATION} unter 50 lx"]
    assert german["actions"] == [
        f"warten auf: {base.DOOR} wird geschlossen (höchstens 5 min)",
        "wiederholen, bis gilt: am Mo",
    ]
    chinese = (await api.get("/api/automations", params={"language": "zh-cn"})).json()
    mine = next(a for a in chinese if a["id"] == "hall-light")
    assert mine["triggers"][1:] == ["在周六、周日的 07:30:00（Europe/Amsterdam）", "中枢启动时"]
    assert mine["actions"][1] == "重复，直到在周一"
    for said in [*german["triggers"], *german["actions"], *mine["triggers"], *mine["actions"]]:
        assert not [w for w in DEFINITION_ENGLISH if w in said], said
    flipped = await api.post("/api/automations/hall-light/disable", params={"language": "de"})
    assert flipped.json()["triggers"][2] == "wenn der Hub startet"


async def test_why_in_german_and_chinese_with_the_homes_times(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    await served.inject("hallway-motion", "illumination", 230)
    await served.inject("hallway-door", "contact-state", False)
    response = await api.get("/api/automations/hall-light/why", params={"language": "de"})
    assert response.headers["Content-Language"] == "de"
    german = response.json()
    assert (
        german["lines"][0] == "hall-light (Hall light when the door opens in the dark): aktiviert"
    )
    # 22:00 in Amsterdam, the home's zone (the fake clock's day: the time alone)
    assert german["lines"][1] == (
        f"Zuletzt (22:00:00): ausgelöst durch {base.DOOR} wurde offen (vorher geschlossen),"
        " aber die Bedingung `hallway dark` war nicht erfüllt: hallway-motion Beleuchtungsstärke"
        " 230 lx > 50."
    )
    assert "aber die Bedingung" in german["traces"][0]["sentence"]
    chinese = (
        await api.get("/api/automations/hall-light/why", params={"language": "zh-cn"})
    ).json()
    assert chinese["lines"][0].endswith("：已启用")
    assert chinese["lines"][1].startswith("最近一次（22:00:00）：由")
    for line in [*german["lines"], *chinese["lines"]]:
        assert not english_left(line.replace(HALL["name"], "")), line
    assert "Last, at" not in " ".join(german["lines"])
    # the CLI asks in the language of --locale
    said = await asyncio.to_thread(base.invoke, served, "why", "hall-light", "--locale", "de_DE")
    assert said.exit_code == 0, said.output
    assert "Zuletzt (22:00:00): ausgelöst durch" in said.output
    shown = await asyncio.to_thread(
        base.invoke, served, "automations", "show", "hall-light", "--locale", "zh_CN.UTF-8"
    )
    assert shown.exit_code == 0, shown.output
    assert f"trigger: {base.DOOR}变为" in shown.output.replace(" 变为", "变为")


async def test_a_trigger_that_did_not_fire_is_said_in_the_language(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    await served.inject("hallway-door", "contact-state", False)
    await served.inject("hallway-door", "contact-state", True)  # not what the trigger wants
    german = (await traces(api, "de")).json()[0]
    assert german["result"] == "not-triggered"
    not_fired = f"{base.DOOR} wurde geschlossen (vorher offen), nicht offen"
    assert german["sentence"] == not_fired
    assert german["trigger"]["description"] == f"{base.DOOR} wird offen"
    chinese = (await traces(api, "zh-cn")).json()[0]
    assert not english_left(chinese["sentence"]), chinese["sentence"]
    assert chinese["trigger"]["description"] == f"{base.DOOR} 变为已打开"
