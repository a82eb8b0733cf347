"""好差评 (ratings): the five national levels, evaluation records, bad-review work orders,
and their figures."""
