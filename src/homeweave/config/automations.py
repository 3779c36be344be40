"""Check the config's automations and scenes against a started hub, every problem at its
``homeweave.yaml:LINE``: a hub refuses to start with a wrong one rather than run without it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from homeweave.config.schema import HubConfig, Loc
from homeweave.core.commands import Commands
from homeweave.core.registry import Registry
from homeweave.errors import AutomationError, ConfigError, ConfigProblem, HomeweaveError

if TYPE_CHECKING:
    from homeweave.automation.schema import AutomationConfig, SceneConfig

__all__ = ["check_automations"]

_LOGGER = logging.getLogger(__name__)
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


def check_automations(config: HubConfig, registry: Registry, commands: Commands) -> None:
    """Compile every automation and scene of ``config`` against the hub's registry; raise one
    ConfigError naming each one that is wrong. One that names a device the hub does not know
    (yet: a bridge may still bring it) is only logged, with its line, and waits for it."""
    if not config.automations and not config.scenes:
        return  # nothing to compile: the compiler is not even loaded
    from homeweave.automation.compiler import compile_automation
    from homeweave.automation.refs import Resolver
    from homeweave.automation.scenes import compile_scene

    problems: list[ConfigProblem] = []
    scene_ids = [scene.id for scene in config.scenes]
    for index, scene in enumerate(config.scenes):
        loc = ("scenes", index)
        if _waits(config, loc, scene, registry):
            continue
        resolver = Resolver(registry, commands, (), f"scenes[{scene.id}]")
        problems += _problem(config, loc, partial(compile_scene, scene, resolver))
    for index, automation in enumerate(config.automations):
        loc = ("automations", index)
        if _waits(config, loc, automation, registry):
            continue
        check = partial(compile_automation, automation, registry, commands, scene_ids)
        problems += _problem(config, loc, check)
    if problems:
        problems.sort(key=lambda problem: problem.line or 0)
        raise ConfigError(problems=problems)


def _waits(
    config: HubConfig, loc: Loc, item: AutomationConfig | SceneConfig, registry: Registry
) -> bool:
    from homeweave.automation.compiler import named_devices

    missing = [device for device in named_devices(item) if device not in registry.devices]
    if missing:
        _LOGGER.warning(
            "%s:%d: %s[%s] names device %r, which is not known yet; it waits for it",
            config.lines.file,
            config.lines.at(loc),
            loc[0],
            item.id,
            missing[0],
        )
    return bool(missing)


def _problem(config: HubConfig, loc: Loc, compile_it: Callable[[], object]) -> list[ConfigProblem]:
    """The problem ``compile_it`` finds in the item at ``loc``, at the line it points at."""
    try:
        compile_it()
    except AutomationError as exc:
        # ``where`` is ``automations[<id>].triggers[0].to``: the part after the id is our path.
        _, _, path = exc.where.partition("]")
        where = (*loc, *_steps(path))
        message = f"{loc[0]}[{loc[1]}]{path}: {exc.reason}"
        return [ConfigProblem(message, file=config.lines.file, line=config.lines.at(where))]
    except HomeweaveError as exc:
        message = f"{loc[0]}[{loc[1]}]: {exc}"
        return [ConfigProblem(message, file=config.lines.file, line=config.lines.at(loc))]
    return []


def _steps(path: str) -> Loc:
    """``.triggers[0].to`` as the location ``("triggers", 0, "to")``."""
    return tuple(int(index) if index else name for name, index in _STEP.findall(path))
