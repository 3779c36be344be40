"""The names of one home in one language — devices, scenes and rooms with their aliases — as
the hassil slot lists ``name`` and ``area``, built once per registry change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hassil import SlotList, TextSlotList, TextSlotValue, Trie
from hassil.expression import TextChunk
from hassil.util import CJK_WHITESPACE, fold_case, normalize_for_matching

from homeweave.core.registry import Registry
from homeweave.voice.domains import Domain, domain_of
from homeweave.voice.settings import VoiceSettings
from homeweave.voice.templates import words


@dataclass(frozen=True, slots=True)
class Entity:
    """Something voice can name: a device, or a scene (``room_id`` empty)."""

    id: str
    name: str
    room_id: str
    domain: Domain


@dataclass(slots=True)
class Vocabulary:
    """Slot lists and the lookups back from a spoken name to what it names."""

    language: str
    slot_lists: dict[str, SlotList]
    entities: dict[str, Entity]
    by_name: dict[str, list[Entity]]
    room_names: dict[str, str]
    """Room id -> the name to say (the first alias in this language, else the room's name)."""
    free_words: frozenset[str]
    """Every word of every name, alias and room: they prove nothing about the template."""
    rooms_by_name: dict[str, str] = field(default_factory=dict)
    _tries: dict[str, Trie] = field(default_factory=dict)
    """Per slot list, its values by their normalised text."""

    def named(self, spoken: str) -> list[Entity]:
        """Return every entity a spoken name may mean."""
        return self.by_name.get(fold_case(spoken.strip()), [])

    def slot_lists_for(self, haystack: str) -> dict[str, SlotList]:
        """The ``name`` and ``area`` lists cut down to the values whose text ``haystack`` (the
        sentence as ``TemplateIndex.haystack_of`` normalises it) holds: in a big home hassil
        then tries a handful of names, not every one (a name can only match where its text
        is). A name (or room) found only inside a longer one of its list is left out too: the
        longer one is meant ("desk lamp", not "lamp"), as hassil's ranking would choose."""
        lists: dict[str, SlotList] = {"floor": self.slot_lists["floor"]}
        for list_name, trie in self._tries.items():
            spans = [
                (end - len(text), end, value)
                for end, text, value in trie.find(haystack, unique=False)
            ]
            spans = [s for s in spans if not _inside_longer(s, spans)]
            found = {id(value): value for _, _, value in spans}
            lists[list_name] = TextSlotList(name=list_name, values=list(found.values()))
        return lists


def _inside_longer(
    span: tuple[int, int, TextSlotValue], spans: list[tuple[int, int, TextSlotValue]]
) -> bool:
    start, end, _ = span
    return any(s <= start and end <= e and e - s > end - start for s, e, _ in spans)


AUTOMATION = "automation:"
"""The prefix of an automation's entity id (kept apart from device and scene ids)."""


def build(
    registry: Registry,
    settings: VoiceSettings,
    language: str,
    cjk: bool,
    automations: Mapping[str, str] | None = None,
) -> Vocabulary:
    """Build the vocabulary of the home in ``registry`` for one language (with the names of
    ``automations``, id -> name, as Home Assistant's scripts: "run good night")."""
    entities: dict[str, Entity] = {}
    by_name: dict[str, list[Entity]] = defaultdict(list)
    name_values: list[TextSlotValue] = []
    spoken: list[str] = []

    def add(entity: Entity, names: Iterable[str]) -> None:
        entities[entity.id] = entity
        for name in dict.fromkeys(n.strip() for n in names if n.strip()):
            key = fold_case(name)
            if entity not in by_name[key]:
                by_name[key].append(entity)
            context = {"domain": entity.domain.domain}
            name_values.append(TextSlotValue(TextChunk(name), key, context))
            spoken.append(name)

    for device in registry.devices.values():
        found = domain_of(device.spec, device.name)
        if found is None:
            continue
        entity = Entity(device.id, device.name, device.room_id, found)
        add(entity, (device.name, *settings.aliases_of("device", device.id, language)))
    for scene in settings.scenes:
        entity = Entity(scene.id, scene.name, "", Domain("scene"))
        aliases = next((v for k, v in scene.aliases.items() if k.lower() == language.lower()), ())
        add(entity, (scene.name, *aliases))
    for automation_id, name in (automations or {}).items():
        add(Entity(AUTOMATION + automation_id, name, "", Domain("script")), (name,))

    area_values: list[TextSlotValue] = []
    room_names: dict[str, str] = {}
    rooms_by_name: dict[str, str] = {}
    for room in registry.rooms.values():
        aliases = settings.aliases_of("room", room.id, language)
        room_names[room.id] = aliases[0] if aliases else room.name
        for name in dict.fromkeys((room.name, *aliases)):
            area_values.append(TextSlotValue(TextChunk(name), room.id))
            rooms_by_name[fold_case(name)] = room.id
            spoken.append(name)

    free = frozenset(w for name in spoken for w in words(name, cjk))
    tries = {"name": _trie(name_values, cjk), "area": _trie(area_values, cjk)}
    return Vocabulary(
        language=language,
        slot_lists={
            "name": TextSlotList(name="name", values=name_values),
            "area": TextSlotList(name="area", values=area_values),
            "floor": TextSlotList(name="floor", values=[]),
        },
        entities=entities,
        by_name=dict(by_name),
        room_names=room_names,
        free_words=free,
        rooms_by_name=rooms_by_name,
        _tries=tries,
    )


def _trie(values: Iterable[TextSlotValue], cjk: bool) -> Trie:
    """Values by their text, normalised as sentences are."""
    trie = Trie()
    for value in values:
        assert isinstance(value.text_in, TextChunk)
        text = fold_case(normalize_for_matching(value.text_in.text).text).strip()
        if cjk:
            text = CJK_WHITESPACE.sub("", text)
        if text:
            trie.insert(text, value)
    return trie
