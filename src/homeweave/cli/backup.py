"""``homeweave backup create|list|verify|restore``: back up a hub (running or not) and restore
one (stopped), with a progress bar."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from homeweave.cli.connect import fail_cleanly
from homeweave.cli.progress import bar
from homeweave.core.backups import hub_files_of
from homeweave.core.paths import BACKUP_DIR, default_data_dir, find_config, running_pid
from homeweave.errors import HomeweaveError
from homeweave.model.times import Times, environment_locale
from homeweave.storage.backup import (
    HubFiles,
    backup_name,
    create_backup,
    list_backups,
    restore_backup,
    verify_backup,
)

PASSWORD_ENV = "HOMEWEAVE_BACKUP_PASSWORD"


def _data_dir_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--data-dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="The hub's data dir (default: ~/.local/share/homeweave).",
    )(func)


def _config_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        default=None,
        help="The hub's config file (default: ./homeweave.yaml, then DATA_DIR/homeweave.yaml).",
    )(func)


def _password_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--password",
        is_flag=False,
        flag_value="",
        default=None,
        envvar=PASSWORD_ENV,
        help=f"Seal (create) or open (restore) with a password: asked for when given without "
        f"one; or from ${PASSWORD_ENV}.",
    )(func)


def _ask(password: str | None, *, confirm: bool) -> str | None:
    if password == "":
        return str(click.prompt("password", hide_input=True, confirmation_prompt=confirm))
    return password


def _hub(data_dir: Path | None, config_path: Path | None) -> tuple[HubFiles, Path, Times]:
    """The hub's files, its backup folder (``backup.dir`` in its config, else
    DATA_DIR/backups), and how its times are shown: in its first home's zone (this machine's
    without one), in the language of LC_TIME/LANG, else the home's first voice language."""
    folder = data_dir or default_data_dir()
    config_file = config_path or find_config(folder)
    storage: str | None = None
    backups = folder / BACKUP_DIR
    zone = datetime.now().astimezone().tzinfo or UTC
    language = environment_locale()
    if config_file is not None:
        from homeweave.config import load_config  # only when there is a config to read

        config = load_config(config_file)
        storage = config.storage
        backups = config.backup.folder(config.base_dir, folder)
        if config.homes:
            zone = config.homes[0].zone
            language = language or config.homes[0].voice.languages[0]
    times = Times(zone, language or "en")
    return hub_files_of(folder, storage, config_file), backups, times


@click.group()
def backup() -> None:
    """Back up the hub, list backups, restore one."""


@backup.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), required=False)
@_data_dir_option
@_config_option
@_password_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@fail_cleanly
def create(
    file: Path | None,
    data_dir: Path | None,
    config_path: Path | None,
    password: str | None,
    as_json: bool,
) -> None:
    """Back up the hub into FILE (default: a new file in the backup folder), while it runs or
    not: its database as of one moment, its keys and tokens, its config."""
    hub, folder, _ = _hub(data_dir, config_path)
    target = file or folder / backup_name(datetime.now().astimezone())
    secret = _ask(password, confirm=True)
    with bar("backing up") as progress:
        manifest = create_backup(target, hub, password=secret, progress=progress)
    if as_json:
        click.echo(json.dumps({"file": str(target), "manifest": manifest.model_dump(mode="json")}))
        return
    sealed = ", sealed with a password" if secret else ""
    click.echo(
        f"backed up to {target}: {len(manifest.files)} files, {_size(target.stat().st_size)}"
        f"{sealed} (schema {manifest.schema_version})"
    )


@backup.command(name="list")
@_data_dir_option
@_config_option
@click.option("--dir", "folder", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@fail_cleanly
def list_(
    data_dir: Path | None, config_path: Path | None, folder: Path | None, as_json: bool
) -> None:
    """List the backups in the backup folder (default: DATA_DIR/backups), oldest first."""
    _, backups, times = _hub(data_dir, config_path)
    folder = folder or backups
    found = list_backups(folder)
    if as_json:
        click.echo(json.dumps([_listed(info) for info in found]))
        return
    if not found:
        click.echo(f"no backups in {folder}")
    now = time.time()
    for info in found:
        if info.manifest is not None:
            when = times.moment(info.manifest.created_at, now)
            what = f"schema {info.manifest.schema_version}, {len(info.manifest.files)} files"
        else:
            when = "?"
            what = "sealed with a password" if info.sealed else f"unreadable: {info.problem}"
        click.echo(f"{info.name}  {when}  {_size(info.size):>9}  {what}")


def _listed(info: object) -> dict[str, object]:
    from homeweave.storage.backup import BackupInfo

    assert isinstance(info, BackupInfo)
    manifest = info.manifest
    return {
        "name": info.name,
        "path": str(info.path),
        "size": info.size,
        "sealed": info.sealed,
        "created_at": manifest.created_at.isoformat() if manifest else None,
        "schema_version": manifest.schema_version if manifest else None,
        "problem": info.problem,
    }


@backup.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_password_option
@fail_cleanly
def verify(file: Path, password: str | None) -> None:
    """Check every file of the backup FILE against its manifest; change nothing."""
    with bar("checking") as progress:
        manifest = verify_backup(file, password=_ask(password, confirm=False), progress=progress)
    click.echo(f"ok: {file}: {len(manifest.files)} files, every checksum matches")


@backup.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_data_dir_option
@_config_option
@_password_option
@click.option(
    "--config-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Also write the backup's homeweave.yaml and secrets.yaml here (replacing them).",
)
@click.option("--yes", is_flag=True, help="Do not ask before replacing the hub's data.")
@fail_cleanly
def restore(
    file: Path,
    data_dir: Path | None,
    config_path: Path | None,
    password: str | None,
    config_dir: Path | None,
    yes: bool,
) -> None:
    """Replace the hub's data by the backup FILE, with the hub stopped. The whole backup is
    checked first; a damaged, cut short or changed file, or a wrong password, changes nothing.
    The swap is atomic: killed at any moment, the data dir is the old one or the restored one."""
    hub, _, times = _hub(data_dir, config_path)
    pid = running_pid(hub.data_dir)
    if pid is not None:
        raise HomeweaveError(
            f"a hub is running from {hub.data_dir} (pid {pid}); stop the hub first (or restore "
            "through the API or dashboard: it is checked now and put in place at the next start)"
        )
    secret = _ask(password, confirm=False)
    if not yes:
        click.confirm(f"replace the data in {hub.data_dir} by {file.name}?", abort=True)
    with bar("restoring") as progress:
        done = restore_backup(file, hub, password=secret, config_dir=config_dir, progress=progress)
    made = times.moment(done.manifest.created_at, time.time())
    click.echo(f"restored {file.name} (made {made}) into {hub.data_dir}")
    if done.migrated_from is not None:
        click.echo(f"  its database was migrated from schema {done.migrated_from}")
    for path in done.config_written:
        click.echo(f"  wrote {path}")
    if done.config_left:
        left = ", ".join(done.config_left)
        click.echo(f"  the backup also holds {left}; --config-dir DIR writes them")


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{count} B"
