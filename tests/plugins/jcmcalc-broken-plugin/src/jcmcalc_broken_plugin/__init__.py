"""A third-party test plugin that fails to import."""

import jcmcalc_dependency_that_is_not_installed  # noqa: F401
