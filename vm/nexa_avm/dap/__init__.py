"""The Nexa debug adapter (DAP), driving the Agent VM through its stepping hook."""
