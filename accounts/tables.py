"""Users, their sessions and API tokens, login failures, and the append-only audit log."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class User(Table, tablename="xh_user"):
    id: Serial
    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100)
    email = Varchar(length=200, default="")
    role = Varchar(length=20, index=True)
    # The society a `society` or `exam_admin` user works for; kept as a plain id so that
    # accounts imports no domain package (societies refer to users, not the other way round).
    society_id = Integer(null=True, default=None, index=True)
    password_hash = Varchar(length=200)
    active = Boolean(default=True)
    must_change_password = Boolean(default=False)
    created_at = Timestamptz()
    password_changed_at = Timestamptz()
    # Failed logins before it no longer count against the account (they stay on record).
    last_login_at = Timestamptz(null=True, default=None)
    # When the user opened the confirmation link of `email` (a self sign-up starts inactive).
    email_confirmed_at = Timestamptz(null=True, default=None)
    language = Varchar(length=5, default="zh")  # the language of the messages sent to them


class Session(Table, tablename="xh_session"):
    id: Serial
    # Only the SHA-256 of the cookie value is stored: a copy of the table opens no session.
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, null=False)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=300, default="")


class ApiToken(Table, tablename="xh_api_token"):
    id: Serial
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, null=False)
    name = Varchar(length=100)
    prefix = Varchar(length=16)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    # Chosen at creation; a token from before expiries existed has none and no longer works.
    expires_at = Timestamptz(null=True, default=None)
    scope = Varchar(length=20, default="read")
    areas = Varchar(length=200, default="")  # comma-separated `TokenArea` codes; empty: all


class AccountLink(Table, tablename="xh_account_link"):
    """A single-use link mailed to a user: confirm the e-mail address, or reset the password.
    Only the SHA-256 of the token is stored; `used_at` is set by one conditional update."""

    id: Serial
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, null=False)
    purpose = Varchar(length=20)  # accounts.rules.LinkPurpose
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class LoginFailure(Table, tablename="xh_login_failure"):
    """One failed login, counted per account, per address and per both within a sliding window;
    kept after a successful login (the success only stops them counting). `purpose` tells a
    sign-in from a wrong current password on the password-change form, counted apart."""

    id: Serial
    username = Varchar(length=64, index=True)
    ip = Varchar(length=64, index=True)
    at = Timestamptz(index=True)
    purpose = Varchar(length=20, default="login")


class AuditEntry(Table, tablename="xh_audit"):
    """Append-only: database triggers refuse UPDATE, DELETE, an INSERT over an existing id and
    TRUNCATE (see the accounts migrations), and each entry is chained to the one before."""

    id: Serial
    at = Timestamptz(index=True)
    actor_id = Integer(null=True, default=None, index=True)
    actor_name = Varchar(length=100, default="")
    actor_role = Varchar(length=20, default="")
    action = Varchar(length=80, index=True)
    object_type = Varchar(length=60, index=True)
    object_id = Varchar(length=60, default="")
    society_id = Integer(null=True, default=None, index=True)
    summary = JSON(default="{}")
    ip = Varchar(length=64, default="")
    note = Text(default="")
    # The hash chain (xuehui.audit_chain): the predecessor's hash and this entry's own.
    prev_hash = Varchar(length=64, default="")
    entry_hash = Varchar(length=64, default="")
