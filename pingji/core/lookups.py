"""The ``within`` lookup: a jurisdiction code and everything below it, as an indexed range.

``jurisdiction__code__within="3503"`` holds exactly the codes that start with 3503. Codes are digit
strings (docs/decisions/0001), so "starts with P" is the range ``P <= code <= P999…``. Unlike
``LIKE 'P%'`` the range is served by the plain B-tree index in any collation (PostgreSQL's
``LIKE`` needs a separate ``varchar_pattern_ops`` index that cannot sort, SQLite's ``LIKE`` uses no
index at all), and the index hands the rows over in code order, so a first page needs no sort of the
whole subtree: BENCHMARKS.md, 0.3 ms instead of 223 ms for a county among 1 M persons.
"""

from django.db import models

#: Longer than any code's tail below its ancestor's (codes have at most 15 digits in all).
_TAIL = "9" * 32


@models.CharField.register_lookup
class Within(models.Lookup):
    lookup_name = "within"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        upper = [str(p) + _TAIL for p in rhs_params]
        return f"({lhs} >= {rhs} AND {lhs} <= {rhs})", [
            *lhs_params,
            *rhs_params,
            *lhs_params,
            *upper,
        ]
