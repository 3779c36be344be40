"""How the logbook tells a change and its cause (`model.wording`)."""

from __future__ import annotations

from homeweave.model import catalog_spec
from homeweave.model.spec import Property
from homeweave.model.wording import cause_phrase, change_sentence, in_sentence


def prop(model: str, name: str) -> Property:
    return catalog_spec(model).find_property(name)[1]


def test_changes_read_as_sentences() -> None:
    on = prop("light", "on")
    assert change_sentence("Living room lamp", on, True) == "Living room lamp turned on"
    assert change_sentence("Living room lamp", on, False) == "Living room lamp turned off"
    door = prop("contact-sensor", "contact-state")
    assert change_sentence("Front door", door, False) == "Front door opened"
    assert change_sentence("Front door", door, True) == "Front door closed"
    motion = prop("motion-sensor", "motion-state")
    assert change_sentence("Hallway sensor", motion, True) == "Hallway sensor detected motion"
    target = prop("thermostat", "target-temperature")
    assert change_sentence("Heating", target, 21) == "Heating set to 21 °C"
    brightness = prop("light", "brightness")
    assert change_sentence("Lamp", brightness, 40) == "Lamp brightness set to 40%"
    tone = prop("light", "color-temperature")
    assert change_sentence("Lamp", tone, 4000) == "Lamp color temperature set to 4000 K"
    assert change_sentence("Lamp", on, True, part="indicator light") == (
        "Lamp indicator light turned on"
    )


def test_causes_name_who_and_how() -> None:
    assert cause_phrase("automation:evening", "Evening", "automation") == "by automation Evening"
    assert cause_phrase("anna", "Anna", "alexa") == "by Anna via Alexa"
    assert cause_phrase("mia", "mia", "cli") == "by mia via cli"
    assert cause_phrase("olivia", "Olivia", "voice") == "by Olivia via voice"
    assert cause_phrase("bridge:ha_mqtt", "bridge:ha_mqtt", "bridge") == "by bridge ha_mqtt"
    assert cause_phrase("system", "system", "hub") == ""


def test_titles_read_in_a_sentence() -> None:
    assert in_sentence("Right Switch") == "right switch"
    assert in_sentence("PM2.5 Density") == "PM2.5 density"
    assert in_sentence("Color Temperature") == "color temperature"
