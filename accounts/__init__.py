"""Accounts: users and roles, argon2 passwords, sessions, API tokens and the audit log.

Rooms: `tables` (Piccolo tables); `rules` (pure: roles and their names, password policy,
login and password-change throttling, session lifetimes, token scopes and areas, the account
status, audit actions, the `Actor`); `usernames` (pure: the canonical form of a signed-up name
and the skeleton look-alike names share); `passwords` (argon2 hashing off the event loop);
`services/` (use cases by area: sessions, users, sign-up, tokens, audit); `schemas` (the API
contract); `api` (JSON under /api); `pages/` and `templates/accounts/` (HTML, the audit view in
words); `piccolo_app` (migrations).
"""
