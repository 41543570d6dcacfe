"""Pure exam rules: no database, no HTTP. Services load data, call these, and write the outcome.

Modules: `subjects` (pass marks, score checks), `score_import` (validating an uploaded score sheet),
`seating` (rooms and seats), `tickets` (admission-ticket numbers), `eligibility` (education x years,
exemptions, commitment route), `rolling` (rolling window), `violations` (31号令 levels and decisions),
`rechecks` (re-check requests and outcomes), `certificates` (certificate numbers with a check character).
"""
