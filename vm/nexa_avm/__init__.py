"""The Nexa Agent VM: compiler, bytecode, interpreter, scheduler, providers, tools, debug adapter."""
