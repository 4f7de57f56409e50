"""LLM providers of the Agent VM behind one interface (stdlib §4): `offline` (the default) and
`openai` (any OpenAI-compatible endpoint), plus cassette recording and replay."""
