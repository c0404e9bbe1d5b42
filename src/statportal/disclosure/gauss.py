"""The former home of GAUSS elimination and the LP audit, kept for the code that imports
them from here: GAUSS is now ``elimination.py`` (its exact state ``span.py``), the audit
``audit.py`` and their LP helpers ``lp.py``. Nothing in the package imports this module.

The numeric knobs that tests and ``bench/`` set on this module are set where they now live
(``gauss.SCALE_TO = …`` sets ``lp.SCALE_TO``), so old code keeps changing what it meant to.
"""

import sys
import types

from statportal.disclosure import audit as _audit
from statportal.disclosure import lp as _lp
from statportal.disclosure.audit import audit
from statportal.disclosure.elimination import UnprotectedCellsWarning, gauss_suppress
from statportal.disclosure.lp import InconsistentCells

__all__ = ["InconsistentCells", "UnprotectedCellsWarning", "audit", "gauss_suppress"]

# old name -> (module, name there)
_MOVED = {
    "SCALE_TO": (_lp, "SCALE_TO"),
    "_block_scale": (_lp, "block_scale"),
    "_highs_api": (_lp, "highs_api"),
    "_INFEASIBLE": (_lp, "INFEASIBLE"),
    "_run_parallel": (_audit, "_run_parallel"),
}


def _moved(module, name):
    return property(lambda _self: getattr(module, name),
                    lambda _self, value: setattr(module, name, value))


# a module's class can carry properties: reading or setting an old name here reads or
# sets it where it lives now (monkeypatch, seeing a data descriptor, restores by setting)
_Forwarding = type("_Forwarding", (types.ModuleType,),
                   {old: _moved(*home) for old, home in _MOVED.items()})
sys.modules[__name__].__class__ = _Forwarding
