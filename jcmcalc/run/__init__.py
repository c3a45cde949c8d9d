"""A run: eligibility, expiry, the engine over monitoring periods (ex post) or years of the
crediting period (ex ante), and the result with its trace and provenance."""
