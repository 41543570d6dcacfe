"""Forms and API contracts for accounts."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from accounts.rules import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS
from xuehui.openapi import Input, RecordId


class LoginForm(Input):
    username: str = Field(default="", max_length=200)
    password: str = Field(default="", max_length=500)
    next: str = Field(default="/", max_length=2000)


class PasswordForm(Input):
    current_password: str = Field(default="", max_length=500)
    new_password: str = Field(default="", max_length=500)
    confirm_password: str = Field(default="", max_length=500)


class TokenForm(Input):
    name: str = Field(default="", max_length=200)
    days: str = Field(default="90", max_length=10)
    scope: str = Field(default="read", max_length=20)
    areas: list[str] = Field(default_factory=list, max_length=10)


class UserForm(Input):
    username: str = Field(default="", max_length=200)
    display_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    role: str = Field(default="society", max_length=20)
    society_id: str = Field(default="", max_length=20)
    password: str = Field(default="", max_length=500)


class UserIn(Input):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=100)
    email: str = Field(default="", max_length=200)
    role: str = Field(max_length=20)
    society_id: RecordId | None = None
    password: str = Field(min_length=1, max_length=128)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    society_id: int | None
    active: bool
    created_at: dt.datetime


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    society_id: int | None


class TokenIn(Input):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    days: int = Field(default=DEFAULT_TOKEN_DAYS, ge=1, le=MAX_TOKEN_DAYS, description="Days until it expires")
    scope: Literal["read", "read_write"] = Field(default="read", description="read: GET only; read_write: any")
    areas: list[Literal["accounts", "societies", "nominations", "experts", "exams"]] = Field(
        default_factory=list, max_length=5, description="Limit the token to these parts of the API (none: all)"
    )


class TokenCreatedOut(BaseModel):
    id: int
    name: str
    token: str
    scope: str
    areas: list[str]
    expires_at: dt.datetime


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    scope: str
    areas: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class AuditOut(BaseModel):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    society_id: int | None
    summary: dict[str, object] | list[object] | str | None
    ip: str
    note: str
