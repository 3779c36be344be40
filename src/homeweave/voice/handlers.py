"""Each intent of the library, carried out on our model through the standard service and
property names (``light/on``, ``curtain/target-position``, ``play-control/pause``...)."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable, Mapping

from homeweave.errors import UnknownAddress
from homeweave.model import Value
from homeweave.model.color import parse_color
from homeweave.voice.domains import Domain
from homeweave.voice.settings import VoiceScene
from homeweave.voice.speech import SpokenState
from homeweave.voice.timers import MultipleTimersMatched, Timer, TimerNotFound, Timers, duration
from homeweave.voice.turn import Refusal, Turn
from homeweave.voice.vocabulary import AUTOMATION, Entity

Handler = Callable[[Turn], Awaitable[None]]

SWITCHED = (
    "light",
    "switch",
    "fan",
    "climate",
    "humidifier",
    "media_player",
    "cover",
    "vacuum",
    "lock",
    "scene",
    "script",
)
_STEP = 10  # volume up/down without a number, in percent


def _domains(turn: Turn, default: tuple[str, ...]) -> tuple[str, ...]:
    """The domains a sentence's ``domain`` slot names (a value or a list), else ``default``."""
    named = turn.slots.get("domain")
    if isinstance(named, str):
        return (named,)
    if isinstance(named, list | tuple) and named:
        return tuple(str(d) for d in named)
    return default


def value_of(turn: Turn, entity: Entity, prop: str) -> Value | None:
    """The current value of ``prop`` (``service/property`` or a property name), or None."""
    try:
        ref = turn.commands.resolve(f"{entity.id}/{prop}")
    except UnknownAddress:
        return None
    return turn.states.value(entity.id, ref.service.iid, ref.prop.iid)


def spoken_state(turn: Turn, entity: Entity) -> SpokenState:
    """The entity's state in the words the intents' templates compare against."""
    domain = entity.domain
    state, unit, attributes = "unknown", "", {}
    if domain.domain in ("light", "switch", "fan", "climate", "humidifier"):
        on = value_of(turn, entity, "on")
        state = "unknown" if on is None else ("on" if on else "off")
    if domain.domain == "climate" or (domain.domain == "sensor" and domain.device_class):
        temperature = value_of(turn, entity, "temperature")
        attributes = {"current_temperature": temperature}
        if domain.domain == "sensor":
            state, unit = ("unknown", "") if temperature is None else (f"{temperature:g}", "°C")
    elif domain.domain == "cover":
        position = value_of(turn, entity, "current-position")
        state = "unknown" if position is None else ("open" if float(position) > 0 else "closed")
    elif domain.domain == "binary_sensor":
        state = _binary_state(turn, entity)
    elif domain.domain == "lock":
        state = _described(turn, entity, "lock-state")
    elif domain.domain in ("vacuum", "media_player"):
        prop = "status" if domain.domain == "vacuum" else "playing-state"
        state = _described(turn, entity, prop)
    return SpokenState(entity.id, entity.name, domain.domain, state, unit, attributes)


def _binary_state(turn: Turn, entity: Entity) -> str:
    for prop, on_when in (
        ("contact-state", False),
        ("motion-state", True),
        ("submersion-state", True),
    ):
        found = value_of(turn, entity, prop)
        if found is not None:
            return "on" if bool(found) == on_when else "off"
    return "unknown"


def _described(turn: Turn, entity: Entity, prop: str) -> str:
    found = value_of(turn, entity, prop)
    if found is None:
        return "unknown"
    ref = turn.commands.resolve(f"{entity.id}/{prop}")
    choice = ref.prop.choice(int(found)) if isinstance(found, int | float) else None
    return (choice.description if choice else str(found)).lower()


async def _switch(turn: Turn, on: bool) -> None:
    domains = _domains(turn, SWITCHED)
    device_class = str(turn.slots.get("device_class") or "")
    for entity in turn.resolve(domains, device_class=device_class, default_all=True):
        await _switch_one(turn, entity, on)
        turn.outcome.matched.append(spoken_state(turn, entity))


async def _switch_one(turn: Turn, entity: Entity, on: bool) -> None:
    domain = entity.domain.domain
    if domain == "scene":
        if not on:
            raise turn.refuse("feature_not_supported")
        await _scene(turn, entity)
    elif domain == "script":
        await _automation(turn, entity, on)
    elif domain == "cover":
        await turn.set(entity, "curtain/target-position", 100 if on else 0)
    elif domain == "vacuum":
        await turn.do(entity, "start-sweep" if on else "start-charge")
    elif domain == "media_player":
        await turn.do(entity, "play" if on else "pause")
    elif domain == "lock":  # "lock the front door" is the library's HassTurnOn for locks
        await turn.do(entity, "lock/lock" if on else "lock/unlock")
    elif domain in ("light", "switch", "fan", "climate", "humidifier"):
        await turn.set(entity, "on", on)
    else:
        raise turn.refuse("feature_not_supported")


async def _scene(turn: Turn, entity: Entity) -> None:
    scene = _scenes(turn).get(entity.id)
    if scene is None:
        raise turn.refuse("no_entity", entity=entity.name)
    checked = [
        turn.commands.check(address, value, turn.principal)
        for address, value in scene.values.items()
    ]
    devices = dict.fromkeys(ref.device.id for ref, _ in checked)
    turn.targets = [t for t in turn.targets if t != entity.id] + list(devices)
    for ref, value in checked:
        await turn.set(_device_entity(turn, ref.device.id), ref.address.split("/", 1)[1], value)


async def _automation(turn: Turn, entity: Entity, on: bool) -> None:
    """An automation by name: "run good night" runs it now (as a script in Home Assistant)."""
    if not on or turn.automations is None:
        raise turn.refuse("feature_not_supported")
    if not turn.dry_run:
        await turn.automations.run(entity.id.removeprefix(AUTOMATION), turn.principal)


def _scenes(turn: Turn) -> Mapping[str, VoiceScene]:
    return {scene.id: scene for scene in turn.scenes}


def _device_entity(turn: Turn, device_id: str) -> Entity:
    found = turn.vocabulary.entities.get(device_id)
    if found is not None:
        return found
    device = turn.registry.device(device_id)
    return Entity(device.id, device.name, device.room_id, Domain(""))


async def turn_on(turn: Turn) -> None:
    """HassTurnOn: switch on, open, start, activate."""
    await _switch(turn, True)


async def turn_off(turn: Turn) -> None:
    """HassTurnOff: switch off, close, dock, pause."""
    await _switch(turn, False)


async def light_set(turn: Turn) -> None:
    """HassLightSet: brightness, colour or colour temperature (of the lights that have it,
    when a room's are meant)."""
    lights = turn.resolve(("light",), default_all=True)
    wanted = [
        (prop, value)
        for slot, prop, value in (
            ("brightness", "light/brightness", turn.slots.get("brightness")),
            ("color", "light/color", turn.slots.get("color")),
            ("temperature", "light/color-temperature", turn.slots.get("temperature")),
        )
        if slot in turn.slots
    ]
    able = [e for e in lights if all(_has(turn, e, prop) for prop, _ in wanted)]
    if len(lights) > 1:
        lights = able
        turn.targets = [e.id for e in able]
    if not lights:
        raise turn.refuse("feature_not_supported")
    for entity in lights:
        for prop, value in wanted:
            if prop == "light/color":
                try:
                    value = parse_color(str(value))
                except ValueError:
                    raise turn.refuse("feature_not_supported") from None
            await turn.set(entity, prop, value)
        await turn.set(entity, "light/on", True)
        turn.outcome.matched.append(spoken_state(turn, entity))


def _has(turn: Turn, entity: Entity, prop: str) -> bool:
    try:
        turn.commands.resolve(f"{entity.id}/{prop}")
    except UnknownAddress:
        return False
    return True


async def get_state(turn: Turn) -> None:
    """HassGetState: is it on/open, which ones are, how many."""
    domains = _domains(turn, tuple({e.domain.domain for e in turn.vocabulary.entities.values()}))
    device_class = str(turn.slots.get("device_class") or "")
    wanted = turn.slots.get("state")
    for entity in turn.resolve(domains, device_class=device_class, default_all=True):
        state = spoken_state(turn, entity)
        fits = wanted is None or state.state == str(wanted)
        (turn.outcome.matched if fits else turn.outcome.unmatched).append(state)


async def climate_get_temperature(turn: Turn) -> None:
    """HassClimateGetTemperature: a thermostat's (or else a sensor's) temperature."""
    try:
        found = turn.resolve(("climate",), default_all=True)
    except Refusal:
        found = turn.resolve(("sensor",), device_class="temperature", default_all=True)
    for entity in found:
        state = spoken_state(turn, entity)
        temperature = state.attributes.get("current_temperature")
        shown = "unknown" if temperature is None else f"{temperature:g}"
        turn.outcome.matched.append(
            SpokenState(entity.id, entity.name, state.domain, shown, "°C", state.attributes)
        )


async def climate_set_temperature(turn: Turn) -> None:
    """HassClimateSetTemperature: a thermostat's target."""
    for entity in turn.resolve(("climate",), default_all=True):
        await turn.set(entity, "target-temperature", turn.slots.get("temperature"))
        turn.outcome.matched.append(spoken_state(turn, entity))


# The library's fan modes that name a place on a fan's scale: (start, end) of the levels.
_FAN_MODES = {"low": 0.0, "medium": 0.5, "middle": 0.5, "high": 1.0, "top": 1.0}


def _fan_mode_value(turn: Turn, entity: Entity, mode: str) -> Value:
    """The fan-level value for one of the library's fan modes: a level named so ("Auto"),
    else low / medium / high as the first, middle and last of the non-automatic levels."""
    ref = turn.commands.resolve(f"{entity.id}/fan-control/fan-level")
    prop = ref.prop
    if prop.value_list:
        named = [c.value for c in prop.value_list if c.description.casefold() == mode]
        if named:
            return named[0]
        levels = [c.value for c in prop.value_list if c.description.casefold() != "auto"]
        if mode in _FAN_MODES and levels:
            return levels[round(_FAN_MODES[mode] * (len(levels) - 1))]
    elif prop.value_range is not None and mode in _FAN_MODES:
        low, high = prop.value_range.min, prop.value_range.max
        return round(low + (high - low) * max(_FAN_MODES[mode], 0.01))
    raise turn.refuse("feature_not_supported")


async def climate_set_fan_mode(turn: Turn) -> None:
    """HassClimateSetFanMode: "set the fan mode in the bedroom to high" — the fan level of the
    air conditioners (climate devices with a fan-control service) in the room."""
    mode = str(turn.slots.get("fan_mode") or "").casefold()
    found = turn.resolve(("climate",))
    with_fan = [e for e in found if _has(turn, e, "fan-control/fan-level")]
    turn.targets = [e.id for e in with_fan]
    if not with_fan:
        raise turn.refuse("feature_not_supported")
    for entity in with_fan:
        await turn.set(entity, "fan-control/fan-level", _fan_mode_value(turn, entity, mode))
        turn.outcome.matched.append(spoken_state(turn, entity))


async def set_position(turn: Turn) -> None:
    """HassSetPosition: how far a cover is open."""
    for entity in turn.resolve(("cover",), default_all=False):
        await turn.set(entity, "curtain/target-position", turn.slots.get("position"))
        turn.outcome.matched.append(spoken_state(turn, entity))


def _acting(action: str, domain: str, *, ignore_area: bool = False) -> Handler:
    async def handle(turn: Turn) -> None:
        where = None
        if ignore_area:  # "vacuum the kitchen": the kitchen is where, not which vacuum
            where = turn.slots.pop("area", None)
        found = turn.resolve((domain,), default_all=True, nearby=True)
        if ignore_area and len(found) > 1:
            # several robots: the one in that room, else the one in the speaker's room, else ask
            found = turn.one_of(found, (where, turn.area), what=domain)
        for entity in found:
            await turn.do(entity, action)
            turn.outcome.matched.append(spoken_state(turn, entity))

    return handle


def _setting(prop: str, value: Callable[[Turn, Entity], object], domain: str) -> Handler:
    async def handle(turn: Turn) -> None:
        for entity in turn.resolve((domain,), default_all=True, nearby=True):
            await turn.set(entity, prop, value(turn, entity))
            turn.outcome.matched.append(spoken_state(turn, entity))

    return handle


def _relative_volume(turn: Turn, entity: Entity) -> object:
    step = turn.slots.get("volume_step", "up")
    current = value_of(turn, entity, "speaker/volume")
    base = float(current) if isinstance(current, int | float) else 50.0
    steps = {"up": float(_STEP), "down": float(-_STEP)}
    change = steps[step] if isinstance(step, str) and step in steps else float(step)
    return round(min(100.0, max(0.0, base + change)))


def _fan_level(turn: Turn, entity: Entity) -> object:
    percent = float(turn.slots.get("percentage", 0))
    ref = turn.commands.resolve(f"{entity.id}/fan-level")
    prop = ref.prop
    if prop.value_list:
        levels = [c.value for c in prop.value_list]
        return levels[min(len(levels) - 1, int(percent / 100 * len(levels)))]
    if prop.value_range is not None:
        low, high = prop.value_range.min, prop.value_range.max
        return round(low + (high - low) * percent / 100)
    return round(percent)


async def current_time(turn: Turn) -> None:
    """HassGetCurrentTime: the time in the home's time zone."""
    turn.outcome.slots["time"] = datetime.datetime.now(turn.zone)


async def current_date(turn: Turn) -> None:
    """HassGetCurrentDate: the date in the home's time zone."""
    turn.outcome.slots["date"] = datetime.datetime.now(turn.zone).date()


async def nevermind(turn: Turn) -> None:
    """HassNevermind: nothing to do, nothing to say."""


def _timers(turn: Turn) -> Timers:
    if turn.timers is None:  # offline (``homeweave say --config``): nothing could ring
        raise turn.refuse("no_timer_support")
    return turn.timers


def _timer(turn: Turn, *, active: bool | None = None) -> Timer:
    """The one timer the sentence means (by name, room or starting length)."""
    try:
        return _timers(turn).find(turn.slots, turn.area, active=active)
    except TimerNotFound:
        raise turn.refuse("timer_not_found") from None
    except MultipleTimersMatched:
        raise turn.refuse("multiple_timers_matched") from None


async def start_timer(turn: Turn) -> None:
    """HassStartTimer: a timer (named, for a room, or with a command to run when it ends)."""
    timers = _timers(turn)
    if duration(turn.slots) <= 0:
        raise turn.refuse("timer_not_found")
    if turn.dry_run:
        return
    room = turn.slots.get("area")
    area = str(room) if room else None
    timers.start(
        turn.slots,
        language=turn.language.code,
        speaker_area=turn.area,
        area=area,
        area_name=turn.vocabulary.room_names.get(area or turn.area or ""),
        principal=turn.principal,
    )


async def cancel_timer(turn: Turn) -> None:
    """HassCancelTimer: stop the timer meant."""
    timer = _timer(turn)
    if not turn.dry_run:
        _timers(turn).cancel(timer)


async def cancel_all_timers(turn: Turn) -> None:
    """HassCancelAllTimers: every timer (of the room named, else of this place)."""
    timers = _timers(turn)
    matching = timers.matching(turn.slots, turn.area)
    if not turn.slots.get("area") and turn.area is not None:
        matching = [t for t in matching if t.speaker_area == turn.area]
    if not turn.dry_run:
        for timer in matching:
            timers.cancel(timer)
    turn.outcome.slots["canceled"] = len(matching)


async def timer_status(turn: Turn) -> None:
    """HassTimerStatus: what is left on the timers meant."""
    turn.outcome.slots["timers"] = _timers(turn).matching(turn.slots, turn.area)


async def pause_timer(turn: Turn) -> None:
    """HassPauseTimer: stop a running timer's clock."""
    timer = _timer(turn, active=True)
    if not turn.dry_run:
        _timers(turn).pause(timer)


async def unpause_timer(turn: Turn) -> None:
    """HassUnpauseTimer: start a paused timer's clock again."""
    timer = _timer(turn, active=False)
    if not turn.dry_run:
        _timers(turn).resume(timer)


def _changing_timer(sign: int) -> Handler:
    async def handle(turn: Turn) -> None:
        timer = _timer(turn)
        if not turn.dry_run:
            _timers(turn).add(timer, sign * duration(turn.slots))

    handle.__doc__ = "HassIncreaseTimer: add time." if sign > 0 else "HassDecreaseTimer."
    return handle


async def _unsupported(turn: Turn) -> None:
    raise turn.refuse("feature_not_supported")


HANDLERS: dict[str, Handler] = {
    "HassTurnOn": turn_on,
    "HassTurnOff": turn_off,
    "HassLightSet": light_set,
    "HassGetState": get_state,
    "HassClimateGetTemperature": climate_get_temperature,
    "HassClimateSetTemperature": climate_set_temperature,
    "HassClimateSetFanMode": climate_set_fan_mode,
    "HassSetPosition": set_position,
    "HassVacuumStart": _acting("start-sweep", "vacuum"),
    "HassVacuumReturnToBase": _acting("start-charge", "vacuum"),
    "HassVacuumCleanArea": _acting("start-sweep", "vacuum", ignore_area=True),
    "HassMediaPause": _acting("pause", "media_player"),
    "HassMediaUnpause": _acting("play", "media_player"),
    "HassMediaNext": _acting("next", "media_player"),
    "HassMediaPrevious": _acting("previous", "media_player"),
    "HassSetVolume": _setting(
        "speaker/volume", lambda t, e: t.slots.get("volume_level"), "media_player"
    ),
    "HassSetVolumeRelative": _setting("speaker/volume", _relative_volume, "media_player"),
    "HassMediaPlayerMute": _setting("speaker/mute", lambda t, e: True, "media_player"),
    "HassMediaPlayerUnmute": _setting("speaker/mute", lambda t, e: False, "media_player"),
    "HassFanSetSpeed": _setting("fan-level", _fan_level, "fan"),
    "HassGetCurrentTime": current_time,
    "HassGetCurrentDate": current_date,
    "HassNevermind": nevermind,
    "HassStartTimer": start_timer,
    "HassCancelTimer": cancel_timer,
    "HassCancelAllTimers": cancel_all_timers,
    "HassTimerStatus": timer_status,
    "HassPauseTimer": pause_timer,
    "HassUnpauseTimer": unpause_timer,
    "HassIncreaseTimer": _changing_timer(1),
    "HassDecreaseTimer": _changing_timer(-1),
}


def handler_for(intent: str) -> Handler:
    """The handler of ``intent``; one we do not carry out says so."""
    return HANDLERS.get(intent, _unsupported)
