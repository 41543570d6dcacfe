"""Societies (学会) and their pilot projects (试点项目) taking over public functions.

Rooms: `tables` (Piccolo tables); `rules/` (pure: vocabularies, the society, pilot and
amendment lifecycles, the task agreement's checks, evaluations, audit actions); `services/`
(use cases by area: registry, pilots, amendments, records, disclosure, sanctions); `schemas`
(the API contract and the stored agreement document); `forms` (the agreement form's parser);
`api` (JSON under /api); `pages/` and `templates/societies/` (HTML); `kpis` (live KPIs other
packages provide); `piccolo_app` (migrations).
"""
