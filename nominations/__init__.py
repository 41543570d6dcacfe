"""Award nominations (科技奖励推荐) and talent recommendations (人才推荐).

Rooms:
- `tables.py`: cycles, quotas, nominations and contributors, history steps, talent programmes,
  recommendations and their materials, ballots, notices, objections, the winners register.
- `rules/`: pure rules: `cycle/` and `programme/` (configuration: model, defaults, validation),
  `eligibility` and `talent` (who may be put forward), `notice` (working days, objections),
  `quota_adjustment` (the dynamic adjustment), `results`, `lifecycles` (every state and its
  moves), `actions` (audit labels), `vocabulary` (labels of categories, grades, kinds, materials).
- `services/`: one module per use-case area (see its docstring); both kinds of submission go
  through the frame's workflow (`xuehui/submission`) as the kinds in `services/kinds.py`.
- `schemas.py`, `api.py`, `pages/`, `forms.py`, `templates/nominations/`: the API and the pages.
- `demo.py`: the demo world's nominations.
"""

# The vocabularies register their labels on import, so the audit view and exports can label
# this package's codes without importing it by name.
from nominations.rules import actions, lifecycles, vocabulary  # noqa: F401
