"""Pages of the expert pool, one room per area:

* `registry` - the expert list, registration, Excel import/export, unit aliases, one expert (admin);
* `conflicts` - the conflict queue: bulk decisions and pinning (admin);
* `batches` - review batches, items, the assignment run, progress and reminders (admin);
* `deadlines` - reminders of a batch's deadline and withdrawal of overdue assignments (admin);
* `results` - a batch's results and ranking, and their Excel export (admin);
* `portal` - the expert's own assignments, replies, reviews, profile and relations;
* `panels` - panel meetings with their roll and close (admin) and the expert's ballots;
* `_shared` - guards, the labelled vocabularies every template gets, small form parsers.

`ROUTES` lists every page handler, as the frame reads it.
"""

from expert_pool.pages import batches, conflicts, deadlines, panels, portal, registry, results

ROUTES = [
    *registry.ROUTES,
    *conflicts.ROUTES,
    *batches.ROUTES,
    *deadlines.ROUTES,
    *results.ROUTES,
    *portal.ROUTES,
    *panels.ROUTES,
]
