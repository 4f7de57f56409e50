"""The checker's rules, one module per code (or per code family part), registered by `@rule`.

Importing this package imports every module in it, which registers its rules.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
