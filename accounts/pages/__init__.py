"""The account pages, one module per area, as `ROUTES` for the frame:

- `sign_in`: signing in and out, one's own account, password and API tokens;
- `recovery`: the mailed links: e-mail confirmation, forgotten password;
- `users`: user administration (admin);
- `audit`: the audit log view and export (admin), its entries in words by `audit_text`.
"""

from accounts.pages import audit, recovery, sign_in, users

ROUTES = [*sign_in.ROUTES, *recovery.ROUTES, *users.ROUTES, *audit.ROUTES]

__all__ = ["ROUTES"]
