"""Pure exam rules: no database, no HTTP. Services load data, call these, and write the outcome.

Modules: `lifecycles` (every status with its labels and allowed moves: registrations, score
imports, violation cases, re-checks, certificates, a plan's publication), `actions` (the audit-action vocabulary),
`subjects` (pass marks, score checks), `score_import` (validating an uploaded score sheet; score
statuses), `seating/` (rooms and seats: model, arranging one room, the allocation, later changes),
`tickets` (admission-ticket numbers), `eligibility` (education x years, exemptions, commitment
route), `rolling` (rolling window), `violations` (31号令 levels and decisions), `violation_cases`
(due process of a case: notice, statement period, decision, service, appeal window), `rechecks` (re-check
requests and outcomes), `certificates` (certificate numbers with a check character).
"""
