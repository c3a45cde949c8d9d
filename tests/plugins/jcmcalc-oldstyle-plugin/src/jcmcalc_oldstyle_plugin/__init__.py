"""A third-party test plugin written for jcmcalc 0.1: its parameter passes ``options``,
which 0.2 replaced by ``monitoring=Monitoring(...)``."""

from jcmcalc.model.parameters import Kind, Parameter

OUTPUT = Parameter(
    symbol="EG_p",
    name="EG_p",
    unit="MWh",
    kind=Kind.MONITORED,
    description="electricity generated in period p",
    options=("C",),
)
