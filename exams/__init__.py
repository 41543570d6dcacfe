"""Qualification exams (职业资格考试考务), run by a society's exam office under its pilot project.

Rooms of this package:
- `tables.py`: the Piccolo tables (plans, subjects, rooms, registrations, score imports, scores,
  violation cases, re-checks, certificates); uploaded files live in the frame's store `xuehui.files`.
- `rules/`: pure decisions: eligibility, subjects and marks, score-sheet validation, seating,
  tickets, rolling window, violations and their due process, re-checks, certificate numbers; every status as a
  labelled lifecycle (`rules/lifecycles.py`) and every audit action (`rules/actions.py`).
- `services/`: the use cases, one module per area (plans, registration, review, fees, seating,
  scores, results, violations, rechecks, certificates, kpis): authorisation, one transaction, audit.
- `score_work.py`: the score-sheet validation that runs in the worker process.
- `schemas.py` and `api.py`: the JSON API under `/api/exams` and `/api/public`.
- `pages/` with `templates/exams/`: the HTML pages of staff, candidates and the public.
- `commands.py`: `xuehui exams ...` on the command line; `locale/`: the Chinese page strings.
"""
