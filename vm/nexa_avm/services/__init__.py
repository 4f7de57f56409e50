"""Services of the Agent VM (L§7.11): db/kv/auth handles and their built-ins, jobs, HTTP servers.

specs.py      compiled forms of the declarations (plain data, cached with the program)
compiling.py  declarations → specs (called by the program compiler)
runtime.py    ServiceRuntime: the handles, the job queue and the auth state of one run
builtins.py   the service built-ins as prelude entries
databases.py  sqlite `db` handles, agent memory tables
kvstore.py    sqlite-backed `kv` handles
auth.py       OAuth settings, sessions, JWT (HS256), CSRF, agent API keys
jobs.py       the job queue and its worker on the VM's event loop
responses.py  response values and request helpers
http.py       a small asyncio HTTP/1.1 server
server.py     a `server` declaration's routing, middleware, auth, static files, CORS
serving.py    `nexa serve` / `nexa run` without main: start, signals, graceful stop
"""
