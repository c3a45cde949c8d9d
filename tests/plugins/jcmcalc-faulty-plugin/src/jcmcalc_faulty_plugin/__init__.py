"""A test plugin whose methodologies fault on purpose, one way each; and one expired version.

Every methodology is the same small one (RE = E x F, PE = 0) but for the fault its id names;
a ``FAULT_READER_*`` methodology has a monitoring reader (hook ``jcmcalc_readers``) that accepts
every file and faults that way.
"""

import math
from fractions import Fraction

import attrs

from jcmcalc import hookimpl
from jcmcalc.inputs.series.readings import Reader, Reading
from jcmcalc.model.expressions.walkers import Constant, Power, Total
from jcmcalc.model.methodology import PROJECT, REFERENCE, About, Equation, Index, Methodology
from jcmcalc.model.parameters import Default, Kind, Monitoring, Parameter

ENERGY = Parameter(
    "E_i,p", "energy", "MWh", Kind.MONITORED, "Energy", index=("i",), monitoring=Monitoring(("C",))
)
FACTOR = Parameter("F", "factor", "t_CO2/MWh", Kind.PROJECT, "Emission factor")
DIVISOR = Parameter("X", "divisor", "dimensionless", Kind.PROJECT, "A divisor that may be 0")
NAN_DEFAULT = attrs.evolve(FACTOR, default=Default("nan t_CO2/MWh", "a broken table"))
ZERO = Constant(0, unit="t_CO2")


def _methodology(identifier, reference, parameters=(ENERGY, FACTOR), expired="", **extra):
    return Methodology(
        id=identifier,
        version="1.0",
        title=f"Faulty test methodology: {identifier}",
        about=About(
            family="test",
            sectoral_scope="test",
            status="test",
            source="tests/plugins",
            country="XX",
            expired=expired,
        ),
        indices=(Index("i", "systems", "system"),),
        parameters=parameters,
        equations=(
            Equation("RE_p", REFERENCE, reference, "t_CO2", "reference"),
            Equation("PE_p", PROJECT, ZERO, "t_CO2", "project"),
        ),
        **extra,
    )


def _reader_returning(value, unit="", member=None):
    def read(path, context):
        return {
            (period.number, "energy", (member or known,)): Reading(value, path, (2,), unit)
            for period in context.periods
            for known in context.members["i"]
        }

    return read


def _raising_reader(path, context):
    return {}["no such column"]


READERS = {
    "FAULT_READER_RAISES": _raising_reader,
    "FAULT_READER_NAN": _reader_returning(math.nan),
    "FAULT_READER_FLOAT": _reader_returning(0.1),
    "FAULT_READER_UNIT": _reader_returning(Fraction(5), "kWh"),
    "FAULT_READER_MEMBER": _reader_returning(Fraction(5), member="Z"),
    "FAULT_READER_BOUNDS": _reader_returning(Fraction(-1000)),
    "FAULT_READER_ABSURD": _reader_returning(Fraction(10**18)),
    "FAULT_READER_EMPTY": lambda path, context: {},
}


def _raising_notice(inputs):
    return [str(1 / 0)]


@hookimpl
def jcmcalc_methodologies():
    total = Total("i", ENERGY.ref) * FACTOR.ref
    return [
        _methodology("EXPIRED_AM001", total, expired="2020-06-30"),
        *(_methodology(identifier, total) for identifier in READERS),
        _methodology("FAULT_NOTICE_RAISES", total, notices=(_raising_notice,)),
        _methodology(
            "FAULT_DIVIDES_BY_ZERO", total / DIVISOR.ref, parameters=(ENERGY, FACTOR, DIVISOR)
        ),
        _methodology(
            "FAULT_FRACTIONAL_POWER",
            total * Power(DIVISOR.ref, DIVISOR.ref),
            parameters=(ENERGY, FACTOR, DIVISOR),
        ),
        _methodology(
            "FAULT_NAN_DEFAULT",
            Total("i", ENERGY.ref) * NAN_DEFAULT.ref,
            parameters=(ENERGY, NAN_DEFAULT),
        ),
    ]


@hookimpl
def jcmcalc_readers():
    return [
        Reader(identifier.lower(), (identifier,), lambda path, head: True, read)
        for identifier, read in READERS.items()
    ]
