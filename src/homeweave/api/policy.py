"""Which role each route needs, in one table, checked by one app-wide dependency (and written
into the OpenAPI document as ``x-role``, which the permission-matrix test reads).

Routes whose answer depends on the device (seeing, controlling, history, events) need only a
signed-in principal here: the core's permission check (`core.permissions`, through `Commands`)
decides per device, answering 404 for a device out of scope and 403 for one only shared to look
at. A route the table does not name needs member to read and admin to change anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from homeweave.api.dependencies import principal
from homeweave.core import permissions
from homeweave.core.principal import Role

ANY = "*"
SIGNED_IN = "signed-in"


@dataclass(frozen=True, slots=True)
class Rule:
    """``methods`` (or `ANY`) on ``path`` (a route template; a prefix unless ``exact``) need
    ``role`` (None: any signed-in principal)."""

    methods: str
    path: str
    role: Role | None
    exact: bool = False

    def matches(self, method: str, path: str) -> bool:
        """Whether the rule applies to ``method`` on the route template ``path``."""
        if self.methods != ANY and method not in self.methods.split(","):
            return False
        return path == self.path if self.exact else path.startswith(self.path)


RULES: tuple[Rule, ...] = (
    Rule("PATCH", "/api/devices/{device_id}", Role.ADMIN, exact=True),
    Rule(ANY, "/api/devices", None),
    Rule(ANY, "/api/homes", None),
    Rule(ANY, "/api/ws", None),
    Rule(ANY, "/api/openapi.json", None),
    # The core checks these: one's own account, tokens and audit entries, or an admin's.
    Rule(ANY, "/api/auth/", None),
    Rule(ANY, "/api/users", None),
    Rule(ANY, "/api/tokens", None),
    Rule(ANY, "/api/audit", None),
    Rule(ANY, "/api/shares", None),
    # Versions and undo: the core checks what the kind and the change need (`core.versions`).
    Rule(ANY, "/api/versions", None),
    Rule(ANY, "/api/undo", None),
    # Backups hold every token hash and secret: admins and owners only, reading too.
    Rule(ANY, "/api/backups", Role.ADMIN),
    # Importing history from Home Assistant reads a database the hub can reach: admins only.
    Rule(ANY, "/api/history/import", Role.ADMIN),
    # Energy of the devices the principal may see (a guest: what is shared with it).
    Rule("GET,HEAD", "/api/energy", None, exact=True),
    Rule(ANY, "/api/invites", None),
    # The logbook of the devices the principal may see (`core.logbook`).
    Rule("GET,HEAD", "/api/logbook", None, exact=True),
    # Voice: each turn acts as the caller through Commands (the core decides per device).
    Rule(ANY, "/api/conversation", None),
    Rule("POST", "/api/scenes/{scene_id}/apply", Role.MEMBER, exact=True),
    Rule("POST", "/api/automations/{automation_id}/run", Role.MEMBER, exact=True),
    Rule("POST", "/api/automations/{automation_id}/dry-run", Role.MEMBER, exact=True),
    Rule("GET,HEAD", "/api/", Role.MEMBER),
    Rule(ANY, "/api/", Role.ADMIN),
)


def required(method: str, path: str) -> Role | None:
    """The role ``method`` on route ``path`` needs (None: signed in is enough)."""
    for rule in RULES:
        if rule.matches(method, path):
            return rule.role
    return Role.ADMIN


def describe(role: Role | None) -> str:
    """The ``x-role`` value of a route in the OpenAPI document."""
    return SIGNED_IN if role is None else role.value


async def enforce(connection: HTTPConnection) -> None:
    """Forbidden unless the principal has the role the route needs (public routes pass)."""
    route = connection.scope.get("route")
    path: str = getattr(route, "path", connection.url.path)
    if "principal" not in connection.scope.get("state", {}):
        return  # a public path (health, sign-in): BearerAuth let it through unsigned
    method = connection.scope.get("method", "GET")
    role = required(method, path)
    if role is not None:
        doing = f"{method} {connection.url.path}"
        permissions.require_role(await principal(connection), role, doing)
