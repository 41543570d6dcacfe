"""The expert pool: experts, disciplines, conflicts of interest, the assignment solver, review
forms, scores and their normalisation, and panel meetings with anonymous ballots. Other packages
use it through its service functions (a review batch of generic review items); it knows nothing
of what an item is.

Rooms:

* `tables.py` - Piccolo tables (experts, relations, unit aliases, batches, items, conflicts,
  assignments, reviews, reminders, panel meetings, tallies, ballot receipts);
* `rules/` - pure logic: the solver and its modes, affinity, units, conflict detection, scores,
  ballots, and `lifecycles` (every status with its moves) and `vocabulary` (every other code a
  user could see, and the audit actions), each with Chinese and English labels;
* `services/` - use cases, one module per area (see its docstring);
* `schemas.py` - the API contract and the service inputs other packages pass;
* `api.py` - JSON controllers under `/api/experts`, `/api/conflicts`, `/api/review-batches`,
  `/api/expert`;
* `pages/` + `templates/expert_pool/` - HTML pages, one module per area;
* `excel.py` - the registry in Excel (import, export, template);
* `disciplines.py` - the GB/T 13745 discipline codes;
* `commands.py` - the command-line solver (CSV in, CSV out).
"""
