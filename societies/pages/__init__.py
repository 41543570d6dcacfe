"""The societies pages, one module per area, as `ROUTES` for the frame:

- `registry`: the society register (admin) and a society's own page;
- `integrity`: a society's sanctions and integrity violations, and recording a violation;
- `pilots`: pilot projects, their agreement form, one project's page and its workflow actions;
- `records`: the forms that add a running project's reports, meetings, evaluations, KPI readings;
- `kpi_figures`: a project's KPIs over time as a chart and a workbook of every reading;
- `documents`: the printable task agreement (PDF);
- `amendments`: amending a signed agreement and deciding on it;
- `disclosure`: the public pages.
"""

from societies.pages import amendments, disclosure, documents, integrity, kpi_figures, pilots, records, registry

ROUTES = [
    *registry.ROUTES,
    *integrity.ROUTES,
    *pilots.ROUTES,
    *records.ROUTES,
    *kpi_figures.ROUTES,
    *documents.ROUTES,
    *amendments.ROUTES,
    *disclosure.ROUTES,
]

__all__ = ["ROUTES"]
