"""Staff dashboards under /ops/: selectors compute, charts draw, views stay thin."""
