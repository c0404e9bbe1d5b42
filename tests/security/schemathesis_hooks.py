"""schemathesis hooks for ``test_schemathesis.py`` (the CLI loads this file from
``SCHEMATHESIS_HOOKS``): half of the generated path parameters name what exists in the demo
content (``STATPORTAL_SCHEMATHESIS_VALUES``: ``{"path": [...], "transition": [...]}``), so
the operations on an object reach its views, not only the 404 of a random name."""

import json
import os

import schemathesis
from hypothesis import strategies as st

REAL = json.loads(os.environ.get("STATPORTAL_SCHEMATHESIS_VALUES", "{}"))


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:  # an operation without any (None)
        return st.just(path_parameters)
    known = {name: values for name, values in REAL.items()
             if values and name in path_parameters}
    if not known:
        return st.just(path_parameters)
    real = st.fixed_dictionaries({name: st.sampled_from(values)
                                  for name, values in known.items()})
    return st.one_of(st.just(path_parameters),
                     real.map(lambda chosen: {**path_parameters, **chosen}))
