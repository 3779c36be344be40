"""The OpenAPI document is true: schemathesis drives every documented operation of a running
demo hub (a fixed seed, a bounded number of examples) and fails on any server error, any status
the document does not declare and any body or header that does not match its schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.server_thread import ServerThread

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 15  # per operation and mode
Operation = APIOperation[Any, Any, Any, Any]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    with ServerThread(tmp_path_factory.mktemp("openapi")) as running:
        yield running


def auth(server: ServerThread) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}


def operations(server: ServerThread) -> list[Operation]:
    """Every operation of the document the running hub serves."""
    response = httpx.get(f"{server.url}/api/openapi.json", headers=auth(server), timeout=10)
    response.raise_for_status()
    loaded = schemathesis.openapi.from_dict(response.json())
    found = []
    for result in loaded.get_all_operations():
        assert isinstance(result, Ok), result.err()  # the document itself is valid OpenAPI
        found.append(result.ok())
    return found


def violations(operation: Operation, mode: GenerationMode, server: ServerThread) -> str | None:
    """The first way ``operation`` breaks its documentation, in ``mode``, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same requests every run
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # report the first failure, unshrunk
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Case[Operation]) -> None:
        case.call_and_validate(base_url=server.url, headers=auth(server), checks=CHECKS)

    try:
        call()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
        return None
    except (Exception, BaseExceptionGroup) as exc:  # a group of failed checks
        return f"{mode.value} {operation.label}: {exc}"
    return None


@pytest.mark.slow  # every operation with generated bodies (~30 s): CI runs it after make test
def test_every_operation_answers_as_documented(server: ServerThread) -> None:
    found = operations(server)
    assert len(found) >= 25, [o.label for o in found]
    failures = [
        failure
        for operation in found
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := violations(operation, mode, server)) is not None
    ]
    assert not failures, "\n\n".join(failures)
