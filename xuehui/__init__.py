"""The frame: what composes the domain packages into one service and what every package shares.

Its rooms:

- `app` (the app factory: every package's routes, templates, middleware and error mapping),
  `composition` (how the frame finds each package's parts by the shared file layout) and
  `pages` (the page shell: start page, language switch, health check);
- `settings` (environment variables, read once, with the production self-check) and `clock`
  (UTC instants, China-time calendar dates);
- `cli` (the `xuehui` command: serve, migrate, demo, create-user, backup, restore and the
  domain packages' own commands), `demo` (the demo data, written through the services);
- `db` (the one write path, exact on SQLite and PostgreSQL: write transactions, limited slots,
  unique-violation and JSON helpers), `sqlite_engine` (Piccolo's SQLite engine with pooled
  connections), `threads` (a coroutine run from synchronous code), `tables` and `piccolo_app`
  (the frame's own tables: jobs and stored files);
- `errors` (domain errors and the bilingual reasons they carry), `vocabulary` (every code a user
  could see, with its Chinese and English label), `lifecycle` (states and the moves between them
  as transition tables), `form_action` (a service call turned into a redirect or the same form
  with its errors), `text` (how long typed text may be and which characters it may hold),
  `idcard` (resident identity-card numbers);
- `files` (the content-addressed file store, allowed by content);
- `jobs/` (long work: a row with state and progress, CPU work in a process pool, the outcome
  committed atomically, the page panel);
- Excel I/O: `excel_import/` (safe reading of uploads: archive checks, cells, headers, formulas)
  and `excel_export` (every list as `.xlsx`, formulas neutralised);
- `backup/` (backup, restore and verification on SQLite and PostgreSQL);
- templating and i18n: `templating` (the Jinja set-up shared by all pages), `i18n` (page
  languages and the merged catalogs), `templates/`, `static/`, `locale/`;
- `web` (request plumbing: who is asking, language, CSRF, security headers, role guards) and
  `openapi` (what the JSON API documents besides its success bodies).
"""
