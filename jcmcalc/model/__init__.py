"""The model: units, exact numbers, errors, parameters, expression trees, the methodology
record and the kernel that evaluates it. Nothing here imports from the rest of jcmcalc."""
