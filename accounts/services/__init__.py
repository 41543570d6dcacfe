"""Account use cases, one module per area. Services own transactions and authorisation; every
state change writes an audit entry in the same transaction, so the log can never disagree
with the data.

- `sessions`: sign-in (throttled), the session behind a cookie, sign-out, password change;
- `users`: accounts and their status; look-ups of users by id or name for other packages;
- `tokens`: personal API tokens;
- `signup`: public sign-up (throttled, look-alike names refused, one answer for taken and free);
- `links`: mailed single-use links: the sign-up's e-mail confirmation, the password reset;
- `recipients`: users' addresses and languages for the outbox;
- `throttle`: a public form's requests counted per address;
- `audit_log`: the append-only audit log and its filtered reading.

Everything public is importable from `accounts.services` itself.
"""

from accounts import passwords
from accounts.services.audit_log import AuditFilter, audit, audit_object_types, list_audit, verify_audit_chain
from accounts.services.links import confirm_email, link_works, request_password_reset, reset_password
from accounts.services.recipients import set_language, society_recipients, user_recipients
from accounts.services.sessions import BAD_LOGIN, change_password, count_active_sessions, login, logout, resolve_session
from accounts.services.signup import sign_up
from accounts.services.tokens import (
    TOKEN_PREFIX,
    create_api_token,
    end_tokens_of,
    list_api_tokens,
    resolve_api_token,
    revoke_api_token,
)
from accounts.services.users import (
    USER_COLUMNS,
    create_user,
    failed_logins,
    get_user,
    list_users,
    set_active,
    user_by_username,
    user_names,
    users_by_id,
    users_by_username,
    users_of_society,
)

__all__ = [
    "BAD_LOGIN",
    "TOKEN_PREFIX",
    "USER_COLUMNS",
    "AuditFilter",
    "audit",
    "audit_object_types",
    "change_password",
    "confirm_email",
    "count_active_sessions",
    "create_api_token",
    "create_user",
    "end_tokens_of",
    "failed_logins",
    "get_user",
    "link_works",
    "list_api_tokens",
    "list_audit",
    "list_users",
    "login",
    "logout",
    "passwords",
    "request_password_reset",
    "reset_password",
    "resolve_api_token",
    "resolve_session",
    "revoke_api_token",
    "set_active",
    "set_language",
    "sign_up",
    "society_recipients",
    "user_by_username",
    "user_names",
    "user_recipients",
    "users_by_id",
    "users_by_username",
    "users_of_society",
    "verify_audit_chain",
]
