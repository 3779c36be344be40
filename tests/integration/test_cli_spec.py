"""``homeweave spec import`` / ``spec show``: published MIoT spec instances checked and kept from
files, folders and URLs (a real HTTP server on loopback), then used by a hub as ``spec:``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.app import build_hub
from homeweave.cli.main import main
from homeweave.config import HubConfig

PUBLISHED = resources.files("homeweave.model.specs").joinpath("published")


def published(name: str) -> bytes:
    return PUBLISHED.joinpath(f"{name}.json").read_bytes()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["spec", *args])
    return result.exit_code, result.output


@pytest.fixture
def server() -> Iterator[str]:
    """A loopback HTTP server answering /mb5 with a published spec and anything else 404."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/mb5"):
                body = published("xiaomi.airp.mb5")
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_import_a_file_keeps_it_byte_for_byte(tmp_path: Path) -> None:
    source = tmp_path / "in" / "xiaomi.plug.04.json"
    source.parent.mkdir()
    source.write_bytes(published("xiaomi.plug.04"))
    code, output = run("import", str(source), "--to", str(tmp_path / "specs"))
    assert code == 0, output
    kept = tmp_path / "specs" / "xiaomi.plug.04.json"
    assert kept.read_bytes() == source.read_bytes()
    assert "outlet, 8 services, 28 properties, 0 actions, 0 events" in output
    assert f"spec: {kept}" in output


def test_import_a_folder_reports_the_broken_file_and_keeps_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "zhimi.airp.rmb1.json").write_bytes(published("zhimi.airp.rmb1"))
    (folder / "broken.json").write_text('{"type": "urn:miot-spec-v2:device:fan:0000A005:x:1", ')
    code, output = run("import", str(folder), "--to", str(tmp_path / "specs"))
    assert code == 1
    assert "broken.json: not JSON" in output
    assert "1 of 2 spec files did not load" in output
    assert [p.name for p in (tmp_path / "specs").iterdir()] == ["zhimi.airp.rmb1.json"]


def test_import_check_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "co2.json"
    source.write_bytes(published("miaomiaoce.airm.co2"))
    code, output = run("import", "--check", str(source), "--to", str(tmp_path / "specs"))
    assert (code, output.strip()) == (
        0,
        f"{source}: ok (air-monitor, 2 services, 4 properties, 0 actions, 0 events)",
    )
    assert not (tmp_path / "specs").exists()


def test_import_from_a_url(tmp_path: Path, server: str) -> None:
    url = f"{server}/mb5?type=urn:miot-spec-v2:device:air-purifier:0000A007:xiaomi-mb5:1"
    code, output = run("import", url, "--to", str(tmp_path))
    assert code == 0, output
    assert (tmp_path / "xiaomi-mb5-1.json").read_bytes() == published("xiaomi.airp.mb5")
    code, output = run("import", f"{server}/missing", "--to", str(tmp_path))
    assert code == 1
    assert "cannot fetch" in output
    assert "404" in output


def test_show_lists_vendor_services_and_write_only_properties() -> None:
    code, output = run("show", "xiaomi.airp.mb5")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == (
        "urn:miot-spec-v2:device:air-purifier:0000A007:xiaomi-mb5:1:0000D050  "
        "Mijia Smart Air Purifier 6"
    )
    assert "  10 filter-debug  Filter Debug  [xiaomi-spec]" in lines
    debug = next(line for line in lines if line.strip().startswith("10.1 "))
    assert debug.split()[1:5] == ["filter-used-time", "uint16", "w", "0..10000"]
    assert any("pm2.5-density" in line and "0..1000 µg/m³" in line for line in lines)
    assert any(line.strip() == "4.a1     reset-filter-life()  action" for line in lines)


def test_show_a_file_and_json(tmp_path: Path) -> None:
    spec_file = tmp_path / "ma2.json"
    spec_file.write_bytes(published("xiaomi.aircondition.ma2"))
    code, output = run("show", str(spec_file), "--json")
    assert code == 0
    assert (
        json.loads(output)["type"]
        == "urn:miot-spec-v2:device:air-conditioner:0000A004:xiaomi-ma2:3"
    )


def test_show_an_unknown_model_names_the_catalog() -> None:
    code, output = run("show", "xiaomi.airp.nope")
    assert code == 1
    assert "unknown model 'xiaomi.airp.nope'" in output
    assert "xiaomi.airp.mb5" in output


@settings(max_examples=60, deadline=None)
@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    )
)
def test_import_check_never_crashes_on_any_json(document: object) -> None:
    runner = CliRunner()
    with runner.isolated_filesystem():
        Path("any.json").write_text(json.dumps(document))
        result = runner.invoke(main, ["spec", "import", "--check", "any.json"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1)
    if result.exit_code:
        assert "error: any.json:" in result.output


async def test_an_imported_spec_with_vendor_services_is_a_usable_device(tmp_path: Path) -> None:
    """A device from a published spec file: vendor properties are read like standard ones and
    the writable ones take commands; a write-only one takes a value it never shows."""
    code, output = run("import", str(_copy(tmp_path, "xiaomi.airp.mb5")), "--to", str(tmp_path))
    assert code == 0, output
    config = HubConfig.model_validate(
        {
            "homes": [{"id": "home", "name": "Home", "location": {"latitude": 52, "longitude": 4},
                       "time_zone": "Europe/Amsterdam", "rooms": [{"id": "hall", "name": "Hall"}]}],
            "integrations": {"virtual": {"tick": 0}},
            "devices": [{"id": "purifier", "name": "Purifier", "room": "hall",
                         "integration": "virtual", "spec": str(tmp_path / "xiaomi.airp.mb5.json")}],
        }
    )  # fmt: skip
    async with build_hub(config, data_dir=None) as hub:
        result = await hub.commands.set("purifier/aqi/aqi-updata-heartbeat", 300)
        assert result.value == 300
        ref = hub.commands.resolve("purifier/aqi/aqi-updata-heartbeat")
        assert hub.states.value("purifier", ref.service.iid, ref.prop.iid) == 300
        await hub.commands.set("purifier/custom-service/country-code", "AU")
        await hub.commands.set("purifier/filter-debug/filter-used-time", 12)


def _copy(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "download"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    path.write_bytes(published(name))
    return path
