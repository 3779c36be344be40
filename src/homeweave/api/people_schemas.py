"""Request and response bodies of sign-in, users, tokens, shares and the audit log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from homeweave.api.schemas import Body, JsonValue

RoleName = Literal["owner", "admin", "member", "guest"]
EVERY = "*"


class LoginBody(Body):
    """A user name and password."""

    user: str = Field(max_length=64, description="The user name")
    password: str = Field(max_length=1024, description="The password")


class ShareOut(BaseModel):
    """A home, room or device shared with a user."""

    id: str
    user: str
    home: str | None = None
    room: str | None = None
    device: str | None = None
    control: bool = Field(description="May control it (else only look at it)")
    until: float | None = Field(description="Epoch seconds it ends at; null: for good")


class MeOut(BaseModel):
    """Who the caller is signed in as."""

    user: str
    display_name: str
    roles: dict[str, RoleName] = Field(description="Role by home id ('*': every home)")
    channel: str
    shares: list[ShareOut] = Field(default_factory=list)


class LoginOut(MeOut):
    """A session opened: the cookie is set; writes echo ``csrf_token`` in X-CSRF-Token."""

    csrf_token: str
    expires_at: float


class UserOut(BaseModel):
    """A user (never its password)."""

    id: str
    display_name: str
    roles: dict[str, RoleName]
    created_at: float


class UserBody(Body):
    """A new user."""

    id: str = Field(max_length=64, description="User name: a-z, 0-9, '.', '_', '-'")
    password: str = Field(max_length=1024, description="At least 8 characters")
    display_name: str | None = Field(default=None, max_length=200)
    role: RoleName = "member"
    home: str = Field(default=EVERY, max_length=200, description="Home id ('*': every home)")


class PasswordBody(Body):
    """A new password."""

    password: str = Field(max_length=1024)


class RoleBody(Body):
    """A role in a home (null: none)."""

    role: RoleName | None
    home: str = Field(default=EVERY, max_length=200)


class TokenBody(Body):
    """A new API token."""

    name: str = Field(max_length=200, description="What it is for, e.g. 'kitchen tablet'")
    expires_at: float | None = Field(default=None, description="Epoch seconds; null: never")
    user: str | None = Field(default=None, max_length=64, description="For another user (admins)")


class TokenOut(BaseModel):
    """An API token (never its secret, nor its hash)."""

    id: str
    name: str
    user: str | None
    created_at: float
    expires_at: float | None


class TokenCreatedOut(TokenOut):
    """A token just made, with its secret: shown this once."""

    token: str


class ShareBody(Body):
    """Share one home, room or device with a user."""

    user: str = Field(max_length=64)
    home: str | None = Field(default=None, max_length=200)
    room: str | None = Field(default=None, max_length=200)
    device: str | None = Field(default=None, max_length=200)
    control: bool = True
    until: float | None = Field(default=None, description="Epoch seconds; null: for good")


class AuditOut(BaseModel):
    """One audit entry."""

    at: float
    user: str
    channel: str
    action: str
    target: str
    device: str | None
    old: JsonValue | None
    new: JsonValue | None
    result: str
    version: int | None = None  # the version this change made (undo it: POST /api/undo)
    undoable: bool = False  # its version is the newest of its thing: an undo would not conflict


class VersionOut(BaseModel):
    """One version of an automation, scene, device (name and room), share or user: what it
    was before and after the change, who made it when, through which channel."""

    id: int
    kind: str
    ident: str
    at: float
    user: str
    channel: str
    action: str
    before: dict[str, Any] | None  # None: it did not exist
    after: dict[str, Any] | None
    undoes: int | None


class UndoBody(BaseModel):
    """Which change to undo: a version id (as audit entries show it); none: your last one."""

    id: int | None = None


class SetupOut(BaseModel):
    """Whether the hub still needs its first owner (the dashboard's first-run page)."""

    needed: bool


class SetupBody(Body):
    """The first owner, with the one-time setup code from the hub's log."""

    code: str = Field(max_length=64, description="The setup code the hub printed in its log")
    user: str = Field(max_length=64, description="User name: a-z, 0-9, '.', '_', '-'")
    password: str = Field(max_length=1024, description="At least 8 characters")
    display_name: str | None = Field(default=None, max_length=200)


class InviteBody(Body):
    """Invite a guest to one home, room or device."""

    home: str | None = Field(default=None, max_length=200)
    room: str | None = Field(default=None, max_length=200)
    device: str | None = Field(default=None, max_length=200)
    control: bool = Field(default=True, description="May control it (else only look at it)")
    until: float | None = Field(default=None, description="Epoch seconds; null: until revoked")
    name: str | None = Field(default=None, max_length=200, description="The guest's name")


class InviteOut(BaseModel):
    """An invite: its guest (``id``) and what is shared with them until when."""

    id: str
    name: str
    home: str | None = None
    room: str | None = None
    device: str | None = None
    control: bool
    until: float | None
    created_by: str
    created_at: float


class InviteCreatedOut(InviteOut):
    """An invite just made, with its link (multi-use until it ends): shown this once."""

    link: str = Field(description="The link's path, e.g. /invite/SECRET; open it on the hub")
    token: str


class OpenInviteBody(Body):
    """The secret of an invite link (the part after /invite/)."""

    token: str = Field(max_length=200)
