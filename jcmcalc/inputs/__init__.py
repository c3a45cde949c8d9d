"""Inputs: project files, monitoring data (CSV, Parquet), submitted figures, and the
resolution of every value against its methodology: the one boundary every value crosses."""
