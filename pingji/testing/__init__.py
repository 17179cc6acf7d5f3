"""Mass-testing campaigns: rounds, sampling points, pooled samples and results, coverage,
follow-up."""
