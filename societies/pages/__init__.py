"""The societies pages, one module per area, as `ROUTES` for the frame:

- `registry`: the society register (admin) and a society's own page;
- `integrity`: a society's sanctions and integrity violations, and recording a violation;
- `pilots`: pilot projects, their agreement form, one project's page and its workflow actions;
- `records`: the forms that add a running project's reports, meetings, evaluations, KPI readings;
- `amendments`: amending a signed agreement and deciding on it;
- `disclosure`: the public pages.
"""

from societies.pages import amendments, disclosure, integrity, pilots, records, registry

ROUTES = [*registry.ROUTES, *integrity.ROUTES, *pilots.ROUTES, *records.ROUTES, *amendments.ROUTES, *disclosure.ROUTES]

__all__ = ["ROUTES"]
