"""Generic test bases (the shape of NetBox's `ViewTestCases`): a test class declares its URL, its rows and who reads
them, and inherits the tests every scoped list, detail and API route must pass.

- `matrix.ScopeMatrix`: who reads which institution's rows — a table of roles and the sides (`own`, `foreign`)
  each reads, one test per role;
- `api.ScopedAPI`: an API route's list and detail as that matrix says, a missing or foreign row as 404, the public
  and a role without the permission refused, and a list's queries the same for N and 3N rows;
- `pages.ScopedPages`: pages of one institution's rows open for its own reader and answer 404 to another
  institution's, exactly as for a missing row;
- `queries.GrowingPages`: every page of an area makes the same number of queries for 3N rows as for N, and does
  list the 2N new ones.
- `tasks.DATABASE_TASKS`: the task backend of a deployment without Redis, for the tests of the queue itself.

A base class's name does not begin with `Test`, so pytest collects its tests only in the classes that declare it.
"""
