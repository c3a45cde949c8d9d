"""A third-party test plugin: one methodology, installed for real by the tests."""

from jcmcalc import hookimpl
from jcmcalc.model.expressions.walkers import Constant
from jcmcalc.model.methodology import PROJECT, REFERENCE, About, Equation, Index, Methodology
from jcmcalc.model.parameters import Kind, Monitoring, Parameter

ENERGY = Parameter(
    "EC_p", "energy_saved", "MWh", Kind.MONITORED, "Energy saved", monitoring=Monitoring(("C",))
)
FACTOR = Parameter("EF_p", "factor", "t_CO2/MWh", Kind.PROJECT, "Emission factor")


@hookimpl
def jcmcalc_methodologies():
    return [
        Methodology(
            id="XX_AM999",
            version="1.0",
            title="Test methodology of an installed third-party plugin",
            about=About(
                family="test",
                sectoral_scope="test",
                status="test",
                source="tests/plugins",
                country="XX",
            ),
            indices=(Index("i", "systems", "system"),),
            parameters=(ENERGY, FACTOR),
            equations=(
                Equation("RE_p", REFERENCE, ENERGY.ref * FACTOR.ref, "t_CO2", "reference"),
                Equation("PE_p", PROJECT, Constant(0, unit="t_CO2"), "t_CO2", "project"),
            ),
        )
    ]
