"""A portfolio given as one table (CSV or Parquet): read, checked as project files are, its
fixed values resolved and its project-periods evaluated many at once."""
