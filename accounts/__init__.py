"""Accounts: users and roles, argon2 passwords, sessions, API tokens and the audit log.

Rooms: `tables` (Piccolo tables); `rules` (pure: roles and their names, password policy,
login throttling, session lifetimes, the account status, audit actions, the `Actor`);
`passwords` (argon2 hashing off the event loop); `services/` (use cases by area: sessions,
users, tokens, audit); `schemas` (the API contract); `api` (JSON under /api); `pages/` and
`templates/accounts/` (HTML, the audit view in words); `piccolo_app` (migrations).
"""
