"""Read `homeweave.yaml` into a `HubConfig`; every error names the file and the line to fix."""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from homeweave.config.options import SECTIONS, options_class
from homeweave.config.schema import REFERENCE_ERROR, ConfigLines, HubConfig, Loc
from homeweave.config.secrets import SECRET_TAG, SecretRef, Secrets, split_secrets
from homeweave.core.paths import SECRETS_FILE
from homeweave.errors import ConfigError, ConfigProblem, SpecError, UnknownAddress
from homeweave.model import load_spec_file

__all__ = ["dump_config", "dump_secrets", "load_config", "parse_config", "read_yaml"]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SHOWN = 60
_BREAKS = frozenset("\x85\u2028\u2029")


def load_config(path: Path) -> HubConfig:
    """Read and check the configuration file at `path`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(f"cannot read the config file: {reason}", file=str(path)) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"the config file is not UTF-8 text (bad byte at offset {exc.start})",
            file=str(path),
            line=line,
        ) from exc
    folder = path.absolute().parent
    config = parse_config(
        text, filename=str(path), spec_dir=folder, secrets_file=folder / SECRETS_FILE
    )
    return config.model_copy(update={"source": path.absolute()})


_LINES_KEPT = frozenset({"automations", "scenes"})
"""The top-level sections whose lines a loaded config keeps (see `parse_config`)."""


def parse_config(
    text: str,
    *,
    filename: str = "<string>",
    spec_dir: Path | None = None,
    secrets_file: Path | None = None,
) -> HubConfig:
    """Check configuration YAML `text`; `filename` is only used in error messages. With
    `spec_dir`, device spec files (relative to it) are read and checked too; `!secret NAME`
    takes its value from `secrets_file`."""
    data, lines = _read_yaml(text, filename, Secrets(secrets_file))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"the top level must be a mapping of sections ({_allowed_keys(())}), "
            f"got {_describe(data)}",
            file=filename,
            line=lines.get(()),
        )
    if "source" in data:  # a model field, but set by the loader only
        raise ConfigError(_unknown_key((), "source"), file=filename, line=lines.get(("source",)))
    try:
        config = HubConfig.model_validate(data)
    except ValidationError as exc:
        found = [_explain(error, lines) for error in exc.errors(include_url=False)]
        raise _every(found, filename) from exc
    if spec_dir is not None:
        _check_spec_files(config, spec_dir, filename, lines)
    # Kept with the config: the lines of the automations and scenes only, the one part looked up
    # after loading (`check_automations` points at their problems). The rest, ~10 locations per
    # device, was ~1.3 MiB held for the process's life with 1,000 devices.
    kept = {loc: line for loc, line in lines.items() if not loc or loc[0] in _LINES_KEPT}
    config.set_lines(ConfigLines(filename, kept))
    return config


def _every(found: list[_Problem], filename: str) -> ConfigError:
    """One error listing every problem, by line (pydantic's order breaks ties)."""
    found.sort(key=lambda problem: problem.line)
    unique = list(dict.fromkeys(found))  # an alias may repeat one problem
    return ConfigError(
        problems=[ConfigProblem(message, file=filename, line=line) for line, message in unique]
    )


def _check_spec_files(
    config: HubConfig, spec_dir: Path, filename: str, lines: dict[Loc, int]
) -> None:
    """A device's spec file must exist and be a valid MIoT spec: say so at its line."""
    found = []
    for index, device in enumerate(config.devices):
        path = device.spec_path(spec_dir)
        if path is None:
            continue
        try:
            load_spec_file(path)
        except SpecError as exc:
            where = ("devices", index, "spec")
            found.append(_Problem(_line(lines, where), f"{_dotted(where)}: {exc}"))
    if found:
        raise _every(found, filename)


def dump_config(config: HubConfig, *, secrets: dict[str, Any] | None = None) -> str:
    """Return YAML that `parse_config` reads back as an equal config (defaults left out). With
    `secrets`, every token, key and password is moved there and written as `!secret NAME`."""
    data = config.model_dump(exclude_defaults=True)
    if secrets is not None:
        data = split_secrets(data, secrets)
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


def dump_secrets(secrets: dict[str, Any]) -> str:
    """Return the YAML of a ``secrets.yaml`` holding ``secrets`` (as `dump_config` fills it)."""
    header = "# the values of `!secret NAME` in homeweave.yaml; keep this file private (0600)\n"
    body = yaml.dump(secrets, Dumper=_Dumper, allow_unicode=True, default_flow_style=False)
    return header + body if secrets else header


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a config file reads better with values repeated than with &id001 anchors


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # PyYAML writes NEL and the Unicode line separators raw in plain or single-quoted scalars,
    # where a reader takes them for line breaks; double quotes escape them.
    style = '"' if any(char in _BREAKS for char in text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(tuple, yaml.SafeDumper.represent_list)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    SecretRef, lambda dumper, ref: dumper.represent_scalar(SECRET_TAG, ref.name)
)


# --- YAML with lines -------------------------------------------------------------------------


# libyaml's parser when PyYAML was built with it: the same nodes and marks, ~6x faster.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LocatingLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Builds plain data from YAML nodes, remembering the line of every mapping key and item."""

    def __init__(self, text: str, filename: str, secrets: Secrets) -> None:
        super().__init__(text)
        self.filename = filename
        self.secrets = secrets
        self.problems: list[ConfigProblem] = []  # collected, to report every one at once
        self._secrets_failed = False
        self.lines: dict[Loc, int] = {}
        self._built: dict[int, Any] = {}  # node id -> value: an alias reuses, never re-expands
        self._open: set[int] = set()  # nodes being built, to catch an alias inside itself

    def build(self, node: Node, loc: Loc) -> Any:
        self.lines.setdefault(loc, node.start_mark.line + 1)
        key = id(node)
        if key in self._built:
            return self._built[key]
        if key in self._open:
            raise self._error("an alias refers to a node that contains it", node)
        self._open.add(key)
        if isinstance(node, MappingNode):
            value: Any = self._build_mapping(node, loc)
        elif isinstance(node, SequenceNode):
            value = self._build_sequence(node, loc)
        elif isinstance(node, ScalarNode) and node.tag == SECRET_TAG:
            value = self._secret(node)
        else:
            value = self.construct_object(node)
        self._open.discard(key)
        self._built[key] = value
        return value

    def _secret(self, node: ScalarNode) -> Any:
        name = node.value
        if self._secrets_failed:
            return None  # the file's problem is said once; its tags are not problems of their own
        try:
            found = name in self.secrets
        except ConfigError as exc:
            self.problems.extend(exc.problems)
            self._secrets_failed = True
            return None
        if found:
            return self.secrets[name]
        line = node.start_mark.line + 1
        message = f"secret {name!r} is not in {self.secrets.shown}"
        if self.secrets.path is None:
            message = f"secret {name!r}: !secret works in a config file (read beside it)"
        elif not self.secrets.path.exists():
            message += f" (there is no {self.secrets.path})"
        self.problems.append(ConfigProblem(message, file=self.filename, line=line))
        return None

    def _build_mapping(self, node: MappingNode, loc: Loc) -> dict[Any, Any]:
        self._check_tag(node, _MAP_TAG)
        self._check_duplicates(node, loc)
        self.flatten_mapping(node)  # resolve `<<` merge keys; explicit keys come last and win
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            child = (*loc, key)
            self.lines[child] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child)
        return result

    def _build_sequence(self, node: SequenceNode, loc: Loc) -> list[Any]:
        self._check_tag(node, _SEQ_TAG)
        return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]

    def _check_duplicates(self, node: MappingNode, loc: Loc) -> None:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(key_node)
            line = key_node.start_mark.line + 1
            if key in first:
                where = f" in {_dotted(loc)}" if loc else ""
                raise ConfigError(
                    f"duplicate key {key!r}{where} (first on line {first[key]})",
                    file=self.filename,
                    line=line,
                )
            first[key] = line

    def _key(self, node: Node) -> Any:
        if not isinstance(node, ScalarNode):
            raise self._error("a mapping key must be a plain value, not a list or mapping", node)
        return self.construct_object(node)

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise self._error(f"unsupported YAML tag {tag!r}", node)

    def _error(self, message: str, node: Node) -> ConfigError:
        return ConfigError(message, file=self.filename, line=node.start_mark.line + 1)


def read_yaml(text: str, filename: str) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML ``text`` (no ``!secret``s: nothing but a config file may read secrets.yaml)
    into plain data and the line of each location in it (``("actions", 0, "address")``);
    ConfigError with the line otherwise. The API reads YAML bodies with it."""
    return _read_yaml(text, filename, Secrets(None))


def _read_yaml(text: str, filename: str, secrets: Secrets) -> tuple[Any, dict[Loc, int]]:
    """Parse one YAML document into plain data and the line of each location in it."""
    loader: _LocatingLoader | None = None
    try:
        loader = _LocatingLoader(text, filename, secrets)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.build(node, ())
        if loader.problems:
            raise ConfigError(problems=loader.problems)
        return data, loader.lines
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, filename, text) from exc
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        message = f"invalid YAML: character {shown} is not allowed ({exc.reason})"
        raise ConfigError(message, file=filename, line=line) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file=filename) from exc
    except RecursionError as exc:
        raise ConfigError("invalid YAML: nested too deeply", file=filename) from exc
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, filename: str, text: str) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    parts = [exc.problem or "syntax error"]
    if mark is not None and "character" in parts[0] and "'" not in parts[0]:
        # libyaml does not name the character (the pure-Python parser does): add it.
        parts[0] += f" ({text[mark.index : mark.index + 1]!r})"
    if exc.context:
        at = exc.context_mark
        elsewhere = at is not None and mark is not None and at.line != mark.line
        parts.insert(0, exc.context + (f" (line {at.line + 1})" if at and elsewhere else ""))
    message = "invalid YAML: " + ", ".join(parts)
    return ConfigError(message, file=filename, line=mark.line + 1 if mark else None)


# --- pydantic errors for people --------------------------------------------------------------

_EXPECTED = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "finite_number": "must be a finite number",
    "string_too_short": "must not be empty",
}

_BOUNDS = {
    "greater_than_equal": ("ge", "must be at least"),
    "less_than_equal": ("le", "must be at most"),
    "greater_than": ("gt", "must be greater than"),
    "less_than": ("lt", "must be less than"),
}


class _Problem(NamedTuple):
    line: int
    message: str


def _explain(error: ErrorDetails, lines: dict[Loc, int]) -> _Problem:
    """Turn one pydantic error into a message naming the dotted path, and that path's line."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == REFERENCE_ERROR:
        return _reference_problem(loc, ctx, lines)
    if loc[-1:] == ("[key]",) or kind == "invalid_key":
        # pydantic marks a bad dict key with a trailing "[key]" and spells a model's key as text.
        parent = loc[:-2] if loc[-1:] == ("[key]",) else loc[:-1]
        key = error["input"]
        where = f" in {_dotted(parent)}" if parent else ""
        message = f"key {key!r}{where} must be text"
        return _Problem(_line(lines, (*parent, key)), message)
    if kind == "extra_forbidden":
        return _Problem(_line(lines, loc), _unknown_key(loc[:-1], loc[-1]))
    if kind == "missing":
        parent = loc[:-1]
        owner = _dotted(parent) if parent else "the top level"
        return _Problem(_line(lines, parent), f"{owner} is missing required key {loc[-1]!r}")
    return _Problem(_line(lines, loc), f"{_dotted(loc)} {_phrase(kind, ctx, error)}")


def _reference_problem(loc: Loc, ctx: dict[str, Any], lines: dict[Loc, int]) -> _Problem:
    path = (*loc, *ctx.get("path", ()))
    message = str(ctx.get("message", "invalid"))
    if "first" in ctx:
        first = (*loc, *ctx["first"])
        message += f" (first defined at {_dotted(first)}, line {_line(lines, first)})"
    return _Problem(_line(lines, path), f"{_dotted(path)}: {message}" if path else message)


def _phrase(kind: str, ctx: dict[str, Any], error: ErrorDetails) -> str:
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our own validators already say what was expected and got
    got = f", got {_describe(error['input'])}"
    if kind in _EXPECTED:
        return _EXPECTED[kind] + got
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        return f"{words} {_number(ctx.get(name))}{got}"
    message = error["msg"]
    return f"is invalid: {message[:1].lower()}{message[1:]}{got}"


def _unknown_key(parent: Loc, key: Any) -> str:
    where = f" in {_dotted(parent)}" if parent else " at the top level"
    return f"unknown key {key!r}{where}; allowed: {_allowed_keys(parent)}"


def _allowed_keys(parent: Loc) -> str:
    model = _model_at(parent)
    if model is None:
        return "?"
    fields = model.model_fields.items()
    return ", ".join(field.alias or name for name, field in fields if not field.exclude)


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """Find the config model that validates location `loc`, by walking field annotations; an
    integration's or bridge's options are its own model's."""
    current: Any = HubConfig
    if len(loc) >= 2 and loc[0] in SECTIONS and isinstance(loc[1], str):
        try:
            current = options_class(loc[0], loc[1])
        except UnknownAddress:
            return None
        loc = loc[2:]
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            current = None if field is None else _bare(field.annotation)
        elif get_origin(current) in (tuple, list):
            current = _bare(get_args(current)[0])
        elif get_origin(current) is dict:
            current = _bare(get_args(current)[1])
        else:
            return None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _bare(annotation: Any) -> Any:
    """Strip `Annotated[...]` and `| None` from an annotation."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _bare(rest[0]) if len(rest) == 1 else annotation
    return annotation


def _line(lines: dict[Loc, int], loc: Loc) -> int:
    """Return the line of `loc`, or of its nearest ancestor that has one."""
    return ConfigLines("", lines).at(loc)


def _dotted(loc: Loc) -> str:
    """Spell a location as people read it: `devices[1].room`."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        elif isinstance(part, str) and _NAME.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    shown = repr(value)
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + "..."


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
