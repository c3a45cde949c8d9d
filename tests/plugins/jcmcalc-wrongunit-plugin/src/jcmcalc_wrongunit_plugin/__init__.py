"""A test plugin whose equation has the wrong dimension: RE in MWh where tCO2 is due."""

from jcmcalc import hookimpl
from jcmcalc.model.expressions.walkers import Constant
from jcmcalc.model.methodology import PROJECT, REFERENCE, About, Equation, Index, Methodology
from jcmcalc.model.parameters import Kind, Monitoring, Parameter

ENERGY = Parameter("E_p", "energy", "MWh", Kind.MONITORED, "Energy", monitoring=Monitoring(("C",)))


@hookimpl
def jcmcalc_methodologies():
    return [
        Methodology(
            id="WRONG_UNIT_AM001",
            version="1.0",
            title="Test methodology whose reference emissions are in MWh",
            about=About(
                family="test",
                sectoral_scope="test",
                status="test",
                source="tests/plugins",
                country="XX",
            ),
            indices=(Index("i", "systems", "system"),),
            parameters=(ENERGY,),
            equations=(
                Equation("RE_p", REFERENCE, ENERGY.ref, "t_CO2", "reference"),
                Equation("PE_p", PROJECT, Constant(0, unit="t_CO2"), "t_CO2", "project"),
            ),
        )
    ]
